package discord

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
)

// command is one slash command: its definition, whether it is for staff,
// and what it does. Staff commands answer privately (ephemeral).
type command struct {
	def   *discordgo.ApplicationCommand
	staff bool
	run   func(ctx context.Context, inv invocation) (string, error)
}

// invocation is a slash command as the handlers see it.
type invocation struct {
	user     *discordgo.User
	workerID string // set for staff commands
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
)

func opt(t discordgo.ApplicationCommandOptionType, name, desc string, required bool, choices ...string) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{Type: t, Name: name, Description: desc, Required: required}
	for _, c := range choices {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
	}
	return o
}

// commands is Steady's command table. Each command whose engine method
// exists is here; wiring a new one is a definition and a call to the engine.
func (c *Client) commands() map[string]command {
	str, usr, boolean := discordgo.ApplicationCommandOptionString, discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionBoolean
	list := []command{
		{def: &discordgo.ApplicationCommand{Name: "help", Description: "What Steady does and how to use it", Contexts: anywhere},
			run: func(ctx context.Context, inv invocation) (string, error) { return c.cat.T("discord.help", nil), nil }},
		{def: &discordgo.ApplicationCommand{Name: "enrol", Description: "Enrol a client with Steady (you become their worker)", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				opt(usr, "user", "the client's Discord account", true),
				opt(str, "id", "a short client id: lower-case letters, digits, - or _", true),
				opt(str, "name", "the name Steady calls them by", true),
				opt(str, "time_zone", "their time zone, e.g. Europe/London", true),
				opt(boolean, "worker_sees_answers", "they agree their worker sees their answers (required to use Steady)", true),
				opt(str, "peer_group", "peer-group nudges they agreed to", true, "off", "anonymous", "named"),
				opt(str, "supervisor", "what you may discuss with their supervisor", false, "none", "functional"),
				opt(str, "sleep_log", "daily sleep-log time, e.g. 07:30", false),
				opt(str, "weekly_checkin", "weekly check-in, e.g. mon 10:00", false),
				opt(str, "job_start", "first day of the job, YYYY-MM-DD", false),
			}}, staff: true, run: c.enrol},
		{def: &discordgo.ApplicationCommand{Name: "incident", Description: "Acknowledge a client's open incidents", Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				opt(str, "client", "the client id", true),
			}}, staff: true, run: c.acknowledgeOpen},
	}
	out := map[string]command{}
	for _, cmd := range list {
		out[cmd.def.Name] = cmd
	}
	return out
}

// registerCommands replaces the guild's commands with Steady's (bulk
// overwrite: a removed command disappears, a changed one updates).
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
	defs := make([]*discordgo.ApplicationCommand, 0, len(names))
	for _, n := range names {
		defs = append(defs, c.cmds[n].def)
	}
	if _, err := c.s.ApplicationCommandBulkOverwrite(app.ID, c.opt.GuildID, defs, discordgo.WithContext(ctx)); err != nil {
		return classify(err, "register slash commands")
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
	inv := invocation{user: user, opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{}}
	for _, o := range data.Options {
		inv.opts[o.Name] = o
	}
	// Staff answers are private; a client's are too when asked in a channel.
	c.answer(ctx, in, cmd.staff || in.GuildID != "", func(ctx context.Context) (string, error) {
		if cmd.staff {
			w, ok := c.staffMember(ctx, in)
			if !ok {
				return c.cat.T("discord.staff_only", nil), nil
			}
			inv.workerID = w
		}
		return cmd.run(ctx, inv)
	})
}

// enrol builds a profile from the options; the invoking worker becomes the
// client's worker, and the consents are recorded as given to them.
func (c *Client) enrol(ctx context.Context, inv invocation) (string, error) {
	var p bot.Profile
	p.Client.ID = inv.str("id")
	p.Client.Name = inv.str("name")
	p.Client.TimeZone = inv.str("time_zone")
	p.Client.JobStart = inv.str("job_start")
	if o, ok := inv.opts["user"]; ok {
		p.Client.DiscordID = fmt.Sprint(o.Value)
	}
	p.Worker = bot.StaffProfile{ID: inv.workerID, Name: displayName(inv.user), DiscordID: inv.user.ID}
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
		return c.cat.T("discord.already_enrolled", map[string]any{"ID": p.Client.ID}), nil
	case err != nil && strings.HasPrefix(err.Error(), "profile:"):
		return c.cat.T("discord.enrol_problems", map[string]any{"Problems": strings.ReplaceAll(err.Error(), "profile: ", "- ")}), nil
	case err != nil:
		return "", err
	}
	return c.cat.T("discord.enrolled", map[string]any{"Name": p.Client.Name, "ID": p.Client.ID}), nil
}

func (c *Client) acknowledgeOpen(ctx context.Context, inv invocation) (string, error) {
	n, err := c.engine.AcknowledgeOpen(ctx, inv.str("client"), inv.workerID)
	if err != nil {
		return "", err
	}
	return c.cat.T("discord.acknowledged_open", map[string]any{"N": n, "ID": inv.str("client")}), nil
}
