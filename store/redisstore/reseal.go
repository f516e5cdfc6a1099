package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// resealScript replaces one sealed value with its re-sealed form only if the
// value is still there unchanged, so a write made meanwhile by the service is
// never overwritten with older data. A record rewritten in place gets a new
// write id with it.
//
// KEYS[1] the key; KEYS[2] the conversation hash (write ids).
// ARGV[1] type; ARGV[2] old value; ARGV[3] new value; ARGV[4] hash field or
// list index (unused otherwise); ARGV[5] write-id field ("": none); ARGV[6]
// the new write id.
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
elseif t == 'set' then
  if redis.call('SREM', KEYS[1], old) == 0 then return 0 end
  redis.call('SADD', KEYS[1], new)
else
  return redis.error_reply('reseal: unsupported type ' .. t)
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
end
return 1
`)

// rewriteStreamScript replaces an audit log with the same entries, under
// the same ids, with their fields rewritten — only if the log has not grown
// or shrunk since it was read.
//
// KEYS[1] the log; ARGV[1] its length as read; ARGV[2] its last id as read;
// then per entry: id, field count n, n fields and values.
// Returns 1 if rewritten, 0 if the log had changed.
var rewriteStreamScript = redis.NewScript(`
if redis.call('XLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 or last[1][1] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
local i = 3
while i <= #ARGV do
  local id, n = ARGV[i], tonumber(ARGV[i+1])
  local f = {}
  for j = 1, n do f[j] = ARGV[i+1+j] end
  redis.call('XADD', KEYS[1], id, unpack(f))
  i = i + 2 + n
end
return 1
`)

// renameIncidentScript moves an incident to a new id if it is still as read.
// KEYS[1] the incidents hash; ARGV[1] old id, ARGV[2] its value as read,
// ARGV[3] new id, ARGV[4] new value. Returns 1 if moved.
var renameIncidentScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
return 1
`)

// ResealReport says what Reseal did.
type ResealReport struct {
	Values   int // sealed values found
	Resealed int // of those, re-sealed under the newest key and bound to their slot
	Sealed   int // values earlier versions kept in the clear (audit details, staff names), now sealed
	Skipped  int // changed by the service while being re-sealed (run it again)
	Dropped  int // keys only earlier versions wrote (an index naming rules), deleted
	// Renamed closed incidents had ids naming client, rule and date (earlier
	// versions); they now have opaque ones. Open ones keep theirs (their
	// buttons and timers name them) until closed: LegacyOpen, for a later run.
	Renamed, LegacyOpen int
}

// Reseal re-encrypts every value still sealed under an older key, or in an
// earlier format, with the newest key bound to its slot, so the older key
// can then be dropped from STEADY_ENCRYPTION_KEYS. It also seals what
// earlier versions kept in the clear (audit entries' details, staff names)
// and deletes keys only they wrote. It is safe to run while the service is
// up and to run again: each value is replaced only if it has not changed
// meanwhile.
func (s *Store) Reseal(ctx context.Context) (ResealReport, error) {
	var rep ResealReport
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.prefix)+":{c:*}:*", 500).Iterator()
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
	if err := s.resealWorkers(ctx, &rep); err != nil {
		return rep, err
	}
	if err := s.resealMarkers(ctx, &rep); err != nil {
		return rep, err
	}
	if err := s.resealAudit(ctx, "", s.auditKey(), &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// resealed is one value to re-seal: as stored, where it sits.
type resealed struct {
	val, at string // at: hash field or list index
	sl      slot
}

func (s *Store) resealKey(ctx context.Context, key, clientID, record string, rep *ResealReport) (err error) {
	spec, known := recordOf(record)
	if !known {
		return nil // not Steady's, or a newer version's: left alone
	}
	if spec.obsolete {
		if err := s.rdb.Del(ctx, key).Err(); err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		rep.Dropped++
		return nil
	}
	if spec.layout == asStream {
		return s.resealAudit(ctx, clientID, key, rep)
	}
	if !spec.sealed {
		return nil
	}
	typ, err := s.rdb.Type(ctx, key).Result()
	if err != nil {
		return fmt.Errorf("store: reseal %s: %w", key, err)
	}
	base := slot{client: clientID, record: record}
	var items []resealed
	switch typ {
	case "string":
		v, err := s.rdb.Get(ctx, key).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		sl := base
		if spec.writeID != "" {
			sl.version, _ = s.rdb.HGet(ctx, s.clientKey(clientID, recConv), spec.writeID).Result()
		}
		items = append(items, resealed{val: v, sl: sl})
	case "hash":
		m, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		if spec.layout == asConv {
			if m["data"] != "" {
				sl := base
				sl.version = m[spec.writeID]
				items = append(items, resealed{val: m["data"], at: "data", sl: sl})
			}
			break
		}
		for f, v := range m {
			sl := base
			sl.field = f
			items = append(items, resealed{val: v, at: f, sl: sl})
		}
	case "zset":
		zs, err := s.rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		for _, z := range zs {
			sl := base
			sl.field = scoreField(z.Score)
			v, _ := z.Member.(string)
			items = append(items, resealed{val: v, sl: sl})
		}
	case "list", "set":
		var vs []string
		if typ == "list" {
			vs, err = s.rdb.LRange(ctx, key, 0, -1).Result()
		} else {
			vs, err = s.rdb.SMembers(ctx, key).Result()
		}
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		for i, v := range vs {
			items = append(items, resealed{val: v, at: strconv.Itoa(i), sl: base})
		}
	default:
		return nil
	}
	if record == recIncidents {
		defer func() {
			if err == nil {
				err = s.renameLegacyIncidents(ctx, key, clientID, rep)
			}
		}()
	}
	for _, it := range items {
		raw := []byte(it.val)
		if !isSealed(raw) {
			continue
		}
		rep.Values++
		if s.keys.current(raw) {
			continue
		}
		pt, err := s.keys.open(it.sl, raw)
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		sl, idField := it.sl, ""
		if spec.writeID != "" {
			sl.version, idField = newWriteID(), spec.writeID
		}
		n, err := resealScript.Run(ctx, s.rdb, []string{key, s.clientKey(clientID, recConv)},
			typ, it.val, s.keys.seal(sl, pt, spec.compact), it.at, idField, sl.version).Int()
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

// renameLegacyIncidents gives closed incidents opaque ids in place of the
// readable ones earlier versions made, indexing them for their client.
func (s *Store) renameLegacyIncidents(ctx context.Context, key, clientID string, rep *ResealReport) error {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return fmt.Errorf("store: rename incidents of %s: %w", clientID, err)
	}
	for old, raw := range m {
		if !legacyIncidentID(old) {
			continue
		}
		var in store.Incident
		if err := s.decode(clientID, recIncidents, old, []byte(raw), &in); err != nil {
			return fmt.Errorf("store: rename incident of %s: %w", clientID, err)
		}
		if !in.Closed() {
			rep.LegacyOpen++
			continue
		}
		in.ID = NewIncidentID()
		sealed, err := s.sealJSON(slot{client: clientID, record: recIncidents, field: in.ID}, in)
		if err != nil {
			return fmt.Errorf("store: rename incident of %s: %w", clientID, err)
		}
		if err := s.rdb.HSet(ctx, s.incidentsKey(), in.ID, clientID).Err(); err != nil {
			return fmt.Errorf("store: rename incident of %s: %w", clientID, err)
		}
		n, err := renameIncidentScript.Run(ctx, s.rdb, []string{key}, old, raw, in.ID, sealed).Int()
		if err != nil {
			return fmt.Errorf("store: rename incident of %s: %w", clientID, err)
		}
		if n == 1 {
			rep.Renamed++
		} else {
			s.rdb.HDel(ctx, s.incidentsKey(), in.ID)
			rep.Skipped++
		}
	}
	return nil
}

// resealWorkers seals staff records earlier versions kept as plain JSON,
// and re-seals the others under the newest key.
func (s *Store) resealWorkers(ctx context.Context, rep *ResealReport) error {
	m, err := s.rdb.HGetAll(ctx, s.workersKey()).Result()
	if err != nil {
		return fmt.Errorf("store: reseal workers: %w", err)
	}
	for id, v := range m {
		raw := []byte(v)
		if isSealed(raw) {
			rep.Values++
			if s.keys.current(raw) {
				continue
			}
		}
		var w store.Worker
		if err := s.decodeWorker(id, raw, &w); err != nil {
			return err
		}
		sealed, err := s.sealJSON(slot{record: svcWorkers, field: id}, w)
		if err != nil {
			return fmt.Errorf("store: reseal worker %s: %w", id, err)
		}
		n, err := resealScript.Run(ctx, s.rdb, []string{s.workersKey(), s.workersKey()}, "hash", v, sealed, id, "", "").Int()
		if err != nil {
			return fmt.Errorf("store: reseal worker %s: %w", id, err)
		}
		switch {
		case n == 0:
			rep.Skipped++
		case isSealed(raw):
			rep.Resealed++
		default:
			rep.Sealed++
		}
	}
	return nil
}

// resealMarkers re-seals the service's own markers (a client's are in
// their key space) under the newest key.
func (s *Store) resealMarkers(ctx context.Context, rep *ResealReport) error {
	iter := s.rdb.Scan(ctx, 0, escapeGlob(s.markerKey("", ""))+"*", 500).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		name := key[len(s.markerKey("", "")):]
		v, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		raw := []byte(v)
		if !isSealed(raw) {
			continue
		}
		rep.Values++
		if s.keys.current(raw) {
			continue
		}
		pt, err := s.keys.open(markerSlot("", name), raw)
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		n, err := resealScript.Run(ctx, s.rdb, []string{key, key}, "string", v, s.keys.seal(markerSlot("", name), pt, false), "", "", "").Int()
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		if n == 1 {
			rep.Resealed++
		} else {
			rep.Skipped++
		}
	}
	return iter.Err()
}

// resealAudit rewrites an audit log whose entries hold details in the clear
// (written by earlier versions) or sealed under an older key: every entry
// keeps its id, when, who and what, and its details are sealed afresh.
func (s *Store) resealAudit(ctx context.Context, client, key string, rep *ResealReport) error {
	msgs, err := s.rdb.XRange(ctx, key, "-", "+").Result()
	if err != nil {
		return fmt.Errorf("store: reseal %s: %w", key, err)
	}
	if len(msgs) == 0 {
		return nil
	}
	args := []any{len(msgs), msgs[len(msgs)-1].ID}
	changed, sealedNow, resealedNow := false, 0, 0
	for _, m := range msgs {
		sealed, _ := m.Values["s"].(string)
		clear := false
		for _, k := range []string{"incident", "rule", "reason"} {
			if _, ok := m.Values[k]; ok {
				clear = true
			}
		}
		if _, ok := m.Values["client"]; ok && client != "" {
			clear = true // a client's log names them in its key
		}
		if sealed != "" {
			rep.Values++
		}
		stale := sealed != "" && !s.keys.current([]byte(sealed))
		e, err := s.auditEvent(client, m.ID, m.Values)
		if err != nil {
			return fmt.Errorf("store: reseal %s: %w", key, err)
		}
		f := anyFields(m.Values)
		if clear || stale {
			if f, err = s.auditFields(client, e); err != nil {
				return fmt.Errorf("store: reseal %s: %w", key, err)
			}
			changed = true
			if clear {
				sealedNow++
			} else {
				resealedNow++
			}
		}
		args = append(args, m.ID, len(f))
		args = append(args, f...)
	}
	if !changed {
		return nil
	}
	n, err := rewriteStreamScript.Run(ctx, s.rdb, []string{key}, args...).Int()
	if err != nil {
		return fmt.Errorf("store: reseal %s: %w", key, err)
	}
	if n == 0 {
		rep.Skipped++
		return nil
	}
	rep.Sealed += sealedNow
	rep.Resealed += resealedNow
	return nil
}

// anyFields is a stream entry's fields as XADD takes them again.
func anyFields(v map[string]any) []any {
	out := make([]any, 0, 2*len(v))
	for _, k := range []string{"at", "actor", "action", "client", "s"} {
		if x, ok := v[k]; ok {
			out = append(out, k, x)
		}
	}
	return out
}
