package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Markers are what a Messenger remembers about what it delivered: that a
// message with a delivery key went out (and where), a prompt id too long for
// a button, a client's DM channel. Their names come from delivery keys and
// prompt ids, so the Messenger hashes them; their values are sealed. A
// client's markers live in the client's key space: they are erased with the
// client, and refused from the moment an erasure begins, so a delivery that
// raced the erasure cannot leave one behind. The service's own (the huddle,
// a reply to a stranger) live beside the service's other keys.

// markerKey names a marker: in the client's key space, or the service's
// for client "".
func (s *Store) markerKey(clientID, name string) string {
	if clientID == "" {
		return s.prefix + ":" + recMark + name
	}
	return s.clientKey(clientID, recMark+name)
}

func markerSlot(clientID, name string) slot { return slot{client: clientID, record: recMark + name} }

// Markers returns the values of a client's markers ("" for the service's),
// "" for each one not set, in one round trip.
func (s *Store) Markers(ctx context.Context, clientID string, names ...string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = s.markerKey(clientID, n)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read markers: %w", err)
	}
	out := make([]string, len(names))
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		pt, err := s.keys.open(markerSlot(clientID, names[i]), []byte(raw))
		if err != nil {
			return nil, fmt.Errorf("store: marker: %w", err)
		}
		out[i] = string(pt)
	}
	return out, nil
}

// setMarkerScript writes a client's marker only while the client exists and
// is not being erased.
//
// KEYS[1] profile, KEYS[2] erasure mark, KEYS[3] the marker, KEYS[4] the
// posted set; ARGV[1] sealed value ("": no marker, only the check), ARGV[2]
// time to live in ms (0: none), ARGV[3…] sealed message references to add
// to the posted set.
// Returns 1 if written, 0 if the client is gone or going.
var setMarkerScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
if ARGV[1] ~= '' then
  if tonumber(ARGV[2]) > 0 then
    redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
  else
    redis.call('SET', KEYS[3], ARGV[1])
  end
end
if #ARGV > 2 then
  redis.call('SADD', KEYS[4], unpack(ARGV, 3))
end
return 1
`)

// SetMarker remembers a marker for a client ("" for the service) for ttl
// (0: until the client is erased); name "" writes no marker. posted are
// references to messages posted about the client outside their own DMs (a
// staff ping), kept until erasure deletes the messages (Posted). For a
// client it returns false, having written nothing, when the client no
// longer exists or is being erased: the caller should then take back
// whatever it just did for them.
func (s *Store) SetMarker(ctx context.Context, clientID, name, value string, ttl time.Duration, posted ...string) (bool, error) {
	var sealed []byte
	if name != "" {
		sealed = s.keys.seal(markerSlot(clientID, name), []byte(value), false)
	}
	if clientID == "" {
		if name == "" {
			return true, nil
		}
		if err := s.rdb.Set(ctx, s.markerKey("", name), sealed, ttl).Err(); err != nil {
			return false, fmt.Errorf("store: set marker: %w", err)
		}
		return true, nil
	}
	args := []any{sealed, ttl.Milliseconds()}
	for _, p := range posted {
		args = append(args, s.keys.seal(slot{client: clientID, record: recPosted}, []byte(p), false))
	}
	keys := []string{s.clientKey(clientID, recProfile), s.clientKey(clientID, recErasing), s.markerKey(clientID, name), s.clientKey(clientID, recPosted)}
	n, err := setMarkerScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return false, fmt.Errorf("store: set marker for %s: %w", clientID, err)
	}
	return n == 1, nil
}

// Posted returns the references to messages posted about a client outside
// their own DMs (SetMarker), for erasure to delete.
func (s *Store) Posted(ctx context.Context, clientID string) ([]string, error) {
	vals, err := s.rdb.SMembers(ctx, s.clientKey(clientID, recPosted)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: posted messages of %s: %w", clientID, err)
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		pt, err := s.keys.open(slot{client: clientID, record: recPosted}, []byte(v))
		if err != nil {
			return nil, fmt.Errorf("store: posted messages of %s: %w", clientID, err)
		}
		out = append(out, string(pt))
	}
	return out, nil
}

// Seen reports whether an event (a peer-channel message, a huddle) was
// already handled by this service (MarkSeen). Events are named by a hash, so
// the key says nothing of what happened.
func (s *Store) Seen(ctx context.Context, event string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.seenKey(eventHash(event))).Result()
	if err != nil {
		return false, fmt.Errorf("store: seen: %w", err)
	}
	return n == 1, nil
}

// MarkSeen remembers for ttl that an event was handled: long enough for
// any redelivery of it.
func (s *Store) MarkSeen(ctx context.Context, event string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.seenKey(eventHash(event)), "1", ttl).Err(); err != nil {
		return fmt.Errorf("store: mark seen: %w", err)
	}
	return nil
}

func eventHash(event string) string {
	sum := sha256.Sum256([]byte("steady event\x00" + event))
	return hex.EncodeToString(sum[:16])
}
