package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
	"steady/flows"
	"steady/flows/report"
	"steady/store"
)

// command is one slash command: its definition, whether it is for staff,
// and what it does. Staff commands answer privately (ephemeral).
type command struct {
	def   *discordgo.ApplicationCommand
	staff bool
	run   func(ctx context.Context, inv invocation) (reply, error)
}

// invocation is a slash command as the handlers see it: the subcommand, if
// any, and its options by name.
type invocation struct {
	user     *discordgo.User
	key      string // the interaction's id: a retried delivery changes nothing
	workerID string // set for staff commands
	sub      string
	opts     map[string]*discordgo.ApplicationCommandInteractionDataOption
}

func (inv invocation) str(name string) string {
	if o, ok := inv.opts[name]; ok {
		return strings.TrimSpace(o.StringValue())
	}
	return ""
}

func (inv invocation) boolean(name string) bool {
	if o, ok := inv.opts[name]; ok {
		return o.BoolValue()
	}
	return false
}

var (
	guildOnly = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	anywhere  = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	// guildInstall: client commands come with Steady's bot in the server,
	// not as an app a user installs on their own account.
	guildInstall = &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	// staffOnly hides staff commands from everyone but the server's
	// administrators until they allow the staff role to use them (Server
	// Settings → Integrations → Steady). Steady checks the role on every
	// use whatever Discord shows.
	staffOnly = new(int64)
)

const (
	optString = discordgo.ApplicationCommandOptionString
	optUser   = discordgo.ApplicationCommandOptionUser
	optBool   = discordgo.ApplicationCommandOptionBoolean
	optSub    = discordgo.ApplicationCommandOptionSubCommand
)

func opt(t discordgo.ApplicationCommandOptionType, name, desc string, required bool, choices ...string) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{Type: t, Name: name, Description: desc, Required: required}
	for _, c := range choices {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
	}
	return o
}

func sub(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: optSub, Name: name, Description: desc, Options: opts}
}

func clientOpt() *discordgo.ApplicationCommandOption {
	return opt(optString, "client", "the client id", true)
}

// commands is Steady's command table: a definition and a call to the
// engine each.
func (c *Client) commands() map[string]command {
	e := func() Engine { return c.engine }
	// start is a client command that opens a conversation in their DMs; the
	// command itself answers with one short line.
	start := func(name, desc string, do func(ctx context.Context, userID, key string) (string, error)) command {
		return command{def: &discordgo.ApplicationCommand{Name: name, Description: desc, Contexts: anywhere},
			run: func(ctx context.Context, inv invocation) (reply, error) {
				return textReply(do(ctx, inv.user.ID, inv.key))
			}}
	}
	list := []command{
		// --- clients (in a DM with the bot, or anywhere in the server) ---
		start("checkin", "Do your weekly check-in now", func(ctx context.Context, u, k string) (string, error) { return e().CheckInNow(ctx, u, k) }),
		start("sleep", "Log last night's sleep now", func(ctx context.Context, u, k string) (string, error) { return e().SleepLogNow(ctx, u, k) }),
		start("debrief", "Debrief after a shift now", func(ctx context.Context, u, k string) (string, error) { return e().DebriefNow(ctx, u, k) }),
		start("resume", "Start your check-ins again after a pause", func(ctx context.Context, u, k string) (string, error) { return e().ResumeCheckIns(ctx, u, k) }),
		start("consent", "See or change what you have agreed to", func(ctx context.Context, u, k string) (string, error) { return e().ChangeConsent(ctx, u, k) }),
		{def: &discordgo.ApplicationCommand{Name: "erase", Description: "Delete everything Steady holds about you (asks you to confirm first)", Contexts: anywhere,
			Options: []*discordgo.ApplicationCommandOption{
				opt(optString, "code", "the confirmation code Steady gave you (leave empty to get one)", false),
			}},
			run: func(ctx context.Context, inv invocation) (reply, error) {
				if code := inv.str("code"); code != "" {
					return textReply(e().ConfirmErasure(ctx, inv.user.ID, code))
				}
				text, _, err := e().RequestErasure(ctx, inv.user.ID)
				return reply{text: text}, err
			}},
		{def: &discordgo.ApplicationCommand{Name: "pause", Description: "Pause your check-ins for a while", Contexts: anywhere,
			Options: []*discordgo.ApplicationCommandOption{
				opt(optString, "until", "e.g. friday, 1 dec or 2 weeks (leave empty to be asked)", false),
			}},
			run: func(ctx context.Context, inv invocation) (reply, error) {
				return textReply(e().PauseCheckIns(ctx, inv.user.ID, inv.key, inv.str("until")))
			}},
		{def: &discordgo.ApplicationCommand{Name: "help", Description: "What Steady does and how to use it", Contexts: anywhere},
			run: func(ctx context.Context, inv invocation) (reply, error) {
				return reply{text: c.cat.T("discord.help", nil)}, nil
			}},
		{def: &discordgo.ApplicationCommand{Name: "mydata", Description: "Get a copy of everything Steady holds about you", Contexts: anywhere},
			run: func(ctx context.Context, inv invocation) (reply, error) {
				data, deny, err := e().MyExport(ctx, inv.user.ID)
				if err != nil || deny != "" {
					return reply{text: deny}, err
				}
				return reply{text: c.cat.T("discord.mydata", nil), files: []*discordgo.File{jsonFile("steady-my-data.json", data)}}, nil
			}},

		// --- staff (in the server, with the staff role) ---
		{def: &discordgo.ApplicationCommand{Name: "enrol", Description: "Enrol a client with Steady (you become their worker)", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				opt(optUser, "user", "the client's Discord account", true),
				opt(optString, "id", "a short client id: lower-case letters, digits, - or _", true),
				opt(optString, "name", "the name Steady calls them by", true),
				opt(optString, "time_zone", "their time zone, e.g. Europe/London", true),
				opt(optBool, "consent_in_chat", "let them give their consents themselves, in their DMs with Steady", false),
				opt(optBool, "worker_sees_answers", "they agreed with you that you see their answers (required to use Steady)", false),
				opt(optString, "peer_group", "peer-group nudges they agreed to", false, "off", "anonymous", "named"),
				opt(optString, "supervisor", "what you may discuss with their supervisor", false, "none", "functional"),
				opt(optString, "sleep_log", "daily sleep-log time, e.g. 07:30", false),
				opt(optString, "weekly_checkin", "weekly check-in, e.g. mon 10:00", false),
				opt(optString, "job_start", "first day of the job, YYYY-MM-DD", false),
			}}, staff: true, run: c.enrol},
		{def: &discordgo.ApplicationCommand{Name: "caseload", Description: "Your clients (a lead sees everyone's)", Contexts: guildOnly},
			staff: true, run: func(ctx context.Context, inv invocation) (reply, error) {
				return textReply(e().Caseload(ctx, inv.workerID))
			}},
		{def: &discordgo.ApplicationCommand{Name: "client", Description: "A client's summary: last two weeks, incidents, adjustments, consents", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{clientOpt()}}, staff: true,
			run: func(ctx context.Context, inv invocation) (reply, error) {
				s, err := e().ClientSummary(ctx, inv.workerID, inv.str("client"))
				r := reply{text: s.Text}
				if len(s.Chart) > 0 {
					r.files = []*discordgo.File{{Name: inv.str("client") + "-summary.png", ContentType: "image/png", Reader: bytes.NewReader(s.Chart)}}
				}
				return r, err
			}},
		{def: &discordgo.ApplicationCommand{Name: "plan", Description: "Change one part of a client's plan, or see its history", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub("edit", "set one field of the plan", clientOpt(),
					opt(optString, "field", "e.g. pause_script, early_warning_signs, actions."+flows.RuleTwoDisruptedNights, true),
					opt(optString, "value", "the new value (lists: separate with ;)", true),
					opt(optString, "reason", "why, for the record", true)),
				sub("history", "every version of the plan", clientOpt()),
			}}, staff: true, run: c.plan},
		{def: &discordgo.ApplicationCommand{Name: "shift", Description: "Add or remove a client's shift (debriefs follow shifts)", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub("add", "a dated shift", clientOpt(), opt(optString, "shift", "e.g. 2026-11-28 10:00-16:00, or 2026-11-28 09:00 off", true)),
				sub("remove", "a dated shift", clientOpt(), opt(optString, "start", "its date and start, e.g. 2026-11-28 10:00", true)),
			}}, staff: true,
			run: func(ctx context.Context, inv invocation) (reply, error) {
				if inv.sub == "remove" {
					return textReply(e().RemoveShift(ctx, inv.workerID, inv.str("client"), inv.str("start")))
				}
				return textReply(e().AddShift(ctx, inv.workerID, inv.str("client"), inv.str("shift")))
			}},
		{def: &discordgo.ApplicationCommand{Name: "adjustment", Description: "A client's reasonable adjustments", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub("add", "record a specific, reviewable adjustment", clientOpt(),
					opt(optString, "what", "what changes, checkably: shift starts no earlier than 10:00", true),
					opt(optString, "for", "how long: six weeks, until 2027-01-04, or ongoing", true),
					opt(optString, "when", "when it applies, e.g. every shift", false),
					opt(optString, "from", "start date (default today)", false),
					opt(optString, "review", "review date or length, e.g. 6 weeks", false),
					opt(optBool, "shared", "the employer has been told (through you, within consent)", false),
					opt(optString, "notes", "anything else for the record", false)),
				sub("change", "change one thing about an adjustment, with the reason", clientOpt(),
					opt(optString, "id", "the adjustment's id, from /adjustment list", true),
					opt(optString, "field", "what to change", true, "what", "when", "until", "review_on", "status", "shared", "notes"),
					opt(optString, "value", "the new value", true),
					opt(optString, "reason", "why, for the record", true)),
				sub("review", "record a review of an adjustment", clientOpt(),
					opt(optString, "id", "the adjustment's id, from /adjustment list", true),
					opt(optString, "outcome", "what was decided", true, store.ReviewContinue, store.ReviewStepDown, store.ReviewChange, store.ReviewEnd),
					opt(optString, "honoured", "is the employer keeping to it?", false, store.Yes, store.Partly, store.No),
					opt(optString, "next", "next review: a date or a length, e.g. 6 weeks (default: the usual gap)", false),
					opt(optString, "note", "anything else for the record", false)),
				sub("list", "the adjustments register", clientOpt()),
			}}, staff: true, run: c.adjustment},
		{def: &discordgo.ApplicationCommand{Name: "schedule", Description: "Change when a client is asked, and when they are left alone", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub("sleep_log", "the daily sleep log's time", clientOpt(), opt(optString, "at", "e.g. 07:30, or off", true)),
				sub("checkin", "the weekly check-in", clientOpt(), opt(optString, "when", "e.g. mon 10:00, or off", true)),
				sub("quiet_hours", "hours nothing non-urgent reaches them", clientOpt(), opt(optString, "hours", "e.g. 22:00-07:00, or off", true)),
				sub("reminder", "a reminder for you about this client", clientOpt(),
					opt(optString, "when", "week 2 (after the job start) or a date, YYYY-MM-DD", true),
					opt(optString, "note", "what to do", true)),
			}}, staff: true,
			run: func(ctx context.Context, inv invocation) (reply, error) {
				client := inv.str("client")
				switch inv.sub {
				case "sleep_log":
					return textReply(e().SetSleepLog(ctx, inv.workerID, client, inv.str("at")))
				case "checkin":
					return textReply(e().SetWeeklyCheckIn(ctx, inv.workerID, client, inv.str("when")))
				case "quiet_hours":
					return textReply(e().SetQuietHours(ctx, inv.workerID, client, inv.str("hours")))
				}
				return textReply(e().AddWorkerReminder(ctx, inv.workerID, client, inv.str("when"), inv.str("note")))
			}},
		{def: &discordgo.ApplicationCommand{Name: "job", Description: "Record that a client started or left work (sustainment reports read this)", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				clientOpt(),
				opt(optString, "status", "what happened", true, store.JobStarted, store.JobLeft),
				opt(optString, "date", "when, YYYY-MM-DD (default today)", false),
				opt(optString, "note", "e.g. new role at the same employer", false),
			}}, staff: true,
			run: func(ctx context.Context, inv invocation) (reply, error) {
				return textReply(e().RecordJob(ctx, inv.workerID, inv.str("client"), inv.str("status"), inv.str("date"), inv.str("note")))
			}},
		{def: &discordgo.ApplicationCommand{Name: "discharge", Description: "End a client's support: nothing more is sent; records are kept for the retention period", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{clientOpt(), opt(optString, "reason", "why, for the record", true)}}, staff: true,
			run: func(ctx context.Context, inv invocation) (reply, error) {
				return textReply(e().Discharge(ctx, inv.workerID, inv.str("client"), inv.str("reason")))
			}},
		{def: &discordgo.ApplicationCommand{Name: "incident", Description: "Acknowledge or resolve a client's open incidents", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub("acknowledge", "you are taking them on", clientOpt()),
				sub("resolve", "close them with the outcome", clientOpt(), opt(optString, "outcome", "what happened, for the record", true)),
			}}, staff: true, run: c.incident},
		{def: &discordgo.ApplicationCommand{Name: "report", Description: "A service report for commissioners (markdown file)", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				opt(optString, "kind", "which report", true, report.KindSustainment, report.KindContact, report.KindAdjustments, report.KindIncidents, report.KindAuditSample),
				opt(optString, "from", "first day, YYYY-MM-DD", true),
				opt(optString, "to", "last day, YYYY-MM-DD", true),
				opt(optString, "worker", "one worker's caseload (leads only; default: yours, or the service for a lead)", false),
			}}, staff: true, run: c.report},
	}
	out := map[string]command{}
	for _, cmd := range list {
		boundOptions(cmd.def.Name, cmd.def.Options)
		out[cmd.def.Name] = cmd
	}
	return out
}

// optionBounds are the longest text each option takes, by option name, or
// by command/subcommand/option where one name means different things: the
// bounds the engine holds what staff type to (bot.Max…), so Discord's own
// form stops an over-long value before it is sent.
var optionBounds = map[string]int{
	"client": bot.MaxIDRunes, "id": bot.MaxIDRunes, "code": bot.MaxIDRunes, "worker": bot.MaxIDRunes,
	"name": bot.MaxNameRunes, "time_zone": bot.MaxSettingRunes, "sleep_log": bot.MaxSettingRunes,
	"weekly_checkin": bot.MaxSettingRunes, "job_start": bot.MaxSettingRunes, "field": bot.MaxSettingRunes,
	"for": bot.MaxSettingRunes, "when": bot.MaxSettingRunes, "from": bot.MaxSettingRunes, "review": bot.MaxSettingRunes,
	"next": bot.MaxSettingRunes, "shift": bot.MaxSettingRunes, "start": bot.MaxSettingRunes, "at": bot.MaxSettingRunes,
	"hours": bot.MaxSettingRunes, "date": bot.MaxSettingRunes, "until": bot.MaxSettingRunes, "to": bot.MaxSettingRunes,
	"reason": bot.MaxNoteRunes, "notes": bot.MaxNoteRunes, "note": bot.MaxNoteRunes, "value": bot.MaxNoteRunes,
	"what": flows.MaxAdjustmentRunes, "outcome": bot.MaxOutcomeRunes,
	"plan/edit/value":     bot.MaxPlanValueRunes,
	"adjustment/add/when": flows.MaxAdjustmentRunes,
}

// boundOptions sets max_length on every free-text option under path.
func boundOptions(path string, opts []*discordgo.ApplicationCommandOption) {
	for _, o := range opts {
		if o.Type == optSub {
			boundOptions(path+"/"+o.Name, o.Options)
			continue
		}
		if o.Type != optString || len(o.Choices) > 0 {
			continue
		}
		if n, ok := optionBounds[path+"/"+o.Name]; ok {
			o.MaxLength = n
		} else {
			o.MaxLength = optionBounds[o.Name]
		}
	}
}

func jsonFile(name string, data []byte) *discordgo.File {
	return &discordgo.File{Name: name, ContentType: "application/json", Reader: bytes.NewReader(data)}
}

// registerCommands replaces Steady's commands (bulk overwrite: a removed
// command disappears, a changed one updates). Client commands are global,
// because Discord honours a command's contexts only for global commands:
// registered in the server, /mydata and /erase would not exist in a
// client's DMs with Steady. Staff commands are the server's own.
func (c *Client) registerCommands(ctx context.Context) error {
	if c.opt.GuildID == "" {
		return nil
	}
	app := c.s.State.Application
	if app == nil || app.ID == "" {
		return errors.New("discord: the gateway did not say which application this bot is")
	}
	names := make([]string, 0, len(c.cmds))
	for n := range c.cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	global := []*discordgo.ApplicationCommand{}
	guild := []*discordgo.ApplicationCommand{}
	for _, n := range names {
		cmd := c.cmds[n]
		def := *cmd.def
		if cmd.staff {
			def.DefaultMemberPermissions = staffOnly
			guild = append(guild, &def)
			continue
		}
		def.IntegrationTypes = guildInstall
		global = append(global, &def)
	}
	if _, err := c.s.ApplicationCommandBulkOverwrite(app.ID, "", global, discordgo.WithContext(ctx)); err != nil {
		return classify(err, "register client commands")
	}
	if _, err := c.s.ApplicationCommandBulkOverwrite(app.ID, c.opt.GuildID, guild, discordgo.WithContext(ctx)); err != nil {
		return classify(err, "register staff commands")
	}
	return nil
}

func (c *Client) runCommand(ctx context.Context, in *discordgo.Interaction) {
	data := in.ApplicationCommandData()
	cmd, ok := c.cmds[data.Name]
	user := userOf(in)
	if !ok || user == nil {
		c.respond(ctx, in, ephemeral(c.cat.T("discord.unknown_command", nil)))
		return
	}
	inv := invocation{user: user, key: "cmd:" + in.ID, opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{}}
	options := data.Options
	if len(options) == 1 && options[0].Type == optSub {
		inv.sub, options = options[0].Name, options[0].Options
	}
	for _, o := range options {
		inv.opts[o.Name] = o
	}
	// Staff answers are private; a client's are too when asked in a channel.
	c.answerWith(ctx, in, cmd.staff || in.GuildID != "", func(ctx context.Context) (reply, error) {
		if cmd.staff {
			w, ok := c.staffMember(ctx, in)
			if !ok {
				return reply{text: c.cat.T("discord.staff_only", nil)}, nil
			}
			inv.workerID = w
			r, err := cmd.run(ctx, inv)
			if err != nil {
				return r, err
			}
			// What a member of staff typed about a client is read too: it
			// raises nothing, but they are told if it reads as risk.
			if client := inv.str("client"); client != "" {
				note, err := c.engine.ReadStaffNote(ctx, w, client, inv.typed()...)
				r.text = joinReplies(r.text, note)
				return r, err
			}
			return r, nil
		}
		// A client's words in an option go through the crisis interceptor
		// first, as a message would; if it answers them, the command waits.
		if words := inv.typed(); len(words) > 0 {
			text, acted, err := c.engine.ReadClientWords(ctx, inv.user.ID, inv.key, words...)
			if err != nil || acted {
				return reply{text: text}, err
			}
		}
		return cmd.run(ctx, inv)
	})
}

// typed returns the text a person typed into the command's options: every
// string option but the ids that name a client and /erase's confirmation
// code, which says nothing and must not wait behind a step of the client's
// (their erasure would wait on a delivery to them under way).
func (inv invocation) typed() []string {
	var out []string
	for name, o := range inv.opts {
		if o.Type != optString || name == "client" || name == "id" || name == "code" {
			continue
		}
		if v := strings.TrimSpace(o.StringValue()); v != "" {
			out = append(out, v)
		}
	}
	sort.Strings(out) // options come as a map; the same command reads the same way every time
	return out
}

// enrol builds a profile from the options; the invoking worker becomes the
// client's worker, and the consents are recorded as given to them.
func (c *Client) enrol(ctx context.Context, inv invocation) (reply, error) {
	var p bot.Profile
	p.Client.ID = inv.str("id")
	p.Client.Name = inv.str("name")
	p.Client.TimeZone = inv.str("time_zone")
	p.Client.JobStart = inv.str("job_start")
	if o, ok := inv.opts["user"]; ok {
		p.Client.DiscordID = fmt.Sprint(o.Value)
	}
	p.Worker = bot.StaffProfile{ID: inv.workerID, Name: displayName(inv.user), DiscordID: inv.user.ID}
	// Consents are either given by the client in chat (onboarding), or
	// recorded here as agreed in person, and then the client is welcomed
	// with what was recorded and how to change it.
	p.Onboarding = inv.boolean("consent_in_chat")
	p.Welcome = !p.Onboarding
	if !p.Onboarding && (!inv.boolean("worker_sees_answers") || inv.str("peer_group") == "") {
		return reply{text: c.cat.T("discord.enrol_consents", nil)}, nil
	}
	p.Consents.WorkerSeesAnswers = inv.boolean("worker_sees_answers")
	p.Consents.PeerGroup = inv.str("peer_group")
	p.Consents.SupervisorLiaison = inv.str("supervisor")
	if p.Consents.SupervisorLiaison == "" {
		p.Consents.SupervisorLiaison = "none"
	}
	p.Schedules.SleepLog = inv.str("sleep_log")
	p.Schedules.WeeklyCheckIn = inv.str("weekly_checkin")
	err := c.engine.Enrol(ctx, p, inv.workerID)
	switch {
	case errors.Is(err, bot.ErrAlreadyEnrolled):
		return reply{text: c.cat.T("discord.already_enrolled", map[string]any{"ID": p.Client.ID})}, nil
	case err != nil && strings.HasPrefix(err.Error(), "profile:"):
		return reply{text: c.cat.T("discord.enrol_problems", map[string]any{"Problems": strings.ReplaceAll(err.Error(), "profile: ", "- ")})}, nil
	case err != nil:
		return reply{}, err
	}
	return reply{text: c.cat.T("discord.enrolled", map[string]any{"Name": p.Client.Name, "ID": p.Client.ID})}, nil
}

func (c *Client) plan(ctx context.Context, inv invocation) (reply, error) {
	client := inv.str("client")
	if inv.sub == "edit" {
		return textReply(c.engine.EditPlan(ctx, inv.workerID, client, inv.str("field"), inv.str("value"), inv.str("reason")))
	}
	versions, deny, err := c.engine.PlanHistory(ctx, inv.workerID, client)
	if err != nil || deny != "" {
		return reply{text: deny}, err
	}
	if len(versions) == 0 {
		return reply{text: c.cat.T("discord.plan_none", map[string]any{"ID": client})}, nil
	}
	var b strings.Builder
	for _, v := range versions {
		var changes []string
		for _, ch := range v.Changes {
			changes = append(changes, fmt.Sprint(ch))
		}
		fmt.Fprintf(&b, "v%d %s by %s: %s", v.Version, v.At.Format(time.DateOnly), v.By, v.Reason)
		if len(changes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(changes, "; "))
		}
		b.WriteString("\n")
	}
	return reply{text: b.String()}, nil
}

func (c *Client) adjustment(ctx context.Context, inv invocation) (reply, error) {
	client := inv.str("client")
	switch inv.sub {
	case "add":
		return textReply(c.engine.AddAdjustment(ctx, inv.workerID, client, flows.AdjustmentDraft{
			What: inv.str("what"), When: inv.str("when"), From: inv.str("from"), For: inv.str("for"),
			Review: inv.str("review"), Shared: inv.boolean("shared"), Notes: inv.str("notes"),
		}))
	case "change":
		return textReply(c.engine.ChangeAdjustment(ctx, inv.workerID, client, inv.str("id"), inv.str("field"), inv.str("value"), inv.str("reason")))
	case "review":
		return textReply(c.engine.ReviewAdjustment(ctx, inv.workerID, client, inv.str("id"), store.AdjustmentReview{
			Outcome: inv.str("outcome"), Honoured: inv.str("honoured"), Next: inv.str("next"), Note: inv.str("note"),
		}))
	}
	list, deny, err := c.engine.AdjustmentRegister(ctx, inv.workerID, client)
	if err != nil || deny != "" {
		return reply{text: deny}, err
	}
	if len(list) == 0 {
		return reply{text: c.cat.T("discord.adjustments_none", map[string]any{"ID": client})}, nil
	}
	var b strings.Builder
	for _, a := range list {
		fmt.Fprintf(&b, "%s: %s", a.ID, a.What)
		if a.When != "" {
			fmt.Fprintf(&b, ", %s", a.When)
		}
		fmt.Fprintf(&b, " (%s, from %s", a.Status, a.From)
		if a.Until != "" {
			fmt.Fprintf(&b, " to %s", a.Until)
		}
		fmt.Fprintf(&b, "; review %s)\n", a.ReviewOn)
	}
	return reply{text: b.String()}, nil
}

func (c *Client) incident(ctx context.Context, inv invocation) (reply, error) {
	client := inv.str("client")
	if inv.sub == "resolve" {
		n, deny, err := c.engine.ResolveOpen(ctx, client, inv.workerID, inv.str("outcome"))
		if err != nil || deny != "" {
			return reply{text: deny}, err
		}
		return reply{text: c.cat.T("discord.resolved_open", map[string]any{"N": n, "ID": client})}, nil
	}
	n, deny, err := c.engine.AcknowledgeOpen(ctx, client, inv.workerID)
	if err != nil || deny != "" {
		return reply{text: deny}, err
	}
	return reply{text: c.cat.T("discord.acknowledged_open", map[string]any{"N": n, "ID": client})}, nil
}

func (c *Client) report(ctx context.Context, inv invocation) (reply, error) {
	from, err1 := time.Parse(time.DateOnly, inv.str("from"))
	to, err2 := time.Parse(time.DateOnly, inv.str("to"))
	if err1 != nil || err2 != nil || to.Before(from) {
		return reply{text: c.cat.T("discord.report_dates", nil)}, nil
	}
	rep, deny, err := c.engine.Report(ctx, inv.workerID, bot.ReportRequest{Kind: inv.str("kind"),
		Options: report.Options{From: from, To: to, Worker: inv.str("worker")}})
	if err != nil || deny != "" {
		return reply{text: deny}, err
	}
	name := fmt.Sprintf("steady-%s-%s-to-%s.md", inv.str("kind"), inv.str("from"), inv.str("to"))
	return reply{text: c.cat.T("discord.report_ready", nil), files: []*discordgo.File{{Name: name, ContentType: "text/markdown", Reader: strings.NewReader(rep.Markdown())}}}, nil
}
