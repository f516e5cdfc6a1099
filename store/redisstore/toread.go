package redisstore

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// SetRecent replaces the client's recent typed messages, sealed like every
// record, expiring after ttl (Redis's clock): words kept for context must
// not outlive the few minutes they are read in. An empty list deletes them.
func (b *Batch) SetRecent(msgs []store.RecentMessage, ttl time.Duration) {
	b.recentSet = true
	if len(msgs) == 0 {
		b.recentRaw = ""
		b.op("DEL", recRecent)
		return
	}
	raw := b.encode(recRecent, "", msgs)
	b.recentRaw = string(raw)
	b.op("SET", recRecent, raw, "PX", strconv.FormatInt(max(ttl.Milliseconds(), 1), 10))
}

// decodeRecent opens a client's recent messages as stored ("": none).
func (s *Store) decodeRecent(clientID, raw string) ([]store.RecentMessage, error) {
	if raw == "" {
		return nil, nil
	}
	var out []store.RecentMessage
	if err := s.decode(clientID, recRecent, "", []byte(raw), &out); err != nil {
		return nil, fmt.Errorf("store: client %s: decode recent messages: %w", clientID, err)
	}
	return out, nil
}

// PutReadItem puts a message on the client's "to read" list, or updates it.
func (b *Batch) PutReadItem(it store.ReadItem) {
	if it.ID == "" {
		if b.err == nil {
			b.err = fmt.Errorf("store: to-read item of %s: no id", b.clientID)
		}
		return
	}
	b.op("HSET", recToRead, it.ID, b.encode(recToRead, it.ID, it))
}

// DropReadItem takes a message off the client's "to read" list (it has been read).
func (b *Batch) DropReadItem(id string) { b.op("HDEL", recToRead, id) }

// ReadItems returns a client's "to read" list, oldest first.
func (s *Store) ReadItems(ctx context.Context, clientID string) ([]store.ReadItem, error) {
	m, err := s.rdb.HGetAll(ctx, s.clientKey(clientID, recToRead)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: to-read list of %s: %w", clientID, err)
	}
	return s.openReadItems(clientID, m)
}

// ReadItemsOf returns the "to read" lists of the given clients in one round
// trip, leaving out clients with nothing to read.
func (s *Store) ReadItemsOf(ctx context.Context, clientIDs []string) (map[string][]store.ReadItem, error) {
	cmds := make([]*redis.MapStringStringCmd, len(clientIDs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range clientIDs {
			cmds[i] = p.HGetAll(ctx, s.clientKey(id, recToRead))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: to-read lists: %w", err)
	}
	out := map[string][]store.ReadItem{}
	for i, id := range clientIDs {
		if len(cmds[i].Val()) == 0 {
			continue
		}
		items, err := s.openReadItems(id, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		out[id] = items
	}
	return out, nil
}

func (s *Store) openReadItems(clientID string, m map[string]string) ([]store.ReadItem, error) {
	out := make([]store.ReadItem, 0, len(m))
	for id, raw := range m {
		var it store.ReadItem
		if err := s.decode(clientID, recToRead, id, []byte(raw), &it); err != nil {
			return nil, fmt.Errorf("store: to-read item %s of %s: %w", id, clientID, err)
		}
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		if out[i].Step != out[j].Step {
			return out[i].Step < out[j].Step
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
