package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// One replica at a time delivers a client's outbox: it holds the client's
// flush lease (recFlush), a random token with an expiry that it renews while
// it delivers and that only it can end. Two replicas flushing one outbox
// would each send its head, and a message that fails (the client's DMs are
// closed) would be tried, and reported to the worker, once per replica.
//
// The lease ends only when the outbox is empty, checked in the same script
// that removes the delivered messages: a message another replica committed
// while this one held the lease (its own flush found the lease taken and
// left it) is therefore still delivered, by the holder, without waiting for
// the next sweep.

// NewFlushToken returns a fresh lease token for one flush.
func NewFlushToken() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failed; nothing secure can run
	}
	return hex.EncodeToString(b)
}

// takeFlushScript takes a client's flush lease, or extends it for the
// replica that holds it.
//
// KEYS[1]  the client's flush lease
// ARGV[1]  token, ARGV[2] time to live (ms)
// Returns  1 if the caller holds the lease, 0 if another replica does
var takeFlushScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

// flushDeliveredScript removes delivered messages from a client's outbox by
// identity (as deliveredScript does) and ends the caller's flush lease if
// nothing is left queued.
//
// KEYS[1]  the client's outbox list, KEYS[2] their flush lease
// ARGV[1]  token; ARGV[2…] the delivered items, exactly as stored
// Returns  how many items remain in the outbox
var flushDeliveredScript = redis.NewScript(`
for i = 2, #ARGV do
  redis.call('LREM', KEYS[1], 1, ARGV[i])
end
local left = redis.call('LLEN', KEYS[1])
if left == 0 and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return left
`)

// dropFlushScript ends a flush lease if the caller still holds it.
var dropFlushScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// TakeFlush takes the client's flush lease for ttl, or extends it when
// token already holds it (KeepFlush). It reports false when another
// replica holds it: that replica delivers whatever is queued, this step's
// messages included.
func (s *Store) TakeFlush(ctx context.Context, clientID, token string, ttl time.Duration) (bool, error) {
	n, err := takeFlushScript.Run(ctx, s.rdb, []string{s.clientKey(clientID, recFlush)}, token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: take flush lease of %s: %w", clientID, err)
	}
	return n == 1, nil
}

// KeepFlush renews a held flush lease; false means it was lost (it expired
// and another replica may be delivering now).
func (s *Store) KeepFlush(ctx context.Context, clientID, token string, ttl time.Duration) (bool, error) {
	return s.TakeFlush(ctx, clientID, token, ttl)
}

// FlushDelivered removes delivered messages from the client's outbox, as
// Delivered does, and ends the flush lease held by token when the outbox is
// then empty, in the same round trip. It returns how many messages remain;
// above 0, the caller still holds the lease and goes on delivering.
func (s *Store) FlushDelivered(ctx context.Context, clientID, token string, items []OutboxItem, expectEmpty bool) (int64, error) {
	args := make([]any, 0, len(items)+1)
	args = append(args, token)
	for _, it := range items {
		args = append(args, it.stored)
	}
	keys := []string{s.clientKey(clientID, recOutbox), s.clientKey(clientID, recFlush)}
	return s.removeDelivered(ctx, clientID, flushDeliveredScript, keys, args, expectEmpty)
}

// EndFlush ends the flush lease held by token if the client's outbox is
// empty, and then drops the client from the outbox index. It returns how
// many messages are queued: above 0, the lease is kept and the caller
// delivers them.
func (s *Store) EndFlush(ctx context.Context, clientID, token string) (int64, error) {
	return s.FlushDelivered(ctx, clientID, token, nil, true)
}

// DropFlush ends the flush lease held by token whatever is queued: a flush
// that failed leaves its messages for the next one, by any replica.
func (s *Store) DropFlush(ctx context.Context, clientID, token string) error {
	if err := dropFlushScript.Run(ctx, s.rdb, []string{s.clientKey(clientID, recFlush)}, token).Err(); err != nil {
		return fmt.Errorf("store: end flush lease of %s: %w", clientID, err)
	}
	return nil
}
