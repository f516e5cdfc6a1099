package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// Client data rights: export everything held about a client, and erase it.
// Both walk the client's key space rather than a list of record kinds, so a
// record added later is exported and erased without anyone remembering to;
// erasure also follows the client's traces outside it (Trace).

// ExportClient returns every record held about a client, decrypted, keyed by
// record name: sealed values as their JSON, other values as text, the audit
// log as events. Machinery (the conversation's version, markers, the
// erasure code) is left out.
func (s *Store) ExportClient(ctx context.Context, clientID string) (map[string]any, error) {
	out := map[string]any{}
	keys, err := s.clientKeys(ctx, clientID)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		_, record, _ := s.splitClientKey(key)
		spec, known := recordOf(record)
		if known && !spec.export {
			continue
		}
		v, err := s.exportKey(ctx, clientID, record, key, spec)
		if err != nil {
			return nil, fmt.Errorf("store: export %s of %s: %w", record, clientID, err)
		}
		if v != nil {
			out[record] = v
		}
	}
	return out, nil
}

// exported is one stored value as the export shows it.
func (s *Store) exported(sl slot, raw string) (any, error) {
	if !isSealed([]byte(raw)) {
		return raw, nil
	}
	pt, err := s.keys.open(sl, []byte(raw))
	if err != nil {
		return nil, err
	}
	if json.Valid(pt) {
		return json.RawMessage(pt), nil
	}
	return string(pt), nil
}

func (s *Store) exportKey(ctx context.Context, clientID, record, key string, spec recordSpec) (any, error) {
	typ, err := s.rdb.Type(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	sl := slot{client: clientID, record: record}
	switch typ {
	case "string":
		raw, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if spec.writeID != "" {
			sl.version, _ = s.rdb.HGet(ctx, s.clientKey(clientID, recConv), spec.writeID).Result()
		}
		return s.exported(sl, raw)
	case "hash":
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		if spec.layout == asConv {
			if m["data"] == "" {
				return nil, nil // no conversation open
			}
			sl.version = m[spec.writeID]
			return s.exported(sl, m["data"])
		}
		fields := map[string]any{}
		for f, raw := range m {
			sl.field = f
			v, err := s.exported(sl, raw)
			if err != nil {
				return nil, err
			}
			fields[f] = v
		}
		return fields, nil
	case "zset":
		zs, err := s.rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, err
		}
		items := make([]any, 0, len(zs))
		for _, z := range zs {
			raw, _ := z.Member.(string)
			sl.field = scoreField(z.Score)
			v, err := s.exported(sl, raw)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case "list", "set":
		var vals []string
		if typ == "list" {
			vals, err = s.rdb.LRange(ctx, key, 0, -1).Result()
		} else {
			vals, err = s.rdb.SMembers(ctx, key).Result()
			sort.Strings(vals)
		}
		if err != nil {
			return nil, err
		}
		items := make([]any, 0, len(vals))
		for _, raw := range vals {
			v, err := s.exported(sl, raw)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case "stream":
		return s.readAudit(ctx, clientID, key, "")
	}
	return nil, nil
}

// clientKeys lists every key in a client's key space.
func (s *Store) clientKeys(ctx context.Context, clientID string) ([]string, error) {
	var keys []string
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.clientKey(clientID, ""))+"*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("store: list keys of %s: %w", clientID, err)
	}
	sort.Strings(keys)
	return keys, nil
}

// splitClientKey is the inverse of clientKey.
func (s *Store) splitClientKey(key string) (clientID, record string, ok bool) {
	rest, ok := strings.CutPrefix(key, s.prefix+":{c:")
	if !ok {
		return "", "", false
	}
	clientID, record, ok = strings.Cut(rest, "}:")
	return clientID, record, ok
}

func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// A Trace is something about a client kept outside their key space: a
// field, member or entry of a service-wide key (or a whole key). Whoever
// writes one records it with Batch.Trace or Store.Trace, and erasure removes
// it with the client.
type Trace struct {
	Kind   TraceKind
	Key    string // the whole key, prefix included (Store.ServiceKey)
	Member string // the field, member or stream entry id; "" for a whole key
}

// TraceKind says how a trace is removed.
type TraceKind string

const (
	TraceKey        TraceKind = "key"    // DEL Key
	TraceHashField  TraceKind = "hash"   // HDEL Key Member
	TraceSetMember  TraceKind = "set"    // SREM Key Member
	TraceZSetMember TraceKind = "zset"   // ZREM Key Member
	TraceListItem   TraceKind = "list"   // LREM Key 0 Member
	TraceStreamID   TraceKind = "stream" // XDEL Key Member
)

const traceSep = "\x1f"

func (t Trace) encode() string { return string(t.Kind) + traceSep + t.Key + traceSep + t.Member }

func decodeTrace(s string) (Trace, bool) {
	parts := strings.SplitN(s, traceSep, 3)
	if len(parts) != 3 {
		return Trace{}, false
	}
	return Trace{Kind: TraceKind(parts[0]), Key: parts[1], Member: parts[2]}, true
}

// ServiceKey names a service-wide key under the prefix, for a Trace.
func (s *Store) ServiceKey(name string) string { return s.prefix + ":" + name }

// Trace records, with the batch's writes, a trace of the client outside
// their key space, for erasure to remove.
func (b *Batch) Trace(t Trace) { b.op("SADD", recTraces, t.encode()) }

// Trace records traces of a client outside their key space, for erasure to
// remove. It refuses (store.ErrNotFound) for a client who does not exist or
// is being erased: the caller must then undo what it wrote.
func (s *Store) Trace(ctx context.Context, clientID string, traces ...Trace) error {
	b := s.Batch(clientID)
	for _, t := range traces {
		b.Trace(t)
	}
	_, err := b.Commit(ctx, -1)
	return err
}

func (s *Store) removeTrace(ctx context.Context, p redis.Pipeliner, t Trace) {
	switch t.Kind {
	case TraceKey:
		p.Del(ctx, t.Key)
	case TraceHashField:
		p.HDel(ctx, t.Key, t.Member)
	case TraceSetMember:
		p.SRem(ctx, t.Key, t.Member)
	case TraceZSetMember:
		p.ZRem(ctx, t.Key, t.Member)
	case TraceListItem:
		p.LRem(ctx, t.Key, 0, t.Member)
	case TraceStreamID:
		p.XDel(ctx, t.Key, t.Member)
	}
}

// Tombstone actions in the service audit log: the only trace an erased client leaves.
const (
	ActionErased = "client.erased"
)

// Erasure is an erasure under way: who asked, why, since when.
type Erasure struct {
	ClientID string    `json:"-"`
	By       string    `json:"by"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// BeginErasure marks a client as being erased. From then on the client is
// not found (Load, Client), and no write for them commits (Batch,
// SetMarker), so nothing of theirs is written back while, or after, their
// records go. The mark holds no content and goes with the rest (EraseClient).
func (s *Store) BeginErasure(ctx context.Context, clientID, by, reason string, at time.Time) error {
	b, _ := json.Marshal(Erasure{By: by, Reason: reason, At: at.UTC()}) // strings and a time: cannot fail
	if err := s.rdb.SetNX(ctx, s.clientKey(clientID, recErasing), b, 0).Err(); err != nil {
		return fmt.Errorf("store: begin erasure of %s: %w", clientID, err)
	}
	return nil
}

// Erasing returns the erasure under way for a client, if any.
func (s *Store) Erasing(ctx context.Context, clientID string) (Erasure, bool, error) {
	raw, err := s.rdb.Get(ctx, s.clientKey(clientID, recErasing)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Erasure{}, false, nil
	}
	if err != nil {
		return Erasure{}, false, fmt.Errorf("store: erasure of %s: %w", clientID, err)
	}
	var e Erasure
	if err := json.Unmarshal(raw, &e); err != nil {
		return Erasure{}, false, fmt.Errorf("store: erasure of %s: %w", clientID, err)
	}
	e.ClientID = clientID
	return e, true, nil
}

// ErasingClient reads the profile of a client being erased, for finishing
// the erasure: what it needs (their Discord user, their worker) is there
// until the records go. store.ErrNotFound once the profile is gone.
func (s *Store) ErasingClient(ctx context.Context, clientID string) (store.Client, error) {
	var c store.Client
	var prof, pw *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		prof = p.Get(ctx, s.clientKey(clientID, recProfile))
		pw = p.HGet(ctx, s.clientKey(clientID, recConv), records[recProfile].writeID)
		return nil
	})
	if errors.Is(prof.Err(), redis.Nil) {
		return c, fmt.Errorf("store: client %s: %w", clientID, store.ErrNotFound)
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return c, fmt.Errorf("store: load client %s: %w", clientID, err)
	}
	if err := s.openJSON(slot{client: clientID, record: recProfile, version: pw.Val()}, []byte(prof.Val()), &c); err != nil {
		return c, fmt.Errorf("store: decode client %s: %w", clientID, err)
	}
	return c, nil
}

// UnfinishedErasures lists erasures that began and did not finish (a crash,
// a lost connection), for the service to finish.
func (s *Store) UnfinishedErasures(ctx context.Context) ([]Erasure, error) {
	var out []Erasure
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.prefix+":{c:")+"*}:"+recErasing, 500).Iterator()
	for iter.Next(ctx) {
		id, _, ok := s.splitClientKey(iter.Val())
		if !ok {
			continue
		}
		e, ok, err := s.Erasing(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("store: unfinished erasures: %w", err)
	}
	return out, nil
}

// EraseClient deletes everything held about a client: every record in their
// key space, every trace of them outside it, their entries in the
// service-wide indexes (Discord user, client list, outbox list, incident
// ids) and every service audit entry naming them. It then appends one
// tombstone to the service audit log: when, by whom, why (a fixed reason
// such as "client request" or "retention period ended"), and the client
// id, so an erasure can be shown to have happened. Nothing else of the
// client remains. It begins the erasure (BeginErasure) if that was not done
// already, and is safe to run again after a partial failure.
func (s *Store) EraseClient(ctx context.Context, clientID, by, reason string, at time.Time) error {
	if err := s.BeginErasure(ctx, clientID, by, reason, at); err != nil {
		return err
	}
	traces, err := s.rdb.SMembers(ctx, s.clientKey(clientID, recTraces)).Result()
	if err != nil {
		return fmt.Errorf("store: erase %s: traces: %w", clientID, err)
	}
	if len(traces) > 0 {
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, raw := range traces {
				if t, ok := decodeTrace(raw); ok {
					s.removeTrace(ctx, p, t)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: erase %s: traces: %w", clientID, err)
		}
	}
	users, err := s.fieldsNaming(ctx, s.usersKey(), clientID)
	if err != nil {
		return err
	}
	incidents, err := s.fieldsNaming(ctx, s.incidentsKey(), clientID)
	if err != nil {
		return err
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(users) > 0 {
			p.HDel(ctx, s.usersKey(), users...)
		}
		if len(incidents) > 0 {
			p.HDel(ctx, s.incidentsKey(), incidents...)
		}
		p.SRem(ctx, s.clientsKey(), clientID)
		p.SRem(ctx, s.outboxesKey(), clientID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: erase %s: indexes: %w", clientID, err)
	}
	if err := s.dropServiceAudit(ctx, clientID); err != nil {
		return err
	}
	// The key space last, the erasure mark with it (one slot, one DEL per
	// 500 keys, the mark in the last): until then every write for the client
	// is refused, and after it none can find a profile to write against.
	keys, err := s.clientKeys(ctx, clientID)
	if err != nil {
		return err
	}
	mark := s.clientKey(clientID, recErasing)
	keys = append(slices.DeleteFunc(keys, func(k string) bool { return k == mark }), mark)
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := s.rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("store: erase %s: %w", clientID, err)
		}
		keys = keys[n:]
	}
	return s.AppendServiceAudit(ctx, store.AuditEvent{At: at, ClientID: clientID, Actor: by, Action: ActionErased, Reason: reason})
}

// fieldsNaming returns the fields of a service-wide hash whose value is the client id.
func (s *Store) fieldsNaming(ctx context.Context, key, clientID string) ([]string, error) {
	var out []string
	iter := s.rdb.HScan(ctx, key, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		field := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		if iter.Val() == clientID {
			out = append(out, field)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("store: erase %s: scan %s: %w", clientID, key, err)
	}
	return out, nil
}

// dropServiceAudit removes service audit entries about a client, except
// earlier tombstones (an erasure record outlives the erasure).
func (s *Store) dropServiceAudit(ctx context.Context, clientID string) error {
	start := "-"
	for {
		msgs, err := s.rdb.XRangeN(ctx, s.auditKey(), start, "+", 1000).Result()
		if err != nil {
			return fmt.Errorf("store: erase %s: read service audit: %w", clientID, err)
		}
		var drop []string
		for _, m := range msgs {
			if m.Values["client"] == clientID && m.Values["action"] != ActionErased {
				drop = append(drop, m.ID)
			}
		}
		if len(drop) > 0 {
			if err := s.rdb.XDel(ctx, s.auditKey(), drop...).Err(); err != nil {
				return fmt.Errorf("store: erase %s: drop service audit: %w", clientID, err)
			}
		}
		if len(msgs) < 1000 {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// Tombstones returns the erasure records in the service audit log.
func (s *Store) Tombstones(ctx context.Context) ([]store.AuditEvent, error) {
	all, err := s.ServiceAudit(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []store.AuditEvent
	for _, e := range all {
		if e.Action == ActionErased {
			out = append(out, e)
		}
	}
	return out, nil
}

// SetErasureCode stores the confirmation code of a pending erasure request;
// it expires, so an old request cannot be confirmed later by accident.
func (s *Store) SetErasureCode(ctx context.Context, clientID, code string, ttl time.Duration) error {
	b := s.Batch(clientID)
	b.op("SET", recErasure, code)
	b.op("PEXPIRE", recErasure, ttl.Milliseconds())
	if _, err := b.Commit(ctx, -1); err != nil {
		return fmt.Errorf("store: erasure request of %s: %w", clientID, err)
	}
	return nil
}

// ErasureCode returns the pending erasure confirmation code, or "".
func (s *Store) ErasureCode(ctx context.Context, clientID string) (string, error) {
	code, err := s.rdb.Get(ctx, s.clientKey(clientID, recErasure)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: erasure request of %s: %w", clientID, err)
	}
	return code, nil
}
