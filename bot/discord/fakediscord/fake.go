package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"steady/scheduler"
)

// Options configure a fake Discord. Zero fields take the documented defaults.
type Options struct {
	Token string // the bot token it accepts (default "test-token")
	// GlobalLimit is requests per second across the bot (default 50, Discord's).
	GlobalLimit int
	// RouteLimit and RouteWindow bound each per-route bucket (default 5 per
	// 5s for posting into one channel, as Discord does, and the same count
	// per second for every other route).
	RouteLimit  int
	RouteWindow time.Duration
	// Clock tells the time for rate limits (default the system clock).
	Clock scheduler.Clock
	// SkipResponseChecks turns off validating the fake's own responses (a
	// benchmark at full speed need not pay for it; tests keep it on).
	SkipResponseChecks bool
	// NoManageChannels makes creating a channel fail as it does for a bot
	// without the Manage Channels permission (403, code 50013).
	NoManageChannels bool
}

// Server is a running fake Discord.
type Server struct {
	// URL is the base to point the bot's REST at (STEADY_DISCORD_API_URL).
	URL string
	// Bot, Application and Guild are the ids the fake was created with.
	BotID, AppID, GuildID string

	opt  Options
	spec *Spec
	http *http.Server
	ln   net.Listener

	mu       sync.Mutex
	changed  chan struct{}
	next     int64
	users    map[string]*User
	members  map[string][]string // user id → role ids in the guild
	channels map[string]*Channel
	dms      map[string]string // user id → DM channel id
	closed   map[string]bool   // users whose DMs are closed to the bot
	messages []*Message
	deleted  []Message // messages deleted through the API, oldest deletion first
	holds    []*hold
	nonces   map[string]*Message          // channel id + "/" + nonce → the message it posted
	commands map[string][]json.RawMessage // scope ("global" or guild id) → registered commands
	inters   map[string]*Interaction
	traffic  []Exchange
	limits   *limiter
	gw       *gateway
	fail     []failure
	down     bool // an outage: REST answers 503, the gateway refuses connections
}

// Start runs a fake Discord on a free loopback port.
func Start(opt Options) (*Server, error) {
	if opt.Token == "" {
		opt.Token = "test-token"
	}
	if opt.GlobalLimit == 0 {
		opt.GlobalLimit = 50
	}
	if opt.RouteLimit == 0 {
		opt.RouteLimit = 5
	}
	if opt.RouteWindow == 0 {
		opt.RouteWindow = 5 * time.Second
	}
	if opt.Clock == nil {
		opt.Clock = scheduler.SystemClock{}
	}
	spec, err := LoadSpec()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakediscord: listen: %w", err)
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(), opt: opt, spec: spec, ln: ln,
		changed: make(chan struct{}), next: 1_100_000_000_000_000_000,
		users: map[string]*User{}, members: map[string][]string{}, channels: map[string]*Channel{},
		dms: map[string]string{}, closed: map[string]bool{}, commands: map[string][]json.RawMessage{},
		inters: map[string]*Interaction{}, nonces: map[string]*Message{},
	}
	s.limits = newLimiter(opt)
	s.gw = newGateway(s)
	s.BotID = s.newID()
	s.AppID = s.BotID
	s.GuildID = s.newID()
	s.users[s.BotID] = &User{ID: s.BotID, Name: "Steady", Bot: true}
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway", s.gw.serve)
	mux.HandleFunc("/gateway/", s.gw.serve) // discordgo adds a slash before the query
	mux.HandleFunc("/", s.serveREST)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// Close stops the fake and drops every gateway connection.
func (s *Server) Close() {
	s.gw.closeAll()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
}

// Token returns the bot token the fake accepts.
func (s *Server) Token() string { return s.opt.Token }

// GatewayURL is the websocket URL the fake hands out.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway" }

func (s *Server) newID() string {
	s.next++
	return strconv.FormatInt(s.next, 10)
}

// notify wakes everything waiting in Await. Call with mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Await returns once cond is true, re-checking after every change to the
// fake's state, or ctx's error. cond may call the fake's methods.
func (s *Server) Await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("fakediscord: await: %w", ctx.Err())
		}
	}
}

// User is a Discord account known to the fake.
type User struct {
	ID, Name string
	Bot      bool
}

// Channel is a DM, a guild text channel or a thread.
type Channel struct {
	ID, Name, GuildID, ParentID string
	Type                        int // 0 guild text, 1 DM, 4 category, 11 public thread, 12 private thread
	Recipient                   string
	Topic                       string
	Overwrites                  []Overwrite
}

// Overwrite is a channel's permission overwrite for a role (Type 0; the
// guild's id is @everyone) or a member (Type 1).
type Overwrite struct {
	ID          string
	Type        int
	Allow, Deny int64
}

// Permission bits the fake reads.
const (
	PermViewChannel = 1 << 10
)

// Message is a message in a channel.
type Message struct {
	ID, ChannelID, AuthorID string
	Content                 string
	Components              []any // the raw component tree, as JSON values
	Nonce                   string
	Flags                   int64
	Attachments             []upload
	Edited                  bool
	// EditedAt is when its author last edited it (zero: never, or an edit
	// by the bot, stamped with the clock when shown).
	EditedAt     time.Time
	Interaction  string // id of the interaction this answered, if any
	Ephemeral    bool
	AllowedUsers []string // allowed_mentions.users
}

// Button is one button of a message, flattened for assertions.
type Button struct {
	Label, CustomID, URL string
	Style                int
	Emoji                string // the emoji's name, if the button has one
}

// components returns a message's components of one type (2 button, 3
// string select), row by row.
func (m Message) components(typ string) []map[string]any {
	var out []map[string]any
	for _, r := range m.Components {
		row, _ := r.(map[string]any)
		children, _ := row["components"].([]any)
		for _, c := range children {
			if comp, _ := c.(map[string]any); fmt.Sprint(comp["type"]) == typ {
				out = append(out, comp)
			}
		}
	}
	return out
}

// Buttons lists a message's buttons, row by row.
func (m Message) Buttons() []Button {
	var out []Button
	for _, comp := range m.components("2") {
		b := Button{}
		b.Label, _ = comp["label"].(string)
		b.CustomID, _ = comp["custom_id"].(string)
		b.URL, _ = comp["url"].(string)
		b.Style, _ = strconv.Atoi(fmt.Sprint(comp["style"]))
		if e, ok := comp["emoji"].(map[string]any); ok {
			b.Emoji, _ = e["name"].(string)
		}
		out = append(out, b)
	}
	return out
}

// SelectOptions lists the options of a message's select menus.
func (m Message) SelectOptions() (customID string, values []string) {
	for _, comp := range m.components("3") {
		customID, _ = comp["custom_id"].(string)
		opts, _ := comp["options"].([]any)
		for _, o := range opts {
			om, _ := o.(map[string]any)
			v, _ := om["value"].(string)
			values = append(values, v)
		}
	}
	return customID, values
}

// MenuMaxValues is how many options the message's select menu lets a user
// pick (Discord's default, 1, when the bot did not say; 0 with no menu).
func (m Message) MenuMaxValues() int {
	for _, comp := range m.components("3") {
		if n, err := strconv.Atoi(fmt.Sprint(comp["max_values"])); err == nil {
			return n
		}
		return 1
	}
	return 0
}

// Exchange is one recorded REST request and the fake's answer.
type Exchange struct {
	Method string
	Path   string // as sent
	Route  string // the spec's path template, "" if unknown
	Status int
	Body   json.RawMessage // the request body as validated (multipart merged)
	// Problems are reasons the request was refused as invalid (400/50035) or
	// the fake's own response did not match the spec.
	Problems []string
	Files    int
}

// Traffic returns every recorded exchange, oldest first.
func (s *Server) Traffic() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Exchange(nil), s.traffic...)
}

// Invalid returns the exchanges that broke the spec or a hand-written rule,
// in either direction. Tests assert it is empty.
func (s *Server) Invalid() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Exchange
	for _, e := range s.traffic {
		if len(e.Problems) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// Count returns how many recorded requests answered with a status.
func (s *Server) Count(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.traffic {
		if e.Status == status {
			n++
		}
	}
	return n
}

// failure is an injected fault for the next matching requests.
type failure struct {
	method, route string
	status, times int
}

// FailNext makes the next n requests to a spec route (e.g.
// "/channels/{channel_id}/messages") answer with status (a 5xx), as a Discord
// outage would.
func (s *Server) FailNext(method, route string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, failure{method: method, route: route, status: status, times: n})
}

func (s *Server) takeFailure(method, route string) int {
	for i := range s.fail {
		f := &s.fail[i]
		if f.method == method && f.route == route && f.times > 0 {
			f.times--
			return f.status
		}
	}
	return 0
}

// hold keeps a request waiting before the fake acts on it, as a slow
// Discord would, so a test can run something else while it is in flight.
type hold struct {
	method, route string
	channel       string // "" for any
	taken         bool
	held          chan struct{} // closed when a request is waiting
	release       chan struct{} // closed to let it go
}

// HoldNext makes the next request to a spec route (in a channel, unless
// channelID is "") wait, after it has been checked and before the fake acts
// on it, until release is called. held is closed once such a request is
// waiting.
func (s *Server) HoldNext(method, route, channelID string) (held <-chan struct{}, release func()) {
	h := &hold{method: method, route: route, channel: channelID, held: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.holds = append(s.holds, h)
	s.mu.Unlock()
	var once sync.Once
	return h.held, func() { once.Do(func() { close(h.release) }) }
}

func (s *Server) waitIfHeld(method, route, channelID string) {
	s.mu.Lock()
	var h *hold
	for _, c := range s.holds {
		if !c.taken && c.method == method && c.route == route && (c.channel == "" || c.channel == channelID) {
			h, c.taken = c, true
			break
		}
	}
	s.mu.Unlock()
	if h == nil {
		return
	}
	close(h.held)
	<-h.release
}

// Deleted returns the messages deleted through the API, oldest deletion first.
func (s *Server) Deleted() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.deleted...)
}

// SetDown starts or ends an outage of the whole of Discord: while down every
// REST request is answered 503 and the gateway refuses connections; going
// down drops every gateway connection, as a Discord outage does.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
	if down {
		s.gw.drop()
	}
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

// --- people and places --------------------------------------------------------

// AddUser creates a user who can DM the bot and be DMed.
func (s *Server) AddUser(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	s.users[id] = &User{ID: id, Name: name}
	return id
}

// AddMember makes a user a member of the guild with roles.
func (s *Server) AddMember(userID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[userID] = append([]string(nil), roles...)
}

// AddRole returns a new role id (roles are only ids to the fake).
func (s *Server) AddRole() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newID()
}

// AddChannel creates a guild text channel.
func (s *Server) AddChannel(name string) string {
	return s.AddChannelIn(name, "")
}

// AddCategory creates a channel category.
func (s *Server) AddCategory(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	s.channels[id] = &Channel{ID: id, Name: name, GuildID: s.GuildID, Type: 4}
	return id
}

// AddChannelIn creates a guild text channel in a category ("" for none).
func (s *Server) AddChannelIn(name, categoryID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	s.channels[id] = &Channel{ID: id, Name: name, GuildID: s.GuildID, Type: 0, ParentID: categoryID}
	return id
}

// DeleteChannel removes a channel, as someone in the server might.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.channels, id)
	s.notify()
}

// Channels returns the guild's channels (not DMs), oldest first.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, ch := range s.channels {
		if ch.GuildID != "" {
			out = append(out, *ch)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return len(out[i].ID) < len(out[j].ID) || len(out[i].ID) == len(out[j].ID) && out[i].ID < out[j].ID
	})
	return out
}

// CanSee reports whether a user can view a channel, as Discord works it
// out from the channel's permission overwrites: @everyone's, then the
// user's roles' (deny, then allow), then the user's own. Without
// overwrites everyone sees a guild channel; a DM is its recipient's; the
// bot sees everything.
func (s *Server) CanSee(userID, channelID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.canSee(userID, channelID)
}

func (s *Server) canSee(userID, channelID string) bool {
	ch, ok := s.channels[channelID]
	switch {
	case !ok:
		return false
	case userID == s.BotID:
		return true
	case ch.Type == 1:
		return ch.Recipient == userID
	case ch.Type == 11 || ch.Type == 12:
		return s.canSee(userID, ch.ParentID)
	}
	roles := s.members[userID] // a user the tests never made a member has no roles
	view := true
	apply := func(o Overwrite) {
		if o.Deny&PermViewChannel != 0 {
			view = false
		}
		if o.Allow&PermViewChannel != 0 {
			view = true
		}
	}
	for _, o := range ch.Overwrites {
		if o.Type == 0 && o.ID == s.GuildID {
			apply(o)
		}
	}
	var roleAllow, roleDeny bool
	for _, o := range ch.Overwrites {
		if o.Type == 0 && o.ID != s.GuildID && slices.Contains(roles, o.ID) {
			roleDeny = roleDeny || o.Deny&PermViewChannel != 0
			roleAllow = roleAllow || o.Allow&PermViewChannel != 0
		}
	}
	if roleDeny {
		view = false
	}
	if roleAllow {
		view = true
	}
	for _, o := range ch.Overwrites {
		if o.Type == 1 && o.ID == userID {
			apply(o)
		}
	}
	return view
}

// CloseDMs makes the bot unable to DM a user (Discord error 50007).
func (s *Server) CloseDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[userID] = true
}

// Messages returns the messages in a channel, oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.ChannelID == channelID {
			out = append(out, *m)
		}
	}
	return out
}

// DMsTo returns what the bot has sent a user by DM, oldest first.
func (s *Server) DMsTo(userID string) []Message {
	s.mu.Lock()
	ch := s.dms[userID]
	s.mu.Unlock()
	if ch == "" {
		return nil
	}
	var out []Message
	for _, m := range s.Messages(ch) {
		if m.AuthorID == s.BotID {
			out = append(out, m)
		}
	}
	return out
}

// Commands returns the names of the commands registered for a scope (a guild
// id, or "global").
func (s *Server) Commands(scope string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, raw := range s.commands[scope] {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		out = append(out, m)
	}
	return out
}

func (s *Server) dmChannel(userID string) *Channel {
	if id, ok := s.dms[userID]; ok {
		return s.channels[id]
	}
	id := s.newID()
	ch := &Channel{ID: id, Type: 1, Recipient: userID}
	s.channels[id] = ch
	s.dms[userID] = id
	return ch
}

// --- REST ---------------------------------------------------------------------

// apiError is Discord's error body.
type apiError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	ex := Exchange{Method: r.Method, Path: r.URL.Path}
	rec := &recorder{h: http.Header{}}
	if s.isDown() {
		rec.status = http.StatusServiceUnavailable
		rec.h.Set("Content-Type", "text/plain")
		rec.body.WriteString("upstream connect error")
	} else {
		s.handle(rec, r, body, &ex)
	}
	ex.Status = rec.status
	// Recorded before the answer goes out, so whoever got the answer sees it.
	s.mu.Lock()
	s.traffic = append(s.traffic, ex)
	s.notify()
	s.mu.Unlock()
	for k, v := range rec.h {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (s *Server) handle(w *recorder, r *http.Request, body []byte, ex *Exchange) {
	ctx := r.Context()
	var decoded any
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		obj, files, err := mergeMultipart(bytes.NewReader(body), ct)
		if err != nil {
			s.invalid(w, ex, nil, []string{err.Error()})
			return
		}
		decoded, ex.Files = obj, len(files)
	case len(body) > 0:
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&decoded); err != nil {
			s.invalid(w, ex, nil, []string{"body is not JSON: " + err.Error()})
			return
		}
	}
	probe, err := specRequest(r, body, nil)
	if err != nil {
		s.writeJSON(w, ex, nil, nil, http.StatusNotFound, apiError{Code: 0, Message: "404: Not Found"})
		return
	}
	route, params, err := s.spec.route(probe)
	if err != nil {
		ex.Problems = append(ex.Problems, "no such route in Discord's API: "+r.Method+" "+r.URL.Path)
		s.writeJSON(w, ex, nil, nil, http.StatusNotFound, apiError{Code: 0, Message: "404: Not Found"})
		return
	}
	ex.Route = route.Path
	if decoded != nil {
		applyQuirks(route.Path, decoded)
		ex.Body, _ = json.Marshal(decoded)
	}
	specReq, err := specRequest(r, body, decoded)
	if err != nil {
		s.invalid(w, ex, nil, []string{err.Error()})
		return
	}
	if !s.authorised(r, route.Path) {
		s.writeJSON(w, ex, nil, nil, http.StatusUnauthorized, apiError{Code: 0, Message: "401: Unauthorized"})
		return
	}
	if hold, global, retry := s.limits.take(r.Method, route.Path, params); hold {
		s.rateLimited(w, ex, specReq, route, params, global, retry)
		return
	}
	var problems []string
	if err := s.spec.validateRequest(ctx, specReq, route, params, normalise(decoded)); err != nil {
		problems = append(problems, splitErr(err)...)
	}
	problems = append(problems, handChecks(route.Path, decoded)...)
	if len(problems) > 0 {
		s.invalid(w, ex, &specCall{specReq, route, params}, problems)
		return
	}
	s.mu.Lock()
	status := s.takeFailure(r.Method, route.Path)
	s.mu.Unlock()
	if status != 0 {
		s.writeJSON(w, ex, nil, nil, status, apiError{Code: 0, Message: http.StatusText(status)})
		return
	}
	s.waitIfHeld(r.Method, route.Path, params["channel_id"])
	obj, _ := decoded.(map[string]any)
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params["?"+k] = v[0] // query parameters, beside the path's
		}
	}
	code, resp := s.dispatch(r.Method, route.Path, params, obj, decoded)
	s.limits.headers(w.h, r.Method, route.Path, params)
	s.writeJSON(w, ex, &specCall{specReq, route, params}, nil, code, resp)
}

type specCall struct {
	req    *http.Request
	route  *routers.Route
	params map[string]string
}

func splitErr(err error) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if len(out) > 12 {
		out = append(out[:12], fmt.Sprintf("… and %d more lines", len(out)-12))
	}
	return out
}

// authorised checks the bot token. Interaction callbacks and webhook-token
// routes are authorised by the token in their path, as on Discord.
func (s *Server) authorised(r *http.Request, route string) bool {
	if strings.HasPrefix(route, "/interactions/") || strings.HasPrefix(route, "/webhooks/{webhook_id}/{webhook_token}") {
		return true
	}
	return r.Header.Get("Authorization") == "Bot "+s.opt.Token
}

// invalid answers Discord's "Invalid Form Body".
func (s *Server) invalid(w *recorder, ex *Exchange, call *specCall, problems []string) {
	ex.Problems = append(ex.Problems, problems...)
	errs := map[string]any{}
	for i, p := range problems {
		errs[fmt.Sprintf("_%d", i)] = map[string]any{"_errors": []map[string]string{{"code": "BASE_TYPE_INVALID", "message": p}}}
	}
	s.writeJSON(w, ex, call, nil, http.StatusBadRequest, apiError{Code: 50035, Message: "Invalid Form Body", Errors: errs})
}

func (s *Server) rateLimited(w *recorder, ex *Exchange, req *http.Request, route *routers.Route, params map[string]string, global bool, retry time.Duration) {
	secs := retry.Seconds()
	w.h.Set("Retry-After", strconv.Itoa(int(retry/time.Second)+1))
	scope := "user"
	if global {
		w.h.Set("X-RateLimit-Global", "true")
		scope = "global"
	} else {
		s.limits.headers(w.h, req.Method, route.Path, params)
	}
	w.h.Set("X-RateLimit-Scope", scope)
	body := map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": global, "code": 0}
	s.writeJSON(w, ex, &specCall{req, route, params}, nil, http.StatusTooManyRequests, body)
}

// writeJSON encodes a response and, unless turned off, checks it against the
// spec's schema for the operation and status.
func (s *Server) writeJSON(w *recorder, ex *Exchange, call *specCall, _ any, status int, v any) {
	w.status = status
	if status == http.StatusNoContent || v == nil {
		if status != http.StatusNoContent {
			w.status = http.StatusNoContent
		}
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		ex.Problems = append(ex.Problems, "fake: encode response: "+err.Error())
		w.status = http.StatusInternalServerError
		return
	}
	w.h.Set("Content-Type", "application/json")
	w.body.Write(b)
	if call == nil || s.opt.SkipResponseChecks {
		return
	}
	if err := s.spec.validateResponse(context.Background(), call.req, call.route, call.params, w.status, w.h, b); err != nil {
		for _, p := range splitErr(err) {
			ex.Problems = append(ex.Problems, "fake's own response: "+p)
		}
	}
}

var errNotFound = errors.New("not found")

// normalise turns a decoded body into the value types the schema validator
// takes (json.Number stays a number; everything else is plain JSON).
func normalise(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return v
	}
	return out
}
