package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// An audit entry keeps in the clear only what shows that something
// happened: when (at), who (actor) and what (action); the service log adds
// the client an entry is about (tombstones name the erased client). The
// rest — the incident, the rule and the reason, which can name a crisis
// kind, a consent value, a shift time or a worker's free-text reason — is
// sealed in the field "s", under the client's slot and bound to the clear
// fields, so neither half can be moved to another entry. Entries written
// by earlier versions hold every field in the clear; they are still read,
// and steady rekey seals them.

// auditDetail is the sealed part of an audit entry.
type auditDetail struct {
	Incident string `json:"i,omitempty"`
	Rule     string `json:"r,omitempty"`
	Reason   string `json:"x,omitempty"`
}

func (d auditDetail) empty() bool { return d == auditDetail{} }

// auditSlot binds an entry's sealed detail to its log and its clear fields.
// client is the client whose log it is ("" for the service log), about the
// client the service log's entry names.
func auditSlot(client, at, actor, action, about string) slot {
	return slot{client: client, record: recAudit, field: at + "\x00" + actor + "\x00" + action + "\x00" + about}
}

// auditFields turns an event into a stream entry for client's log (""
// for the service log, which keeps the client it names in the clear).
func (s *Store) auditFields(client string, e store.AuditEvent) ([]any, error) {
	at := e.At.UTC().Format(time.RFC3339Nano)
	f := []any{"at", at, "actor", e.Actor, "action", e.Action}
	about := ""
	if client == "" {
		about = e.ClientID
		if about != "" {
			f = append(f, "client", about)
		}
	}
	d := auditDetail{Incident: e.Incident, Rule: e.Rule, Reason: e.Reason}
	if !d.empty() {
		sealed, err := s.sealJSON(auditSlot(client, at, e.Actor, e.Action, about), d)
		if err != nil {
			return nil, err
		}
		f = append(f, "s", string(sealed))
	}
	return f, nil
}

// auditEvent reads a stream entry of client's log ("" for the service log).
func (s *Store) auditEvent(client, id string, v map[string]any) (store.AuditEvent, error) {
	str := func(k string) string { s, _ := v[k].(string); return s }
	at, _ := time.Parse(time.RFC3339Nano, str("at"))
	e := store.AuditEvent{ID: id, At: at, ClientID: str("client"), Actor: str("actor"), Action: str("action"),
		Incident: str("incident"), Rule: str("rule"), Reason: str("reason")}
	if client != "" && e.ClientID == "" {
		e.ClientID = client
	}
	if sealed := str("s"); sealed != "" {
		var d auditDetail
		if err := s.openJSON(auditSlot(client, str("at"), e.Actor, e.Action, str("client")), []byte(sealed), &d); err != nil {
			return e, fmt.Errorf("store: audit entry %s: %w", id, err)
		}
		e.Incident, e.Rule, e.Reason = d.Incident, d.Rule, d.Reason
	}
	return e, nil
}

// Audit returns a client's audit events after the stream id after ("" or "0": from the start).
func (s *Store) Audit(ctx context.Context, clientID, after string) ([]store.AuditEvent, error) {
	return s.readAudit(ctx, clientID, s.clientKey(clientID, recAudit), after)
}

// ServiceAudit returns service-wide audit events after a stream id.
func (s *Store) ServiceAudit(ctx context.Context, after string) ([]store.AuditEvent, error) {
	return s.readAudit(ctx, "", s.auditKey(), after)
}

func (s *Store) readAudit(ctx context.Context, client, key, after string) ([]store.AuditEvent, error) {
	start := "-"
	if after != "" && after != "0" {
		start = "(" + after
	}
	msgs, err := s.rdb.XRange(ctx, key, start, "+").Result()
	if err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	out := make([]store.AuditEvent, 0, len(msgs))
	for _, m := range msgs {
		e, err := s.auditEvent(client, m.ID, m.Values)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// appendAuditScript appends an entry and trims the log of entries older
// than the retention period, by Redis's own clock (stream ids are Redis's
// milliseconds), approximately: whole stream nodes at a time.
//
// KEYS[1] the log; ARGV[1] retention in milliseconds; ARGV[2…] field, value pairs.
var appendAuditScript = redis.NewScript(`
local t = redis.call('TIME')
local minid = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1])
return redis.call('XADD', KEYS[1], 'MINID', '~', math.max(minid, 0), '*', unpack(ARGV, 2))
`)

// AppendServiceAudit records a service-wide decision (no client's slot involved).
func (s *Store) AppendServiceAudit(ctx context.Context, e store.AuditEvent) error {
	f, err := s.auditFields("", e)
	if err != nil {
		return fmt.Errorf("store: append audit event: %w", err)
	}
	args := append([]any{strconv.FormatInt(s.auditKeep.Milliseconds(), 10)}, f...)
	if err := appendAuditScript.Run(ctx, s.rdb, []string{s.auditKey()}, args...).Err(); err != nil {
		return fmt.Errorf("store: append audit event: %w", err)
	}
	return nil
}
