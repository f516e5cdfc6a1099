package redisstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// resealScript replaces one sealed value with its re-sealed form only if the
// value is still there unchanged, so a write made meanwhile by the service is
// never overwritten with older data.
//
// KEYS[1] the key; ARGV[1] type; ARGV[2] old value; ARGV[3] new value;
// ARGV[4] hash field or list index (unused for strings and sorted sets).
// Returns 1 if replaced, 0 if the value had changed.
var resealScript = redis.NewScript(`
local t, old, new, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if t == 'string' then
  if redis.call('GET', KEYS[1]) ~= old then return 0 end
  redis.call('SET', KEYS[1], new, 'KEEPTTL')
elseif t == 'hash' then
  if redis.call('HGET', KEYS[1], at) ~= old then return 0 end
  redis.call('HSET', KEYS[1], at, new)
elseif t == 'zset' then
  local score = redis.call('ZSCORE', KEYS[1], old)
  if not score then return 0 end
  redis.call('ZREM', KEYS[1], old)
  redis.call('ZADD', KEYS[1], score, new)
elseif t == 'list' then
  if redis.call('LINDEX', KEYS[1], tonumber(at)) ~= old then return 0 end
  redis.call('LSET', KEYS[1], tonumber(at), new)
else
  return redis.error_reply('reseal: unsupported type ' .. t)
end
return 1
`)

// ResealReport says what Reseal did.
type ResealReport struct {
	Values   int // sealed values found
	Resealed int // of those, re-sealed under the newest key
	Skipped  int // changed by the service while being re-sealed (already under the newest key)
}

// Reseal re-encrypts every client record still sealed under an older key
// with the newest one, so the older key can then be dropped from
// STEADY_ENCRYPTION_KEYS. It is safe to run while the service is up and to
// run again: each value is replaced only if it has not changed meanwhile.
func (s *Store) Reseal(ctx context.Context) (ResealReport, error) {
	var rep ResealReport
	iter := s.rdb.Scan(ctx, 0, s.prefix+":{c:*}:*", 500).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		clientID, record, ok := s.splitClientKey(key)
		if !ok {
			continue
		}
		if err := s.resealKey(ctx, key, clientID, record, &rep); err != nil {
			return rep, err
		}
	}
	if err := iter.Err(); err != nil {
		return rep, fmt.Errorf("store: reseal: scan: %w", err)
	}
	return rep, nil
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

func (s *Store) resealKey(ctx context.Context, key, clientID, record string, rep *ResealReport) error {
	typ, err := s.rdb.Type(ctx, key).Result()
	if err != nil {
		return fmt.Errorf("store: reseal %s: %w", key, err)
	}
	type item struct{ val, at string }
	var items []item
	switch typ {
	case "string":
		v, err := s.rdb.Get(ctx, key).Result()
		if err != nil && err != redis.Nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		items = append(items, item{val: v})
	case "hash":
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		for f, v := range m {
			items = append(items, item{val: v, at: f})
		}
	case "zset":
		vs, err := s.rdb.ZRange(ctx, key, 0, -1).Result()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		for _, v := range vs {
			items = append(items, item{val: v})
		}
	case "list":
		vs, err := s.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		for i, v := range vs {
			items = append(items, item{val: v, at: fmt.Sprint(i)})
		}
	default:
		return nil // streams and sets hold no sealed values
	}
	aad := aadFor(clientID, record)
	for _, it := range items {
		raw := []byte(it.val)
		if !isSealed(raw) {
			continue
		}
		rep.Values++
		if s.keys.current(raw) {
			continue
		}
		pt, err := s.keys.open(aad, raw)
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		n, err := resealScript.Run(ctx, s.rdb, []string{key}, typ, it.val, s.keys.seal(aad, pt, compactRecord(record)), it.at).Int()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		if n == 1 {
			rep.Resealed++
		} else {
			rep.Skipped++
		}
	}
	return nil
}
