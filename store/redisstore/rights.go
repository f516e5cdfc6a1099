package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// Client data rights: export everything held about a client, and erase it.
// Both walk the client's key space rather than a list of record kinds, so a
// record added later is exported and erased without anyone remembering to.

// notExported are records that are machinery, not data about the client.
var notExported = map[string]bool{recErasure: true, recFlush: true}

// ExportClient returns every record held about a client, decrypted, keyed by
// record name: sealed values as their JSON, other values as text, the audit
// log as events. The conversation's version counter is left out.
func (s *Store) ExportClient(ctx context.Context, clientID string) (map[string]any, error) {
	out := map[string]any{}
	keys, err := s.clientKeys(ctx, clientID)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		_, record, _ := s.splitClientKey(key)
		if notExported[record] {
			continue
		}
		v, err := s.exportKey(ctx, clientID, record, key)
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
func (s *Store) exported(clientID, record, raw string) (any, error) {
	if !isSealed([]byte(raw)) {
		return raw, nil
	}
	pt, err := s.keys.open(aadFor(clientID, record), []byte(raw))
	if err != nil {
		return nil, err
	}
	if json.Valid(pt) {
		return json.RawMessage(pt), nil
	}
	return string(pt), nil
}

func (s *Store) exportKey(ctx context.Context, clientID, record, key string) (any, error) {
	typ, err := s.rdb.Type(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	switch typ {
	case "string":
		raw, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return s.exported(clientID, record, raw)
	case "hash":
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		if record == recConv {
			if m["data"] == "" {
				return nil, nil // no conversation open
			}
			return s.exported(clientID, record, m["data"])
		}
		fields := map[string]any{}
		for f, raw := range m {
			v, err := s.exported(clientID, record, raw)
			if err != nil {
				return nil, err
			}
			fields[f] = v
		}
		return fields, nil
	case "zset", "list", "set":
		var vals []string
		switch typ {
		case "zset":
			vals, err = s.rdb.ZRange(ctx, key, 0, -1).Result()
		case "list":
			vals, err = s.rdb.LRange(ctx, key, 0, -1).Result()
		default:
			vals, err = s.rdb.SMembers(ctx, key).Result()
			sort.Strings(vals)
		}
		if err != nil {
			return nil, err
		}
		items := make([]any, 0, len(vals))
		for _, raw := range vals {
			v, err := s.exported(clientID, record, raw)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case "stream":
		return s.readAudit(ctx, key, "")
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

func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// Tombstone actions in the service audit log: the only trace an erased client leaves.
const (
	ActionErased = "client.erased"
)

// EraseClient deletes everything held about a client: every record in their
// key space, their entries in the service-wide indexes (Discord user, client
// list, outbox list) and every service audit entry naming them. It then
// appends one tombstone to the service audit log: when, by whom, why (a
// fixed reason such as "client request" or "retention period ended"), and
// the client id, so an erasure can be shown to have happened. Nothing else
// of the client remains. It is safe to run again after a partial failure.
func (s *Store) EraseClient(ctx context.Context, clientID, by, reason string, at time.Time) error {
	keys, err := s.clientKeys(ctx, clientID)
	if err != nil {
		return err
	}
	// All of a client's keys share one slot, so one DEL removes them together.
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := s.rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("store: erase %s: %w", clientID, err)
		}
		keys = keys[n:]
	}
	var users []string
	iter := s.rdb.HScan(ctx, s.usersKey(), 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		user := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		if iter.Val() == clientID {
			users = append(users, user)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("store: erase %s: scan users: %w", clientID, err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(users) > 0 {
			p.HDel(ctx, s.usersKey(), users...)
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
	return s.AppendServiceAudit(ctx, store.AuditEvent{At: at, ClientID: clientID, Actor: by, Action: ActionErased, Reason: reason})
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
	if err := s.rdb.Set(ctx, s.clientKey(clientID, recErasure), code, ttl).Err(); err != nil {
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
