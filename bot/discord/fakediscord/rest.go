package fakediscord

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Interaction is one interaction the fake raised and what the bot answered.
type Interaction struct {
	ID, Token, UserID, ChannelID string
	Type                         int
	CustomID                     string
	MessageID                    string // the message a component was on
	Created                      time.Time
	// Responses are the callback bodies the bot sent, in order (normally one).
	Responses []map[string]any
	// Original is the id of the message the response created or edited, if any.
	Original string
	// Followups are messages posted through the interaction's webhook.
	Followups []string
}

// ResponseType returns the first callback's type, or 0 before any.
func (i Interaction) ResponseType() int {
	if len(i.Responses) == 0 {
		return 0
	}
	var t int
	fmt.Sscan(fmt.Sprint(i.Responses[0]["type"]), &t)
	return t
}

// interactionTTL is how long Discord waits for the first callback.
const interactionTTL = 3 * time.Second

func (s *Server) dispatch(method, route string, p map[string]string, obj map[string]any, body any) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch method + " " + route {
	case "GET /gateway":
		return 200, map[string]any{"url": s.GatewayURL()}
	case "GET /gateway/bot":
		return 200, map[string]any{"url": s.GatewayURL(), "shards": 1, "session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1}}
	case "GET /users/@me":
		u := s.userJSON(s.BotID)
		u["mfa_enabled"], u["locale"] = false, "en-GB"
		u["premium_type"], u["email"], u["verified"] = 0, nil, true
		return 200, u
	case "POST /users/@me/channels":
		uid := str(obj["recipient_id"])
		if _, ok := s.users[uid]; !ok {
			return 400, apiError{Code: 50033, Message: "Invalid Recipient(s)"}
		}
		return 200, s.channelJSON(s.dmChannel(uid))
	case "GET /channels/{channel_id}":
		ch, ok := s.channels[p["channel_id"]]
		if !ok {
			return 404, apiError{Code: 10003, Message: "Unknown Channel"}
		}
		return 200, s.channelJSON(ch)
	case "DELETE /channels/{channel_id}":
		ch, ok := s.channels[p["channel_id"]]
		if !ok || ch.Type == 1 {
			return 404, apiError{Code: 10003, Message: "Unknown Channel"}
		}
		delete(s.channels, ch.ID)
		s.notify()
		return 200, s.channelJSON(ch)
	case "POST /guilds/{guild_id}/channels":
		return s.createChannel(p["guild_id"], obj)
	case "GET /guilds/{guild_id}/members/{user_id}":
		roles, ok := s.members[p["user_id"]]
		if p["guild_id"] != s.GuildID || !ok {
			return 404, apiError{Code: 10007, Message: "Unknown Member"}
		}
		return 200, s.memberJSON(p["user_id"], roles)
	case "POST /channels/{channel_id}/messages":
		return s.createMessage(p["channel_id"], obj)
	case "PATCH /channels/{channel_id}/messages/{message_id}":
		m := s.findMessage(p["channel_id"], p["message_id"])
		if m == nil {
			return 404, apiError{Code: 10008, Message: "Unknown Message"}
		}
		s.editMessage(m, obj)
		return 200, s.messageJSON(m)
	case "DELETE /channels/{channel_id}/messages/{message_id}":
		m := s.findMessage(p["channel_id"], p["message_id"])
		if m == nil {
			return 404, apiError{Code: 10008, Message: "Unknown Message"}
		}
		if ch := s.channels[m.ChannelID]; ch != nil && ch.Type == 1 && m.AuthorID != s.BotID {
			return 403, apiError{Code: 50003, Message: "Cannot execute action on a DM channel"}
		}
		s.deleteMessage(m)
		return 204, nil
	case "GET /channels/{channel_id}/messages":
		if _, ok := s.channels[p["channel_id"]]; !ok {
			return 404, apiError{Code: 10003, Message: "Unknown Channel"}
		}
		return 200, s.listMessages(p["channel_id"], p["?before"], p["?after"], p["?limit"])
	case "GET /channels/{channel_id}/messages/{message_id}":
		m := s.findMessage(p["channel_id"], p["message_id"])
		if m == nil {
			return 404, apiError{Code: 10008, Message: "Unknown Message"}
		}
		return 200, s.messageJSON(m)
	case "POST /channels/{channel_id}/threads":
		parent, ok := s.channels[p["channel_id"]]
		if !ok || parent.Type != 0 {
			return 404, apiError{Code: 10003, Message: "Unknown Channel"}
		}
		typ := 11
		if t := num(obj["type"]); t != 0 {
			typ = t
		}
		th := &Channel{ID: s.newID(), Name: str(obj["name"]), GuildID: parent.GuildID, ParentID: parent.ID, Type: typ}
		s.channels[th.ID] = th
		return 201, s.channelJSON(th)
	case "PUT /applications/{application_id}/guilds/{guild_id}/commands":
		return s.overwriteCommands(p["application_id"], p["guild_id"], body)
	case "PUT /applications/{application_id}/commands":
		return s.overwriteCommands(p["application_id"], "global", body)
	case "GET /applications/{application_id}/guilds/{guild_id}/commands":
		return 200, s.commandsJSON(p["guild_id"])
	case "GET /applications/{application_id}/commands":
		return 200, s.commandsJSON("global")
	case "POST /interactions/{interaction_id}/{interaction_token}/callback":
		return s.callback(p["interaction_id"], p["interaction_token"], obj)
	case "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original":
		in := s.interactionByToken(p["webhook_id"], p["webhook_token"])
		if in == nil {
			return 404, apiError{Code: 10015, Message: "Unknown Webhook"}
		}
		m := s.findMessage(in.ChannelID, in.Original)
		if m == nil {
			return 404, apiError{Code: 10008, Message: "Unknown Message"}
		}
		s.editMessage(m, obj)
		s.notify()
		return 200, s.messageJSON(m)
	case "POST /webhooks/{webhook_id}/{webhook_token}":
		in := s.interactionByToken(p["webhook_id"], p["webhook_token"])
		if in == nil {
			return 404, apiError{Code: 10015, Message: "Unknown Webhook"}
		}
		m := s.storeMessage(in.ChannelID, obj)
		m.Interaction = in.ID
		in.Followups = append(in.Followups, m.ID)
		return 200, s.messageJSON(m)
	}
	return 404, apiError{Code: 0, Message: "404: Not Found (the fake does not serve " + method + " " + route + ")"}
}

// createChannel makes a guild text channel with the overwrites asked for.
func (s *Server) createChannel(guildID string, obj map[string]any) (int, any) {
	if guildID != s.GuildID {
		return 404, apiError{Code: 10004, Message: "Unknown Guild"}
	}
	if s.opt.NoManageChannels {
		return 403, apiError{Code: 50013, Message: "Missing Permissions"}
	}
	ch := &Channel{ID: s.newID(), Name: str(obj["name"]), GuildID: guildID, Type: num(obj["type"]), Topic: str(obj["topic"]), ParentID: str(obj["parent_id"])}
	if parent := ch.ParentID; parent != "" {
		if p, ok := s.channels[parent]; !ok || p.Type != 4 {
			return 400, apiError{Code: 50035, Message: "Invalid Form Body"}
		}
	}
	list, _ := obj["permission_overwrites"].([]any)
	for _, raw := range list {
		o, _ := raw.(map[string]any)
		var allow, deny int64
		fmt.Sscan(str(o["allow"]), &allow)
		fmt.Sscan(str(o["deny"]), &deny)
		ch.Overwrites = append(ch.Overwrites, Overwrite{ID: str(o["id"]), Type: num(o["type"]), Allow: allow, Deny: deny})
	}
	s.channels[ch.ID] = ch
	s.notify()
	return 201, s.channelJSON(ch)
}

func (s *Server) createMessage(channelID string, obj map[string]any) (int, any) {
	ch, ok := s.channels[channelID]
	if !ok {
		return 404, apiError{Code: 10003, Message: "Unknown Channel"}
	}
	if ch.Type == 1 && s.closed[ch.Recipient] {
		return 403, apiError{Code: 50007, Message: "Cannot send messages to this user"}
	}
	nonce := str(obj["nonce"])
	if nonce != "" && obj["enforce_nonce"] == true {
		// Discord returns the earlier message instead of posting it again.
		if m, ok := s.nonces[channelID+"/"+nonce]; ok {
			return 200, s.messageJSON(m)
		}
	}
	m := s.storeMessage(channelID, obj)
	m.Nonce = nonce
	if nonce != "" {
		s.nonces[channelID+"/"+nonce] = m
	}
	return 200, s.messageJSON(m)
}

func (s *Server) storeMessage(channelID string, obj map[string]any) *Message {
	m := &Message{ID: s.newID(), ChannelID: channelID, AuthorID: s.BotID}
	s.editMessage(m, obj)
	m.Edited = false
	s.messages = append(s.messages, m)
	return m
}

func (s *Server) editMessage(m *Message, obj map[string]any) {
	if c, ok := obj["content"]; ok {
		m.Content = str(c)
	}
	if c, ok := obj["components"].([]any); ok || obj["components"] == nil {
		if _, present := obj["components"]; present {
			m.Components = c
		}
	}
	if f, ok := obj["flags"]; ok {
		m.Flags = int64(num(f))
		m.Ephemeral = m.Flags&64 != 0
	}
	if am, ok := obj["allowed_mentions"].(map[string]any); ok {
		m.AllowedUsers = nil
		if us, ok := am["users"].([]any); ok {
			for _, u := range us {
				m.AllowedUsers = append(m.AllowedUsers, str(u))
			}
		}
	}
	for k, v := range obj {
		if strings.HasPrefix(k, "files[") {
			m.Attachments = append(m.Attachments, upload{Field: k, Size: len(str(v))})
		}
	}
	m.Edited = true
}

// deleteMessage removes a message, remembering it was there. Call with mu held.
func (s *Server) deleteMessage(m *Message) {
	for i, x := range s.messages {
		if x == m {
			s.messages = append(s.messages[:i], s.messages[i+1:]...)
			break
		}
	}
	s.deleted = append(s.deleted, *m)
}

// listMessages answers GET channel messages: newest first, at most limit
// (default 50, as Discord), before or after a snowflake.
func (s *Server) listMessages(channelID, before, after, limit string) []any {
	n := 50
	if limit != "" {
		n = num(limit)
	}
	lo, hi := int64(0), int64(1<<63-1)
	if before != "" {
		hi, _ = strconv.ParseInt(before, 10, 64)
	}
	if after != "" {
		lo, _ = strconv.ParseInt(after, 10, 64)
	}
	out := []any{}
	for i := len(s.messages) - 1; i >= 0 && len(out) < n; i-- {
		m := s.messages[i]
		id, _ := strconv.ParseInt(m.ID, 10, 64)
		if m.ChannelID == channelID && id < hi && id > lo {
			out = append(out, s.messageJSON(m))
		}
	}
	return out
}

func (s *Server) findMessage(channelID, id string) *Message {
	for _, m := range s.messages {
		if m.ID == id && (channelID == "" || m.ChannelID == channelID) {
			return m
		}
	}
	return nil
}

func (s *Server) overwriteCommands(appID, scope string, body any) (int, any) {
	if appID != s.AppID {
		return 403, apiError{Code: 50001, Message: "Missing Access"}
	}
	list, _ := body.([]any)
	var stored []json.RawMessage
	for _, c := range list {
		obj, _ := c.(map[string]any)
		obj["id"] = s.newID()
		raw, _ := json.Marshal(obj)
		stored = append(stored, raw)
	}
	s.commands[scope] = stored
	s.notify()
	return 200, s.commandsJSON(scope)
}

func (s *Server) commandsJSON(scope string) []any {
	out := []any{}
	for _, raw := range s.commands[scope] {
		var c map[string]any
		_ = json.Unmarshal(raw, &c)
		resp := map[string]any{
			"id": c["id"], "application_id": s.AppID, "version": s.newID(), "type": 1,
			"name": c["name"], "description": c["description"], "default_member_permissions": nil,
			"dm_permission": true, "nsfw": false,
		}
		if t, ok := c["type"]; ok {
			resp["type"] = t
		}
		if p, ok := c["default_member_permissions"]; ok && p != nil {
			resp["default_member_permissions"] = fmt.Sprint(p)
		}
		if o, ok := c["options"].([]any); ok && len(o) > 0 {
			resp["options"] = dropNulls(o) // Discord leaves unset fields out of what it returns
		}
		if ctx, ok := c["contexts"]; ok && ctx != nil {
			resp["contexts"] = ctx
		}
		if it, ok := c["integration_types"]; ok && it != nil {
			resp["integration_types"] = it
		}
		if scope != "global" {
			resp["guild_id"] = scope
		}
		out = append(out, resp)
	}
	return out
}

func (s *Server) interactionByToken(appID, token string) *Interaction {
	if appID != s.AppID {
		return nil
	}
	for _, in := range s.inters {
		if in.Token == token {
			return in
		}
	}
	return nil
}

// callback records the bot's answer to an interaction, as Discord would:
// only once, and only within three seconds.
func (s *Server) callback(id, token string, obj map[string]any) (int, any) {
	in, ok := s.inters[id]
	if !ok || in.Token != token {
		return 404, apiError{Code: 10062, Message: "Unknown interaction"}
	}
	if len(in.Responses) > 0 {
		return 400, apiError{Code: 40060, Message: "Interaction has already been acknowledged."}
	}
	if s.opt.Clock.Now().Sub(in.Created) > interactionTTL {
		return 404, apiError{Code: 10062, Message: "Unknown interaction"}
	}
	in.Responses = append(in.Responses, obj)
	data, _ := obj["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	switch num(obj["type"]) {
	case 4: // a message in reply
		m := s.storeMessage(in.ChannelID, data)
		m.Interaction, in.Original = in.ID, m.ID
	case 5: // "thinking…", edited later through the webhook
		m := s.storeMessage(in.ChannelID, data)
		m.Content, m.Interaction, in.Original = "", in.ID, m.ID
	case 7: // edit the message the component was on
		if m := s.findMessage(in.ChannelID, in.MessageID); m != nil {
			s.editMessage(m, data)
			in.Original = m.ID
		}
	}
	s.notify()
	return 204, nil
}

// Interaction returns a snapshot of an interaction.
func (s *Server) Interaction(id string) Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.inters[id]; ok {
		return *in
	}
	return Interaction{}
}

// Message returns a message by id.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findMessage("", id); m != nil {
		return *m, true
	}
	return Message{}, false
}

// --- JSON shapes (checked against the spec's response schemas) ---------------

func (s *Server) userJSON(id string) map[string]any {
	u := s.users[id]
	if u == nil {
		u = &User{ID: id, Name: "unknown"}
	}
	out := map[string]any{
		"id": u.ID, "username": u.Name, "avatar": nil, "discriminator": "0", "public_flags": 0,
		"flags": 0, "global_name": u.Name, "primary_guild": nil,
	}
	if u.Bot {
		out["bot"] = true
	}
	return out
}

func (s *Server) channelJSON(ch *Channel) map[string]any {
	switch ch.Type {
	case 1:
		return map[string]any{"id": ch.ID, "type": 1, "flags": 0, "last_message_id": nil,
			"recipients": []any{s.userJSON(ch.Recipient)}}
	case 11, 12:
		return map[string]any{
			"id": ch.ID, "type": ch.Type, "flags": 0, "guild_id": ch.GuildID, "name": ch.Name,
			"parent_id": ch.ParentID, "owner_id": s.BotID, "message_count": 0, "member_count": 1,
			"total_message_sent": 0, "rate_limit_per_user": 0, "last_message_id": nil,
			"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": 1440,
				"archive_timestamp": time.Unix(0, 0).UTC().Format(time.RFC3339), "locked": false},
		}
	}
	overwrites := []any{}
	for _, o := range ch.Overwrites {
		overwrites = append(overwrites, map[string]any{"id": o.ID, "type": o.Type, "allow": fmt.Sprint(o.Allow), "deny": fmt.Sprint(o.Deny)})
	}
	out := map[string]any{"id": ch.ID, "type": ch.Type, "flags": 0, "guild_id": ch.GuildID, "name": ch.Name,
		"position": 0, "permission_overwrites": overwrites, "nsfw": false, "parent_id": nil}
	if ch.Type != 4 {
		out["last_message_id"] = nil
		out["topic"] = nil
		if ch.Topic != "" {
			out["topic"] = ch.Topic
		}
	}
	if ch.ParentID != "" {
		out["parent_id"] = ch.ParentID
	}
	return out
}

func (s *Server) memberJSON(userID string, roles []string) map[string]any {
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"user": s.userJSON(userID), "roles": roles, "nick": nil, "avatar": nil, "banner": nil,
		"joined_at": time.Unix(0, 0).UTC().Format(time.RFC3339), "premium_since": nil, "deaf": false, "mute": false,
		"pending": false, "flags": 0, "communication_disabled_until": nil,
	}
}

func (s *Server) messageJSON(m *Message) map[string]any {
	comps := numberComponents(m.Components)
	var edited any
	switch {
	case !m.EditedAt.IsZero():
		edited = m.EditedAt.UTC().Format(time.RFC3339Nano)
	case m.Edited:
		edited = s.opt.Clock.Now().UTC().Format(time.RFC3339)
	}
	atts := []any{}
	for i, a := range m.Attachments {
		atts = append(atts, map[string]any{"id": fmt.Sprint(s.next + int64(i) + 1), "filename": a.Field, "size": a.Size,
			"url": s.URL + "/attachments/" + m.ID, "proxy_url": s.URL + "/attachments/" + m.ID})
	}
	mentions := []any{}
	for _, u := range m.AllowedUsers {
		if strings.Contains(m.Content, "<@"+u+">") {
			mentions = append(mentions, s.userJSON(u))
		}
	}
	out := map[string]any{
		"id": m.ID, "channel_id": m.ChannelID, "type": 0, "content": m.Content,
		"author": s.userJSON(m.AuthorID), "timestamp": s.opt.Clock.Now().UTC().Format(time.RFC3339),
		"edited_timestamp": edited, "tts": false, "mention_everyone": false, "mentions": mentions,
		"mention_roles": []any{}, "attachments": atts, "embeds": []any{}, "pinned": false,
		"flags": m.Flags, "components": comps,
	}
	if m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	return out
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func num(v any) int {
	var n int
	fmt.Sscan(str(v), &n)
	return n
}

// numberComponents copies a component tree as Discord returns it: each
// component gets the numeric id Discord assigns (1, 2, … in document order)
// when none was sent, a select menu its default min/max values, and unset
// (null) fields are left out.
func numberComponents(tree []any) []any {
	out := []any{}
	next := 0
	var walk func(v any) any
	walk = func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		c := make(map[string]any, len(m)+1)
		for k, val := range m {
			if val != nil {
				c[k] = val
			}
		}
		next++
		if _, ok := c["id"]; !ok {
			c["id"] = next
		}
		if num(c["type"]) == 3 {
			for _, k := range []string{"min_values", "max_values"} {
				if _, ok := c[k]; !ok {
					c[k] = 1
				}
			}
		}
		if kids, ok := m["components"].([]any); ok {
			nk := make([]any, len(kids))
			for i, k := range kids {
				nk[i] = walk(k)
			}
			c["components"] = nk
		}
		return c
	}
	for _, r := range tree {
		out = append(out, walk(r))
	}
	return out
}

// dropNulls copies a JSON value without its null-valued object fields.
func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if val != nil {
				out[k] = dropNulls(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, val := range v {
			out[i] = dropNulls(val)
		}
		return out
	}
	return v
}
