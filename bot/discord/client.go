package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/flows"
	"steady/flows/report"
	"steady/scheduler"
	"steady/store"
)

// Options configure the adapter. Zero fields take the documented defaults.
type Options struct {
	Token string // the bot token, without "Bot "
	// APIURL sends REST somewhere other than discord.com (a proxy or a test
	// server), e.g. "http://127.0.0.1:8081". The path discordgo uses
	// (/api/v9/…) is appended to it.
	APIURL string
	// GuildID is the server whose slash commands Steady registers.
	GuildID string
	// StaffRoleID may use staff commands and buttons; LeadRoleID sees every caseload.
	StaffRoleID, LeadRoleID string
	// PeerChannelID is the peer-support channel Steady watches for crisis
	// language (it then needs the Message Content intent). Empty: no watch.
	PeerChannelID string
	// StaffChannelID is the shared staff channel; each member of staff's
	// private Steady channel is created in the same category.
	StaffChannelID string

	Redis  redis.UniversalClient
	Prefix string // Redis key prefix (e.g. "steady")
	// Records keeps what the adapter remembers about messages (required;
	// redisstore.Store).
	Records Records
	// Offline is an adapter that never calls Discord (steady erase without a
	// token): Forget queues every deletion for steady serve to make.
	Offline bool

	// Rate is the global REST rate, requests per second (default 45, under
	// Discord's 50).
	Rate float64
	// MaxRetries bounds retries of one REST call after a 429, a 5xx or a
	// network error (default 5); Backoff is the first wait after a 5xx or
	// network error, doubling up to BackoffCap (defaults 250ms, 8s).
	MaxRetries          int
	Backoff, BackoffCap time.Duration
	// DeferAfter is how long an interaction's work may run before Steady
	// answers "thinking…" and edits the answer in later (default 1.2s, well
	// inside the 3s after which Discord drops an unanswered interaction:
	// the event's own delivery and a loaded host eat into that).
	DeferAfter time.Duration
	// SentTTL is how long a delivered message's key is remembered (default
	// 45 days: longer than any occurrence can be retried).
	SentTTL time.Duration
	// TransientTTL is how long a reply to a stranger is remembered, so a
	// redelivered message is not answered twice (default 1 hour); their DM
	// channel is not remembered at all.
	TransientTTL time.Duration

	Catalog *flows.Catalog
	Log     *slog.Logger
	Clock   scheduler.Clock // wall clock for rate limits (default system clock)
	// Transport is the HTTP transport under the outbox (default http.DefaultTransport).
	Transport http.RoundTripper
}

// Engine is what the adapter calls: bot.Engine satisfies it.
type Engine interface {
	HandleMessage(ctx context.Context, in bot.Inbound) error
	Acknowledge(ctx context.Context, incidentID, workerID string) (string, error)
	Resolve(ctx context.Context, incidentID, workerID, outcome string) (string, error)
	ClientOfIncident(ctx context.Context, incidentID string) (string, bool, error)
	AcknowledgeOpen(ctx context.Context, clientID, workerID string) (int, string, error)
	Enrol(ctx context.Context, p bot.Profile, by string) error
	StaffMember(ctx context.Context, discordID, name string, lead bool) (store.Worker, error)
	ApprovePeer(ctx context.Context, incidentID, moderatorID string) (string, error)
	DeclinePeer(ctx context.Context, incidentID, moderatorID string) (string, error)
	HandlePeerMessage(ctx context.Context, m bot.PeerMessage) error
	HandleEdit(ctx context.Context, in bot.Inbound) error
	ReadClientWords(ctx context.Context, userID, key string, texts ...string) (reply string, acted bool, err error)
	ReadStaffNote(ctx context.Context, staffID, clientID string, texts ...string) (string, error)
	AcknowledgeReadFrom(ctx context.Context, discordUserID, prompt, choice string) (string, error)
	Caseload(ctx context.Context, staffID string) (string, error)
	ClientSummary(ctx context.Context, staffID, clientID string) (bot.Summary, error)
	EditPlan(ctx context.Context, staffID, clientID, field, value, reason string) (string, error)
	PlanHistory(ctx context.Context, staffID, clientID string) ([]store.PlanVersion, string, error)
	AddShift(ctx context.Context, staffID, clientID, spec string) (string, error)
	RemoveShift(ctx context.Context, staffID, clientID, dateStart string) (string, error)
	AddAdjustment(ctx context.Context, staffID, clientID string, d flows.AdjustmentDraft) (string, error)
	AdjustmentRegister(ctx context.Context, staffID, clientID string) ([]store.Adjustment, string, error)
	ChangeAdjustment(ctx context.Context, staffID, clientID, id, field, value, reason string) (string, error)
	ReviewAdjustment(ctx context.Context, staffID, clientID, id string, r store.AdjustmentReview) (string, error)
	ResolveOpen(ctx context.Context, clientID, workerID, outcome string) (int, string, error)
	Report(ctx context.Context, staffID string, req bot.ReportRequest) (report.Report, string, error)
	MyExport(ctx context.Context, discordUserID string) ([]byte, string, error)
	CheckInNow(ctx context.Context, userID, key string) (string, error)
	SleepLogNow(ctx context.Context, userID, key string) (string, error)
	DebriefNow(ctx context.Context, userID, key string) (string, error)
	PauseCheckIns(ctx context.Context, userID, key, until string) (string, error)
	ResumeCheckIns(ctx context.Context, userID, key string) (string, error)
	ChangeConsent(ctx context.Context, userID, key string) (string, error)
	RequestErasure(ctx context.Context, discordUserID string) (reply, code string, err error)
	ConfirmErasure(ctx context.Context, discordUserID, code string) (string, error)
	SetSleepLog(ctx context.Context, staffID, clientID, at string) (string, error)
	SetWeeklyCheckIn(ctx context.Context, staffID, clientID, spec string) (string, error)
	SetQuietHours(ctx context.Context, staffID, clientID, span string) (string, error)
	AddWorkerReminder(ctx context.Context, staffID, clientID, when, note string) (string, error)
	RecordJob(ctx context.Context, staffID, clientID, status, date, note string) (string, error)
	Discharge(ctx context.Context, staffID, clientID, reason string) (string, error)
}

// Client is the Discord adapter.
type Client struct {
	opt     Options
	s       *discordgo.Session
	out     *outbox
	rdb     redis.UniversalClient
	records Records
	cat     *flows.Catalog
	log     *slog.Logger
	engine  Engine
	ctx     context.Context // for handlers; outlives a shutdown signal so in-flight work finishes
	cmds    map[string]command
	ready   atomic.Bool
	working sync.WaitGroup
	closing atomic.Bool
	inbound atomic.Int64
	me      atomic.Value // the bot's own user id, once asked (botID)
	// threads remembers which channels are threads under the peer channel
	// (true) and which are not (false): Discord sends a thread's messages
	// with the thread's own channel id. A cache of Discord's facts, so a
	// restart loses nothing: it asks Discord again.
	threads sync.Map // channel id → bool
	// noRoomUntil (Unix ns) skips trying to create private staff channels
	// for a while after Discord refused (no permission), so every ping does
	// not pay a refused request first.
	noRoomUntil atomic.Int64
	// roomLocks serialise creating one person's private channel in this
	// process (striped by user id).
	roomLocks [32]sync.Mutex
}

var (
	_ bot.Messenger = (*Client)(nil)
	_ bot.Forgetter = (*Client)(nil)
)

// New builds the adapter. Nothing connects until Open.
func New(opt Options) (*Client, error) {
	if opt.Token == "" && !opt.Offline {
		return nil, errors.New("discord: a bot token is required")
	}
	if opt.Redis == nil || opt.Records == nil {
		return nil, errors.New("discord: a Redis client and the records store are required")
	}
	if opt.Rate <= 0 {
		opt.Rate = 45
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = 5
	}
	if opt.Backoff == 0 {
		opt.Backoff = 250 * time.Millisecond
	}
	if opt.BackoffCap == 0 {
		opt.BackoffCap = 8 * time.Second
	}
	if opt.DeferAfter == 0 {
		opt.DeferAfter = 1200 * time.Millisecond
	}
	if opt.SentTTL == 0 {
		opt.SentTTL = 45 * 24 * time.Hour
	}
	if opt.TransientTTL == 0 {
		opt.TransientTTL = time.Hour
	}
	if opt.Catalog == nil {
		opt.Catalog = flows.DefaultCatalog()
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Clock == nil {
		opt.Clock = scheduler.SystemClock{}
	}
	if opt.Transport == nil {
		opt.Transport = http.DefaultTransport
	}
	var api *url.URL
	if opt.APIURL != "" {
		u, err := url.Parse(opt.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("discord: API URL %q: use http(s)://host[:port][/path]", opt.APIURL)
		}
		api = u
	}
	s, err := discordgo.New("Bot " + opt.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	out := newOutbox(opt.Transport, api, opt.Clock, opt.Rate, opt.MaxRetries, opt.Backoff, opt.BackoffCap)
	s.Client = &http.Client{Transport: out, Timeout: 2 * time.Minute}
	// The outbox retries; discordgo retrying too would double every wait.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.Identify.Intents = discordgo.IntentsDirectMessages | discordgo.IntentsGuilds
	if opt.PeerChannelID != "" {
		// Reading the peer channel is what the crisis watch needs, and all it needs.
		s.Identify.Intents |= discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	}
	s.LogLevel = discordgo.LogError
	c := &Client{opt: opt, s: s, out: out, rdb: opt.Redis, records: opt.Records, cat: opt.Catalog, log: opt.Log}
	c.cmds = c.commands()
	return c, nil
}

// Stats returns the REST outbox's counters.
func (c *Client) Stats() Stats { return c.out.snapshot() }

// Inbound returns how many DMs and component answers have been handed to the engine.
func (c *Client) Inbound() int64 { return c.inbound.Load() }

// Ready reports whether the gateway session is up.
func (c *Client) Ready() bool { return c.ready.Load() }

// Open connects the gateway, starts handling events with engine, and
// registers the slash commands by bulk overwrite.
func (c *Client) Open(ctx context.Context, engine Engine) error {
	c.engine = engine
	c.ctx = context.WithoutCancel(ctx)
	c.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { c.ready.Store(true) })
	c.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { c.ready.Store(true) })
	c.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { c.ready.Store(false) })
	c.s.AddHandler(c.onMessage)
	c.s.AddHandler(c.onMessageUpdate)
	c.s.AddHandler(c.onThreadCreate)
	c.s.AddHandler(c.onInteraction)
	if err := c.s.Open(); err != nil {
		return fmt.Errorf("discord: open gateway: %w", err)
	}
	if err := c.registerCommands(ctx); err != nil {
		c.s.Close()
		return err
	}
	return nil
}

// Close stops taking events and waits for the ones in hand to finish.
func (c *Client) Close() error {
	c.closing.Store(true)
	err := c.s.Close()
	c.ready.Store(false)
	c.working.Wait()
	return err
}

// track runs an event handler as in-flight work that Close waits for.
func (c *Client) track() (context.Context, func(), bool) {
	if c.closing.Load() {
		return nil, nil, false
	}
	c.working.Add(1)
	ctx, cancel := context.WithTimeout(c.ctx, time.Minute)
	return ctx, func() { cancel(); c.working.Done() }, true
}

// --- Messenger ----------------------------------------------------------------

// Redis keys owned by the adapter. What it remembers about a client's
// messages lives with the client's records instead (Records): delivery
// markers, long prompt ids and the client's DM channel.
func (c *Client) dmKey() string    { return c.opt.Prefix + ":discord:dm" }    // hash: staff or stranger user id → DM channel id
func (c *Client) purgeKey() string { return c.opt.Prefix + ":discord:purge" } // list: deletions still to make (purge.go)
func (c *Client) legacyKey(name string) string {
	return c.opt.Prefix + ":discord:" + name // "sent:<key>", "prompt:<h>": written by earlier versions
}

// Records is where the adapter keeps what it remembers about messages
// (redisstore.Store): sealed markers, which for a message about a client
// sit in the client's records — erased with them, and refused once their
// erasure has begun — and the messages posted about a client outside their
// own DMs, for erasure to delete.
type Records interface {
	Markers(ctx context.Context, clientID string, names ...string) ([]string, error)
	SetMarker(ctx context.Context, clientID, name, value string, ttl time.Duration, posted ...string) (bool, error)
	Posted(ctx context.Context, clientID string) ([]string, error)
}

// Marker names. Delivery keys and prompt ids name flows, incidents and
// dates, so markers carry only their hash.
const dmMarker = "dm" // a client's DM channel id

func sentMarker(key string) string { return "sent:" + digest(key, 16) }
func promptMarker(h string) string { return "prompt:" + h }

func digest(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:n])
}

// clientDM reports whether a message goes to the client it is about, by DM:
// its channel is remembered with the client's records.
func clientDM(m bot.Outgoing) bool {
	return m.Client != "" && m.Audience == flows.ToClient && m.UserID != ""
}

// SendDM sends a direct message, with its choices as buttons or a menu.
// A message whose key was delivered before is not sent again.
func (c *Client) SendDM(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	m.UserID = userID
	var names []string
	if m.Key != "" {
		names = append(names, sentMarker(m.Key))
	}
	own := clientDM(m)
	if own {
		names = append(names, dmMarker)
	}
	vals, err := c.records.Markers(ctx, m.Client, names...)
	if err != nil {
		return bot.MessageRef{}, fmt.Errorf("discord: read delivery state: %w", err)
	}
	if m.Key != "" {
		if ref, ok := parseRef(vals[0]); ok {
			return ref, nil
		}
	}
	chID := ""
	if own {
		chID = vals[len(vals)-1]
	}
	if chID == "" {
		// Staff and strangers; and a client whose channel an earlier version
		// cached here (moved to their records below).
		chID, err = c.rdb.HGet(ctx, c.dmKey(), userID).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return bot.MessageRef{}, fmt.Errorf("discord: read delivery state: %w", err)
		}
		if own && chID != "" {
			c.rememberDM(ctx, m.Client, userID, chID)
		}
	}
	if chID == "" {
		// discordgo would serialise every DM opening behind one lock for the
		// route; the outbox already paces the route from Discord's headers, so
		// each recipient gets its own lock and openings overlap.
		endpoint := discordgo.EndpointUserChannels("@me")
		raw, err := c.s.RequestWithBucketID(http.MethodPost, endpoint, map[string]string{"recipient_id": userID}, endpoint+"#"+userID, discordgo.WithContext(ctx))
		if err != nil {
			return bot.MessageRef{}, classify(err, "open DM")
		}
		var ch discordgo.Channel
		if err := json.Unmarshal(raw, &ch); err != nil || ch.ID == "" {
			return bot.MessageRef{}, fmt.Errorf("discord: decode DM channel: %v", err)
		}
		chID = ch.ID
		switch {
		case own:
			c.rememberDM(ctx, m.Client, "", chID)
		case m.Transient:
			// A stranger: nothing of theirs is kept, not even their channel.
		default:
			if err := c.rdb.HSet(ctx, c.dmKey(), userID, chID).Err(); err != nil {
				c.log.Warn("could not cache DM channel", "err", err)
			}
		}
	}
	return c.deliver(ctx, chID, m)
}

// rememberDM keeps a client's DM channel with their records (and drops an
// earlier version's copy of it, under legacyUser).
func (c *Client) rememberDM(ctx context.Context, clientID, legacyUser, chID string) {
	if _, err := c.records.SetMarker(ctx, clientID, dmMarker, chID, 0); err != nil {
		c.log.Warn("could not cache DM channel", "err", err)
		return
	}
	if legacyUser != "" {
		c.rdb.HDel(ctx, c.dmKey(), legacyUser)
	}
}

// Post posts in a channel or thread, mentioning m.Mention if set.
func (c *Client) Post(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	if m.Key != "" {
		ref, err := c.sentRef(ctx, m.Client, m.Key)
		if err != nil || ref.MessageID != "" {
			return ref, err
		}
	}
	return c.deliver(ctx, channelID, m)
}

// sentRef is where the message with a delivery key about a client ("" for
// the service) went, or the zero ref when it has not been delivered (or is
// long forgotten).
func (c *Client) sentRef(ctx context.Context, clientID, key string) (bot.MessageRef, error) {
	vals, err := c.records.Markers(ctx, clientID, sentMarker(key))
	if err != nil {
		return bot.MessageRef{}, fmt.Errorf("discord: read delivery state: %w", err)
	}
	ref, _ := parseRef(vals[0])
	return ref, nil
}

func parseRef(v string) (bot.MessageRef, bool) {
	ch, msg, ok := strings.Cut(v, "/")
	return bot.MessageRef{ChannelID: ch, MessageID: msg}, ok && ch != "" && msg != ""
}

func refString(r bot.MessageRef) string { return r.ChannelID + "/" + r.MessageID }

// messageCreate is discordgo's MessageSend plus the nonce fields it lacks:
// with enforce_nonce, Discord returns the earlier message instead of posting
// a second one when a send is retried after a lost answer.
type messageCreate struct {
	discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// errClientGone stops a delivery about a client whose erasure has begun.
var errClientGone = errors.New("discord: the client is being erased")

// deliver posts a message (split at Discord's 2,000-character limit, the
// choices on the last part) and remembers it: its key, and for a message
// about a client posted outside their DMs, every part, for erasure to
// delete. A message about a client whose erasure began meanwhile is taken
// back at once (or queued for deletion), and nothing is remembered.
func (c *Client) deliver(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	parts, err := c.render(ctx, m)
	if errors.Is(err, errClientGone) {
		return bot.MessageRef{}, nil // nothing was sent; the outbox it came from is going too
	}
	if err != nil {
		return bot.MessageRef{}, err
	}
	var ref bot.MessageRef
	var refs []string
	for i, part := range parts {
		key := m.Key
		if i > 0 {
			key = fmt.Sprintf("%s#%d", m.Key, i)
		}
		body := messageCreate{MessageSend: part}
		if key != "" {
			body.Nonce, body.EnforceNonce = nonce(key), true
		}
		endpoint := discordgo.EndpointChannelMessages(channelID)
		raw, err := c.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
		if err != nil {
			return bot.MessageRef{}, classify(err, "send message")
		}
		var msg discordgo.Message
		if err := json.Unmarshal(raw, &msg); err != nil {
			return bot.MessageRef{}, fmt.Errorf("discord: decode sent message: %w", err)
		}
		ref = bot.MessageRef{ChannelID: channelID, MessageID: msg.ID}
		refs = append(refs, refString(ref))
	}
	c.rememberAbout(ctx, m.About, refs)
	if m.Key == "" && m.Client == "" {
		return ref, nil
	}
	name, value := "", ""
	if m.Key != "" {
		name, value = sentMarker(m.Key), refString(ref)
	}
	var posted []string
	if !clientDM(m) {
		posted = refs // the client's own DMs are deleted channel-wide
	}
	ttl := c.opt.SentTTL
	if m.Transient {
		ttl = c.opt.TransientTTL
	}
	kept, err := c.records.SetMarker(ctx, m.Client, name, value, ttl, posted...)
	if err != nil {
		// Delivered all the same; Discord's nonce still guards a quick retry.
		c.log.Warn("could not record delivery", "err", err)
		return ref, nil
	}
	if !kept {
		c.takeBack(ctx, refs)
	}
	return ref, nil
}

// rememberAbout files a message about several clients (a to-read digest)
// with each of them, for erasing any one of them to delete it whole: its
// other clients' items stay on their lists and come again in the reader's
// next reminder. A client whose erasure began meanwhile has it taken back.
func (c *Client) rememberAbout(ctx context.Context, clients, refs []string) {
	for _, id := range clients {
		kept, err := c.records.SetMarker(ctx, id, "", "", 0, refs...)
		if err != nil {
			c.log.Warn("could not record delivery", "err", err)
			continue
		}
		if !kept {
			c.takeBack(ctx, refs)
			return
		}
	}
}

// takeBack deletes messages just posted about a client whose erasure began
// while they were on their way, or queues them for deletion.
func (c *Client) takeBack(ctx context.Context, refs []string) {
	jobs := make([]string, len(refs))
	for i, r := range refs {
		jobs[i] = purgeMessage(r)
	}
	if _, _, err := c.purge(ctx, jobs); err != nil {
		c.log.Warn("could not queue the deletion of a message about an erased client", "err", err)
	}
}

// nonce turns a delivery key into Discord's nonce (at most 25 characters).
func nonce(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])[:25]
}

// Update replaces a delivered message's text and choices.
func (c *Client) Update(ctx context.Context, ref bot.MessageRef, m bot.Outgoing) error {
	ctx = withUrgency(ctx, m.Urgent)
	parts, err := c.render(ctx, m)
	if err != nil {
		return err
	}
	last := parts[len(parts)-1]
	if last.Components == nil {
		// An empty list takes the buttons away; a missing one would keep them.
		last.Components = []discordgo.MessageComponent{}
	}
	content := last.Content
	edit := &discordgo.MessageEdit{ID: ref.MessageID, Channel: ref.ChannelID, Content: &content,
		Components: &last.Components, AllowedMentions: last.AllowedMentions}
	if _, err := c.s.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx)); err != nil {
		return classify(err, "update message")
	}
	return nil
}

// Delete removes a delivered message; one already gone is not an error.
func (c *Client) Delete(ctx context.Context, ref bot.MessageRef) error {
	_, err := c.deleteMessage(ctx, ref.ChannelID, ref.MessageID)
	return err
}

// OpenThread starts a public thread in a channel.
func (c *Client) OpenThread(ctx context.Context, channelID, name string) (string, error) {
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	ch, err := c.s.ThreadStartComplex(channelID, &discordgo.ThreadStart{
		Name: name, Type: discordgo.ChannelTypeGuildPublicThread, AutoArchiveDuration: 10080,
	}, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err, "open thread")
	}
	return ch.ID, nil
}

// classify turns a REST failure into what the engine needs to know: a
// recipient who cannot be messaged at all is bot.ErrUnreachable (retrying
// will not help); anything else is an error to retry later.
func classify(err error, what string) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		switch re.Message.Code {
		case discordgo.ErrCodeCannotSendMessagesToThisUser:
			return bot.ErrUnreachable{Reason: "their Discord DMs are closed to Steady (50007)"}
		case discordgo.ErrCodeUnknownUser, 50033: // 50033: invalid recipient
			return bot.ErrUnreachable{Reason: "no such Discord user"}
		}
		return restFailure{what: what, err: re}
	}
	return fmt.Errorf("discord: %s: %w", what, err)
}

// restFailure is Discord's refusal of a call, said in one line without the
// response body; it unwraps to discordgo's error so its code can be read.
type restFailure struct {
	what string
	err  *discordgo.RESTError
}

func (f restFailure) Error() string {
	return fmt.Sprintf("discord: %s: %d %s (code %d)", f.what, f.err.Response.StatusCode, f.err.Message.Message, f.err.Message.Code)
}

func (f restFailure) Unwrap() error { return f.err }

var _ Engine = (*bot.Engine)(nil)
