package scheduler

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// forgetScript removes the listed members and fields from every scheduler
// key at once, so a claim running meanwhile sees all of a client's entries
// or none.
//
// ARGV: pairs of (key index 1–6, member or field).
var forgetScript = redis.NewScript(`
for i = 1, #ARGV, 2 do
  local k = KEYS[tonumber(ARGV[i])]
  local t = redis.call('TYPE', k)['ok']
  if t == 'zset' then redis.call('ZREM', k, ARGV[i+1])
  elseif t == 'hash' then redis.call('HDEL', k, ARGV[i+1]) end
end
return #ARGV / 2
`)

// Forget removes everything the scheduler holds about a client: their
// series, pending and in-flight occurrences, and the record of fired ones
// (whose ids name the client). Erasure calls it so that nothing of an erased
// client is left in Redis. An occurrence being handled at that moment
// finishes, and finds the client gone.
func (s *Scheduler) Forget(ctx context.Context, client string) (int, error) {
	match := escapeGlob(client) + "|*"
	var args []any
	for i, key := range s.keys {
		typ, err := s.rdb.Type(ctx, key).Result()
		if err != nil {
			return 0, fmt.Errorf("scheduler: forget: %w", err)
		}
		var iter *redis.ScanIterator
		switch typ {
		case "zset":
			iter = s.rdb.ZScan(ctx, key, 0, match, 1000).Iterator()
		case "hash":
			iter = s.rdb.HScan(ctx, key, 0, match, 1000).Iterator()
		default:
			continue // not created yet
		}
		for iter.Next(ctx) {
			args = append(args, i+1, iter.Val())
			iter.Next(ctx) // skip the score or value
		}
		if err := iter.Err(); err != nil {
			return 0, fmt.Errorf("scheduler: forget: %w", err)
		}
	}
	n := 0
	for len(args) > 0 {
		chunk := args[:min(len(args), 2*maxBatch)]
		args = args[len(chunk):]
		m, err := forgetScript.Run(ctx, s.rdb, s.keys, chunk...).Int()
		if err != nil {
			return n, fmt.Errorf("scheduler: forget %s: %w", client, err)
		}
		n += m
	}
	return n, nil
}
