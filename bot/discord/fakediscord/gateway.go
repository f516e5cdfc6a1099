package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch     = 0
	opHeartbeat    = 1
	opIdentify     = 2
	opResume       = 6
	opHello        = 10
	opHeartbeatAck = 11
)

// Intents the fake honours.
const (
	intentGuilds         = 1 << 0
	intentGuildMessages  = 1 << 9
	intentDirectMessages = 1 << 12
	intentMessageContent = 1 << 15
)

// gateway is the fake's JSON gateway. As on Discord, a bot may hold several
// sessions at once (replicas of one service, each identifying with the same
// token, sharding not simulated): every session receives every dispatch,
// each numbered in its own sequence and kept so a resume can replay it.
type gateway struct {
	s        *Server
	upgrader websocket.Upgrader

	mu                  sync.Mutex
	writeMu             sync.Mutex
	sessions            map[string]*gwSession // by session id, newest last in order
	order               []string              // session ids, oldest first
	byConn              map[*websocket.Conn]*gwSession
	identifies, resumes int
}

// gwSession is one bot session: its connection while connected, and its
// dispatches for resume.
type gwSession struct {
	id      string
	intents int
	seq     int64
	log     []frame
	conn    *websocket.Conn // nil while disconnected
	ready   bool
}

// keptSessions bounds how many sessions the fake remembers for resume: a
// replica killed without closing leaves its session behind, as on Discord,
// where an unresumed session expires.
const keptSessions = 16

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

func newGateway(s *Server) *gateway {
	return &gateway{s: s, sessions: map[string]*gwSession{}, byConn: map[*websocket.Conn]*gwSession{}}
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "the fake gateway speaks encoding=json only", http.StatusBadRequest)
		return
	}
	if g.s.isDown() {
		http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
		return
	}
	conn, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	g.send(conn, frame{Op: opHello, D: mustJSON(map[string]any{"heartbeat_interval": 41250})})
	g.read(conn)
}

func (g *gateway) send(conn *websocket.Conn, f frame) error {
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	return conn.WriteJSON(f)
}

func (g *gateway) read(conn *websocket.Conn) {
	defer func() {
		g.mu.Lock()
		if ss := g.byConn[conn]; ss != nil {
			delete(g.byConn, conn)
			if ss.conn == conn {
				ss.conn, ss.ready = nil, false
			}
		}
		g.mu.Unlock()
		conn.Close()
		g.s.changedNow()
	}()
	for {
		var f frame
		if err := conn.ReadJSON(&f); err != nil {
			return
		}
		switch f.Op {
		case opHeartbeat:
			g.send(conn, frame{Op: opHeartbeatAck, D: json.RawMessage("null")})
		case opIdentify:
			var id struct {
				Token   string `json:"token"`
				Intents int    `json:"intents"`
			}
			_ = json.Unmarshal(f.D, &id)
			if strings.TrimPrefix(id.Token, "Bot ") != g.s.opt.Token {
				g.closeWith(conn, 4004, "Authentication failed.")
				return
			}
			g.identify(conn, id.Intents)
		case opResume:
			var rs struct {
				Token     string `json:"token"`
				SessionID string `json:"session_id"`
				Seq       int64  `json:"seq"`
			}
			_ = json.Unmarshal(f.D, &rs)
			if !g.resume(conn, rs.Token, rs.SessionID, rs.Seq) {
				g.closeWith(conn, 4009, "Session timed out.")
				return
			}
		}
	}
}

func (g *gateway) closeWith(conn *websocket.Conn, code int, text string) {
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
}

func (g *gateway) identify(conn *websocket.Conn, intents int) {
	g.mu.Lock()
	g.s.mu.Lock()
	ss := &gwSession{id: "session-" + g.s.newID(), intents: intents, conn: conn}
	bot := g.s.userJSON(g.s.BotID)
	g.s.mu.Unlock()
	g.sessions[ss.id] = ss
	g.order = append(g.order, ss.id)
	g.forgetOldSessions()
	g.byConn[conn] = ss
	g.identifies++
	ready := map[string]any{
		"v": 10, "user": bot, "session_id": ss.id, "resume_gateway_url": g.s.GatewayURL(),
		"guilds":      []any{map[string]any{"id": g.s.GuildID, "unavailable": true}},
		"application": map[string]any{"id": g.s.AppID, "flags": 0}, "private_channels": []any{},
	}
	f := ss.nextFrame("READY", ready)
	ss.ready = true
	g.mu.Unlock()
	g.send(conn, f)
	g.s.changedNow()
}

// forgetOldSessions drops the oldest disconnected sessions beyond
// keptSessions. Call with g.mu held.
func (g *gateway) forgetOldSessions() {
	for i := 0; len(g.order) > keptSessions && i < len(g.order); {
		ss := g.sessions[g.order[i]]
		if ss.conn != nil {
			i++
			continue
		}
		delete(g.sessions, ss.id)
		g.order = append(g.order[:i], g.order[i+1:]...)
	}
}

func (g *gateway) resume(conn *websocket.Conn, token, session string, seq int64) bool {
	g.mu.Lock()
	ss := g.sessions[session]
	if strings.TrimPrefix(token, "Bot ") != g.s.opt.Token || ss == nil {
		g.mu.Unlock()
		return false
	}
	if ss.conn != nil && ss.conn != conn {
		// The session moves to its new connection, as on Discord.
		delete(g.byConn, ss.conn)
		ss.conn.Close()
	}
	ss.conn = conn
	g.byConn[conn] = ss
	g.resumes++
	var replay []frame
	for _, f := range ss.log {
		if *f.S > seq {
			replay = append(replay, f)
		}
	}
	resumed := ss.nextFrame("RESUMED", map[string]any{})
	ss.ready = true
	g.mu.Unlock()
	for _, f := range replay {
		g.send(conn, f)
	}
	g.send(conn, resumed)
	g.s.changedNow()
	return true
}

// nextFrame numbers a dispatch in the session and keeps it for resume.
// Call with the gateway's mu held.
func (ss *gwSession) nextFrame(t string, d any) frame {
	ss.seq++
	seq := ss.seq
	f := frame{Op: opDispatch, T: t, S: &seq, D: mustJSON(d)}
	ss.log = append(ss.log, f)
	return f
}

// dispatch sends an event to every session of the bot, or keeps it for a
// session's resume while it is disconnected.
func (g *gateway) dispatch(t string, d any) {
	type out struct {
		conn *websocket.Conn
		f    frame
	}
	var sends []out
	g.mu.Lock()
	for _, id := range g.order {
		ss := g.sessions[id]
		f := ss.nextFrame(t, d)
		if ss.conn != nil && ss.ready {
			sends = append(sends, out{ss.conn, f})
		}
	}
	g.mu.Unlock()
	for _, o := range sends {
		g.send(o.conn, o.f)
	}
}

// intents is what the bot's sessions asked for together: an event reaches
// the bot if any session wants it (every replica asks for the same).
func (g *gateway) intents() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, ss := range g.sessions {
		n |= ss.intents
	}
	return n
}

// drop cuts every connection without a close frame, as a network fault would.
func (g *gateway) drop() {
	g.mu.Lock()
	var conns []*websocket.Conn
	for conn, ss := range g.byConn {
		conns = append(conns, conn)
		ss.conn, ss.ready = nil, false
	}
	g.byConn = map[*websocket.Conn]*gwSession{}
	g.mu.Unlock()
	for _, conn := range conns {
		conn.UnderlyingConn().Close()
	}
}

func (g *gateway) closeAll() { g.drop() }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakediscord: encode gateway payload: %v", err))
	}
	return b
}

// --- what tests drive -------------------------------------------------------

func (s *Server) changedNow() {
	s.mu.Lock()
	s.notify()
	s.mu.Unlock()
}

// GatewayState reports whether a bot session is connected and ready, and
// how many identifies and resumes it has made.
func (s *Server) GatewayState() (ready bool, identifies, resumes int) {
	g := s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, ss := range g.sessions {
		ready = ready || (ss.ready && ss.conn != nil)
	}
	return ready, g.identifies, g.resumes
}

// DropGateway cuts the bot's gateway connection; the bot should reconnect
// and resume, receiving what it missed.
func (s *Server) DropGateway() { s.gw.drop() }

// UserSendsDM has a user DM the bot; it returns the message id.
func (s *Server) UserSendsDM(userID, text string) string {
	s.mu.Lock()
	ch := s.dmChannel(userID)
	m := &Message{ID: s.newID(), ChannelID: ch.ID, AuthorID: userID, Content: text}
	s.messages = append(s.messages, m)
	d := s.messageJSON(m)
	s.notify()
	s.mu.Unlock()
	wants := s.gw.intents()&intentDirectMessages != 0
	if wants {
		s.dispatchChecked("MESSAGE_CREATE", d, "MessageResponse")
	}
	return m.ID
}

// UserPosts has a user post in a guild channel; it returns the message id.
// The bot hears it only with the Guild Messages intent, and sees its text
// only with the Message Content intent, as on Discord.
func (s *Server) UserPosts(userID, channelID, text string) string {
	s.mu.Lock()
	m := &Message{ID: s.newID(), ChannelID: channelID, AuthorID: userID, Content: text}
	s.messages = append(s.messages, m)
	d := s.messageJSON(m)
	if ch := s.channels[channelID]; ch != nil {
		d["guild_id"] = ch.GuildID
	}
	s.notify()
	s.mu.Unlock()
	intents := s.gw.intents()
	if intents&intentGuildMessages == 0 {
		return m.ID
	}
	if intents&intentMessageContent == 0 {
		d["content"] = ""
	}
	s.dispatchChecked("MESSAGE_CREATE", d, "MessageResponse")
	return m.ID
}

// UserEditsMessage has a user edit a message they sent, a DM or a guild
// post. As on Discord, the bot gets MESSAGE_UPDATE with the whole message and
// its edited_timestamp, under the same intents as MESSAGE_CREATE (a guild
// post's text only with Message Content).
func (s *Server) UserEditsMessage(userID, messageID, text string) error {
	s.mu.Lock()
	m := s.findMessage("", messageID)
	if m == nil || m.AuthorID != userID {
		s.mu.Unlock()
		return fmt.Errorf("fakediscord: user %s has no message %s to edit", userID, messageID)
	}
	m.Content = text
	now := s.opt.Clock.Now()
	if !now.After(m.EditedAt) {
		now = m.EditedAt.Add(time.Millisecond) // two edits never share a timestamp
	}
	m.EditedAt = now
	s.notify()
	s.mu.Unlock()
	s.dispatchUpdate(m)
	return nil
}

// EmbedArrives updates a message as Discord does when a link's preview is
// added: a MESSAGE_UPDATE that is not an edit (edited_timestamp stays as it
// was, null for a message never edited).
func (s *Server) EmbedArrives(messageID string) error {
	s.mu.Lock()
	m := s.findMessage("", messageID)
	s.mu.Unlock()
	if m == nil {
		return fmt.Errorf("fakediscord: no message %s", messageID)
	}
	s.dispatchUpdate(m)
	return nil
}

func (s *Server) dispatchUpdate(m *Message) {
	s.mu.Lock()
	d := s.messageJSON(m)
	guild := ""
	if ch := s.channels[m.ChannelID]; ch != nil {
		guild = ch.GuildID
	}
	s.mu.Unlock()
	intents := s.gw.intents()
	if guild == "" {
		if intents&intentDirectMessages != 0 {
			s.dispatchChecked("MESSAGE_UPDATE", d, "MessageResponse")
		}
		return
	}
	d["guild_id"] = guild
	if intents&intentGuildMessages == 0 {
		return
	}
	if intents&intentMessageContent == 0 {
		d["content"] = ""
	}
	s.dispatchChecked("MESSAGE_UPDATE", d, "MessageResponse")
}

// UserStartsThread has a user start a public thread in a guild channel and
// returns its id. The bot hears THREAD_CREATE (Guilds intent) with the
// thread's parent and newly_created, as on Discord; messages in the thread
// then come with the thread's own channel id (UserPosts).
func (s *Server) UserStartsThread(userID, parentID, name string) (string, error) {
	s.mu.Lock()
	parent, ok := s.channels[parentID]
	if !ok || parent.Type != 0 {
		s.mu.Unlock()
		return "", fmt.Errorf("fakediscord: no guild text channel %s", parentID)
	}
	th := &Channel{ID: s.newID(), Name: name, GuildID: parent.GuildID, ParentID: parent.ID, Type: 11}
	s.channels[th.ID] = th
	d := s.channelJSON(th)
	d["owner_id"] = userID
	d["newly_created"] = true
	s.notify()
	s.mu.Unlock()
	wants := s.gw.intents()&intentGuilds != 0
	if wants {
		s.dispatchChecked("THREAD_CREATE", d, "ThreadResponse")
	}
	return th.ID, nil
}

// AddThread adds a public thread under a guild channel without telling the
// bot, as a thread started while the bot was offline: the bot learns of it
// only when a message arrives in it.
func (s *Server) AddThread(parentID, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parent, ok := s.channels[parentID]
	if !ok || parent.Type != 0 {
		return "", fmt.Errorf("fakediscord: no guild text channel %s", parentID)
	}
	th := &Channel{ID: s.newID(), Name: name, GuildID: parent.GuildID, ParentID: parent.ID, Type: 11}
	s.channels[th.ID] = th
	return th.ID, nil
}

// dispatchChecked sends an event whose payload is one of the spec's objects
// (a message, a thread), after checking it against that schema: Discord's
// gateway payloads are not in the OpenAPI spec as events, but their inner
// objects are. A payload that does not match is recorded as an invalid
// exchange, so tests fail as they do for a bad REST body.
func (s *Server) dispatchChecked(t string, d map[string]any, schema string) {
	if !s.opt.SkipResponseChecks {
		if err := s.spec.check("/components/schemas/"+schema, normalise(d), t+" payload"); err != nil {
			s.mu.Lock()
			s.traffic = append(s.traffic, Exchange{Method: "GATEWAY", Path: t, Route: "gateway " + t, Problems: splitErr(err)})
			s.mu.Unlock()
		}
	}
	s.gw.dispatch(t, d)
}

// Interaction types.
const (
	InteractionCommand   = 2
	InteractionComponent = 3
	InteractionModal     = 5
)

func (s *Server) raise(userID, channelID string, typ int, data map[string]any, msg *Message) string {
	s.mu.Lock()
	if ch := s.channels[channelID]; ch != nil && ch.GuildID != "" && !s.canSee(userID, channelID) {
		// Discord shows nobody a channel they cannot view, nor its buttons.
		s.mu.Unlock()
		return ""
	}
	in := &Interaction{ID: s.newID(), Token: "tok-" + s.newID(), UserID: userID, ChannelID: channelID, Type: typ,
		Created: s.opt.Clock.Now()}
	if cid, ok := data["custom_id"].(string); ok {
		in.CustomID = cid
	}
	payload := map[string]any{
		"id": in.ID, "application_id": s.AppID, "type": typ, "data": data, "channel_id": channelID,
		"token": in.Token, "version": 1, "locale": "en-GB", "app_permissions": "0",
	}
	ch := s.channels[channelID]
	if ch != nil && ch.GuildID != "" {
		roles := s.members[userID]
		if roles == nil {
			roles = []string{}
		}
		payload["guild_id"] = ch.GuildID
		payload["member"] = map[string]any{"user": s.userJSON(userID), "roles": roles, "permissions": "0",
			"joined_at": s.opt.Clock.Now().UTC().Format("2006-01-02T15:04:05Z07:00"), "deaf": false, "mute": false}
		payload["context"] = 0
	} else {
		payload["user"] = s.userJSON(userID)
		payload["context"] = 1
	}
	if msg != nil {
		in.MessageID = msg.ID
		payload["message"] = s.messageJSON(msg)
	}
	s.inters[in.ID] = in
	s.notify()
	s.mu.Unlock()
	s.gw.dispatch("INTERACTION_CREATE", payload)
	return in.ID
}

// Click presses a button on a message as a user; it returns the interaction
// id, or "" when the user cannot see the channel the message is in.
func (s *Server) Click(userID string, m Message, customID string) string {
	return s.raise(userID, m.ChannelID, InteractionComponent, map[string]any{"custom_id": customID, "component_type": 2}, &m)
}

// Choose picks values in a message's select menu.
func (s *Server) Choose(userID string, m Message, customID string, values ...string) string {
	return s.raise(userID, m.ChannelID, InteractionComponent, map[string]any{"custom_id": customID, "component_type": 3, "values": values}, &m)
}

// Modal returns the modal an interaction was answered with: its custom_id
// and the custom_ids of its text inputs.
func (s *Server) Modal(interactionID string) (customID string, inputs []string, ok bool) {
	in := s.Interaction(interactionID)
	if in.ResponseType() != callbackModal {
		return "", nil, false
	}
	data, _ := in.Responses[0]["data"].(map[string]any)
	customID = str(data["custom_id"])
	rows, _ := data["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		cs, _ := row["components"].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			inputs = append(inputs, str(cm["custom_id"]))
		}
	}
	return customID, inputs, true
}

// SubmitModal submits the modal that answered an interaction, with values by
// text-input custom_id.
func (s *Server) SubmitModal(userID, interactionID string, values map[string]string) (string, error) {
	customID, inputs, ok := s.Modal(interactionID)
	if !ok {
		return "", fmt.Errorf("fakediscord: interaction %s was not answered with a modal", interactionID)
	}
	var rows []any
	for _, id := range inputs {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": values[id]}}})
	}
	in := s.Interaction(interactionID)
	var msg *Message
	if m, ok := s.Message(in.MessageID); ok {
		msg = &m
	}
	return s.raise(userID, in.ChannelID, InteractionModal, map[string]any{"custom_id": customID, "components": rows}, msg), nil
}

// Command runs a slash command as a user in a guild channel. Options are by
// name; their types come from the registered command, as Discord's would.
//
// As on Discord, a command exists only where it was registered for: a
// server's commands in that server's channels, never in a DM; a global
// command wherever its contexts allow (0 a server, 1 a DM with the bot; all,
// when it names none).
func (s *Server) Command(userID, channelID, name string, options map[string]any) (string, error) {
	s.mu.Lock()
	ch := s.channels[channelID]
	inDM := ch != nil && ch.Type == 1
	context := 0
	if inDM {
		context = 1
	}
	var def map[string]any
	registered := false
	for _, scope := range []string{"global", s.GuildID} {
		for _, raw := range s.commands[scope] {
			var c map[string]any
			_ = json.Unmarshal(raw, &c)
			if c["name"] != name {
				continue
			}
			registered = true
			if scope != "global" && inDM {
				continue // a server's command does not exist in DMs
			}
			if ctxs, ok := c["contexts"].([]any); ok && scope == "global" && !slices.ContainsFunc(ctxs, func(v any) bool { return num(v) == context }) {
				continue
			}
			def = c
		}
	}
	s.mu.Unlock()
	if def == nil && registered {
		return "", fmt.Errorf("fakediscord: /%s is not available in this channel", name)
	}
	if def == nil {
		return "", fmt.Errorf("fakediscord: no command /%s is registered", name)
	}
	opts, err := commandOptions(name, def, options)
	if err != nil {
		return "", err
	}
	data := map[string]any{"id": def["id"], "name": name, "type": 1, "options": opts}
	return s.raise(userID, channelID, InteractionCommand, data, nil), nil
}

// commandOptions builds an interaction's options from the registered
// definition, typed as Discord types them. A subcommand is given as its name
// mapped to its own options.
func commandOptions(name string, def map[string]any, options map[string]any) ([]any, error) {
	defs := map[string]map[string]any{}
	list, _ := def["options"].([]any)
	for _, o := range list {
		om, _ := o.(map[string]any)
		defs[str(om["name"])] = om
	}
	var opts []any
	for k, v := range options {
		d, ok := defs[k]
		if !ok {
			return nil, fmt.Errorf("fakediscord: /%s has no option %q", name, k)
		}
		if fmt.Sprint(d["type"]) == "1" { // a subcommand
			inner, _ := v.(map[string]any)
			sub, err := commandOptions(name+" "+k, d, inner)
			if err != nil {
				return nil, err
			}
			opts = append(opts, map[string]any{"name": k, "type": d["type"], "options": sub})
			continue
		}
		opts = append(opts, map[string]any{"name": k, "type": d["type"], "value": v})
	}
	return opts, nil
}
