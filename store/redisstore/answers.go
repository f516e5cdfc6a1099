package redisstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// Check-ins and debriefs are kept by id (one per prompt, so answering again
// replaces rather than duplicates) with a by-date index for range reads.

// PutCheckIn stores a weekly check-in, replacing any earlier one with its id.
func (b *Batch) PutCheckIn(c store.CheckIn) {
	b.putDated("check-in", recCheckIns, recCheckDays, c.ID, c.Date, c)
}

// PutDebrief stores a post-shift debrief, replacing any earlier one with its id.
func (b *Batch) PutDebrief(d store.Debrief) {
	b.putDated("debrief", recDebriefs, recDebrDays, d.ID, d.Date, d)
}

func (b *Batch) putDated(what, hash, days, id, date string, v any) {
	day, err := dayNumber(date)
	if err == nil && id == "" {
		err = fmt.Errorf("no id")
	}
	if err != nil {
		if b.err == nil {
			b.err = fmt.Errorf("store: %s %q dated %q: %w", what, id, date, err)
		}
		return
	}
	b.op("HSET", hash, id, b.encode(hash, id, v))
	b.op("ZADD", days, strconv.FormatInt(day, 10), id)
}

// CheckIns returns a client's check-ins dated from..to (local dates,
// inclusive; to "" means no end), oldest first.
func (s *Store) CheckIns(ctx context.Context, clientID, from, to string) ([]store.CheckIn, error) {
	return readDated[store.CheckIn](ctx, s, clientID, recCheckIns, recCheckDays, from, to, "check-ins")
}

// Debriefs returns a client's debriefs for shifts dated from..to (local
// dates, inclusive; to "" means no end), oldest first.
func (s *Store) Debriefs(ctx context.Context, clientID, from, to string) ([]store.Debrief, error) {
	return readDated[store.Debrief](ctx, s, clientID, recDebriefs, recDebrDays, from, to, "debriefs")
}

// readDated reads one kind of dated record (see putDated), decoded and
// opened, oldest first.
func readDated[T any](ctx context.Context, s *Store, clientID, hash, days, from, to, what string) ([]T, error) {
	var out []T
	err := s.dated(ctx, clientID, hash, days, from, to, func(id, raw string) error {
		var v T
		if err := s.decode(clientID, hash, id, []byte(raw), &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s of %s: %w", what, clientID, err)
	}
	return out, nil
}

func (s *Store) dated(ctx context.Context, clientID, hash, days, from, to string, each func(id, raw string) error) error {
	lo, err := dayNumber(from)
	if err != nil {
		return fmt.Errorf("from date %q: %w", from, err)
	}
	hi := "+inf"
	if to != "" {
		d, err := dayNumber(to)
		if err != nil {
			return fmt.Errorf("to date %q: %w", to, err)
		}
		hi = strconv.FormatInt(d, 10)
	}
	ids, err := s.rdb.ZRangeByScore(ctx, s.clientKey(clientID, days), &redis.ZRangeBy{
		Min: strconv.FormatInt(lo, 10), Max: hi,
	}).Result()
	if err != nil || len(ids) == 0 {
		return err
	}
	vals, err := s.rdb.HMGet(ctx, s.clientKey(clientID, hash), ids...).Result()
	if err != nil {
		return err
	}
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue // an index entry whose record was erased
		}
		if err := each(ids[i], raw); err != nil {
			return fmt.Errorf("decode %s: %w", ids[i], err)
		}
	}
	return nil
}
