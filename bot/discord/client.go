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
	cat     *flows.Catalog
	log     *slog.Logger
	engine  Engine
	ctx     context.Context // for handlers; outlives a shutdown signal so in-flight work finishes
	cmds    map[string]command
	ready   atomic.Bool
	working sync.WaitGroup
	closing atomic.Bool
	inbound atomic.Int64
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

var _ bot.Messenger = (*Client)(nil)

// New builds the adapter. Nothing connects until Open.
func New(opt Options) (*Client, error) {
	if opt.Token == "" {
		return nil, errors.New("discord: a bot token is required")
	}
	if opt.Redis == nil {
		return nil, errors.New("discord: a Redis client is required")
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
	c := &Client{opt: opt, s: s, out: out, rdb: opt.Redis, cat: opt.Catalog, log: opt.Log}
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

// Redis keys owned by the adapter.
func (c *Client) dmKey() string             { return c.opt.Prefix + ":discord:dm" }          // hash: user id → DM channel id
func (c *Client) sentKey(key string) string { return c.opt.Prefix + ":discord:sent:" + key } // string: "channel/message" of a delivered key
func (c *Client) promptKey(h string) string { return c.opt.Prefix + ":discord:prompt:" + h } // string: a prompt id too long for a custom_id

// SendDM sends a direct message, with its choices as buttons or a menu.
// A message whose key was delivered before is not sent again.
func (c *Client) SendDM(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	var sent, channel *redis.StringCmd
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if m.Key != "" {
			sent = p.Get(ctx, c.sentKey(m.Key))
		}
		channel = p.HGet(ctx, c.dmKey(), userID)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return bot.MessageRef{}, fmt.Errorf("discord: read delivery state: %w", err)
	}
	if ref, ok := parseRef(sent); ok {
		return ref, nil
	}
	chID := channel.Val()
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
		if !m.Transient {
			if err := c.rdb.HSet(ctx, c.dmKey(), userID, chID).Err(); err != nil {
				c.log.Warn("could not cache DM channel", "err", err)
			}
		}
	}
	return c.deliver(ctx, chID, m)
}

// Post posts in a channel or thread, mentioning m.Mention if set.
func (c *Client) Post(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	if m.Key != "" {
		sent := c.rdb.Get(ctx, c.sentKey(m.Key))
		if ref, ok := parseRef(sent); ok {
			return ref, nil
		}
		if err := sent.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return bot.MessageRef{}, fmt.Errorf("discord: read delivery state: %w", err)
		}
	}
	return c.deliver(ctx, channelID, m)
}

func parseRef(cmd *redis.StringCmd) (bot.MessageRef, bool) {
	if cmd == nil || cmd.Err() != nil {
		return bot.MessageRef{}, false
	}
	ch, msg, ok := strings.Cut(cmd.Val(), "/")
	return bot.MessageRef{ChannelID: ch, MessageID: msg}, ok
}

// messageCreate is discordgo's MessageSend plus the nonce fields it lacks:
// with enforce_nonce, Discord returns the earlier message instead of posting
// a second one when a send is retried after a lost answer.
type messageCreate struct {
	discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// deliver posts a message (split at Discord's 2,000-character limit, the
// choices on the last part) and remembers its key.
func (c *Client) deliver(ctx context.Context, channelID string, m bot.Outgoing) (bot.MessageRef, error) {
	ctx = withUrgency(ctx, m.Urgent)
	parts, err := c.render(ctx, m)
	if err != nil {
		return bot.MessageRef{}, err
	}
	var ref bot.MessageRef
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
	}
	if m.Key != "" {
		ttl := c.opt.SentTTL
		if m.Transient {
			ttl = c.opt.TransientTTL
		}
		if err := c.rdb.Set(ctx, c.sentKey(m.Key), ref.ChannelID+"/"+ref.MessageID, ttl).Err(); err != nil {
			// Delivered all the same; Discord's nonce still guards a quick retry.
			c.log.Warn("could not record delivery", "err", err)
		}
	}
	return ref, nil
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
