package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// commitScript applies one step's writes to one client's records atomically,
// and only if the client is still as the step read them.
//
// KEYS[1]  the client's conversation hash (fields v, data)
// KEYS[2…] every other key an operation names, all in the same client's slot
// ARGV[1]  expected conversation version ("-" skips the check)
// ARGV[2]  "keep" leaves the conversation alone; "set" stores ARGV[3] as its data
//
//	("" closes the flow) and bumps the version; "touch" only bumps the version
//
// ARGV[3]  conversation JSON for "set"
// ARGV[4]  index into KEYS of the client's outbox list, or 0 when the step
//
//	queues nothing
//
// ARGV[5]  expected digest of the profile and adjustments as the step read
//
//	them ("" skips the check): sha1 of the profile, then the sum mod 2^32,
//	word by word, of sha1(#field ":" field value) over the adjustments, 5
//	words of 8 hex digits (stateDigest in store.go computes the same; plain
//	arithmetic, as the bit library is not in every Redis's Lua)
//
// ARGV[6]  index into KEYS of the profile, ARGV[7] of the adjustments hash
//
//	(both 0 when ARGV[5] is "")
//
// ARGV[8]  number of operations n, then n times: command, key index (into KEYS),
//
//	argument count m, then m arguments
//
// Returns  {version, outbox length}: the conversation version after the
//
//	commit and the outbox's length after it (0 when ARGV[4] is 0), or
//	{-1, 0} when the version or the digest did not match (nothing was
//	written). An outbox as long as what the step queued held nothing
//	older, so the caller may deliver the step's messages from memory.
//
// Only the commands in allowed may run, so a caller's mistake cannot turn this
// into a general-purpose eval.
var commitScript = redis.NewScript(`
local allowed = {SET=true, DEL=true, HSET=true, HDEL=true, ZADD=true, ZREM=true,
  ZREMRANGEBYSCORE=true, XADD=true, SADD=true, SREM=true, PEXPIRE=true, HINCRBY=true,
  RPUSH=true}
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[1] ~= '-' and tonumber(ARGV[1]) ~= v then
  return {-1, 0}
end
if ARGV[5] ~= '' then
  local profile = redis.call('GET', KEYS[tonumber(ARGV[6])])
  if not profile then
    return {-1, 0}
  end
  local acc = {0, 0, 0, 0, 0}
  local adj = redis.call('HGETALL', KEYS[tonumber(ARGV[7])])
  for i = 1, #adj, 2 do
    local h = redis.sha1hex(#adj[i] .. ':' .. adj[i] .. adj[i+1])
    for j = 1, 5 do
      acc[j] = (acc[j] + tonumber(string.sub(h, j*8-7, j*8), 16)) % 4294967296
    end
  end
  local digest = redis.sha1hex(profile)
  for j = 1, 5 do digest = digest .. string.format('%08x', acc[j]) end
  if digest ~= ARGV[5] then
    return {-1, 0}
  end
end
if ARGV[2] == 'set' then
  v = v + 1
  redis.call('HSET', KEYS[1], 'v', v, 'data', ARGV[3])
elseif ARGV[2] == 'touch' then
  v = v + 1
  redis.call('HSET', KEYS[1], 'v', v)
end
local i = 9
for _ = 1, tonumber(ARGV[8]) do
  local cmd, key, m = ARGV[i], KEYS[tonumber(ARGV[i+1])], tonumber(ARGV[i+2])
  if not allowed[cmd] then
    return redis.error_reply('commit: command not allowed: ' .. cmd)
  end
  local args = {}
  for j = 1, m do args[j] = ARGV[i+2+j] end
  redis.call(cmd, key, unpack(args))
  i = i + 3 + m
end
local outbox = tonumber(ARGV[4])
if outbox > 0 then
  return {v, redis.call('LLEN', KEYS[outbox])}
end
return {v, 0}
`)

// Batch collects one step's writes to one client, committed together.
type Batch struct {
	s        *Store
	clientID string
	convMode string
	convData string
	keys     []string
	keyIndex map[string]int
	ops      []any
	nops     int
	queued   []OutboxItem
	head     bool // after Commit: queued was all of the outbox
	guard    string
	stateful bool // an operation writes the profile or the adjustments
	// recentSet says the batch replaces the recent messages with recentRaw
	// (as stored; "" deletes them).
	recentSet bool
	recentRaw string
	err       error
}

// Batch starts a set of writes to one client's records.
func (s *Store) Batch(clientID string) *Batch {
	b := &Batch{s: s, clientID: clientID, convMode: "keep", keyIndex: map[string]int{}}
	b.key(recConv)
	return b
}

func (b *Batch) key(record string) int {
	k := b.s.clientKey(b.clientID, record)
	if i, ok := b.keyIndex[k]; ok {
		return i
	}
	b.keys = append(b.keys, k)
	b.keyIndex[k] = len(b.keys)
	return len(b.keys)
}

func (b *Batch) op(cmd, record string, args ...any) {
	if record == recProfile || record == recAdjust {
		b.stateful = true
	}
	b.ops = append(b.ops, cmd, b.key(record), len(args))
	b.ops = append(b.ops, args...)
	b.nops++
}

// encode seals v as one of the client's records (see seal.go): every value
// written through a Batch is encrypted, bound to the client and record, so
// free text and health answers never sit in Redis as plaintext. Read it back
// with Store.decode and the same record name.
func (b *Batch) encode(record string, v any) []byte {
	data, err := b.s.sealJSON(b.clientID, record, v)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: encode %s: %w", record, err)
	}
	return data
}

// SetConversation stores the client's open flow.
func (b *Batch) SetConversation(c store.Conversation) {
	c.Version = 0 // the version lives beside the data, owned by the script
	b.convMode, b.convData = "set", string(b.encode(recConv, c))
}

// Touch bumps the conversation version without changing the conversation,
// so a write that does not touch the flow (a worker editing the plan) still
// conflicts with, and is retried after, any concurrent step for the client:
// neither can overwrite the profile the other just wrote.
func (b *Batch) Touch() {
	if b.convMode == "keep" {
		b.convMode = "touch"
	}
}

// CloseConversation ends the client's open flow.
func (b *Batch) CloseConversation() { b.convMode, b.convData = "set", "" }

// PutClient replaces the client's profile.
// Profiles are read whole and written whole, so the write bumps the
// conversation version (Touch): two concurrent edits cannot both win.
func (b *Batch) PutClient(c store.Client) {
	b.Touch()
	b.op("SET", recProfile, b.encode(recProfile, c))
}

// PutSleep stores a night, replacing any earlier log of the same night.
func (b *Batch) PutSleep(e store.SleepEntry) {
	day, err := dayNumber(e.Night)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("store: sleep entry night %q: %w", e.Night, err)
	}
	d := strconv.FormatInt(day, 10)
	b.op("ZREMRANGEBYSCORE", recSleep, d, d)
	b.op("ZADD", recSleep, d, b.encode(recSleep, e))
}

// PutIncident stores an incident and keeps the rule's open-incident pointer in step.
func (b *Batch) PutIncident(in store.Incident) {
	b.op("HSET", recIncidents, in.ID, b.encode(recIncidents, in))
	if in.Closed() {
		b.op("HDEL", recOpen, in.Rule)
	} else {
		b.op("HSET", recOpen, in.Rule, in.ID)
	}
}

// Audit appends a decision to the client's audit log.
func (b *Batch) Audit(e store.AuditEvent) {
	e.ClientID = b.clientID
	b.op("XADD", recAudit, append([]any{"*"}, auditFields(e)...)...)
}

// Enqueue adds a message to the client's outbox, to be delivered after the
// commit. Committing it with the step means a crash cannot lose it.
func (b *Batch) Enqueue(item []byte) {
	// Messages carry plan text and figures, so they are sealed like records.
	sealed := b.s.keys.seal(aadFor(b.clientID, recOutbox), item, false)
	b.op("RPUSH", recOutbox, sealed)
	b.queued = append(b.queued, OutboxItem{Data: item, stored: string(sealed)})
}

// Queued returns the messages the committed batch queued, and whether they
// were the whole outbox at the commit: nothing older waits before them, so
// the caller may deliver them from memory (in order) instead of reading the
// outbox back, and then remove them with Store.Delivered. When it is false
// the caller flushes the outbox from Redis, older messages first.
func (b *Batch) Queued() ([]OutboxItem, bool) { return b.queued, b.head }

// Guard makes the commit also require the client's profile and adjustments
// to be exactly as st read them (the conversation's version is Commit's
// own check): a step decided on a remembered Snapshot that has since gone
// stale conflicts instead of writing.
func (b *Batch) Guard(st State) { b.guard = st.snap.digest }

// Next returns the client's state as Redis holds it right after this batch
// committed at version, for the next step to start from without a read, or
// false when the batch rewrote what it cannot know in stored form (the
// profile or the adjustments).
func (b *Batch) Next(st State, version int64) (Snapshot, bool) {
	if b.stateful || st.snap.digest == "" {
		return Snapshot{}, false
	}
	next := st.snap
	next.convV = version
	if b.convMode == "set" {
		next.convData = b.convData
	}
	if b.recentSet {
		next.recent = b.recentRaw
	}
	return next, true
}

// Commit writes everything if the conversation is still at expectVersion
// (-1: do not check). It returns the new conversation version, or ErrConflict.
func (b *Batch) Commit(ctx context.Context, expectVersion int64) (int64, error) {
	if b.err != nil {
		return 0, b.err
	}
	expect := "-"
	if expectVersion >= 0 {
		expect = strconv.FormatInt(expectVersion, 10)
	}
	outbox := 0
	if len(b.queued) > 0 {
		outbox = b.keyIndex[b.s.clientKey(b.clientID, recOutbox)]
	}
	profile, adjustments := 0, 0
	if b.guard != "" {
		profile, adjustments = b.key(recProfile), b.key(recAdjust)
	}
	args := append([]any{expect, b.convMode, b.convData, outbox, b.guard, profile, adjustments, b.nops}, b.ops...)
	var index func(redis.Pipeliner)
	if len(b.queued) > 0 {
		// The outbox index lives outside the client's Cluster slot, so it
		// cannot be written by the script; it is sent ahead of the script in
		// the same round trip. On one Redis, commands on a connection run in
		// order: whenever the messages are in, so is the index entry. A
		// failed index write is retried before the commit is reported.
		index = func(p redis.Pipeliner) { p.SAdd(ctx, b.s.outboxesKey(), b.clientID) }
	}
	res, indexErr, err := b.s.runScript(ctx, commitScript, b.keys, args, index)
	if err != nil {
		return 0, fmt.Errorf("store: commit for client %s: %w", b.clientID, err)
	}
	vals, err := res.Int64Slice()
	if err != nil || len(vals) != 2 {
		return 0, fmt.Errorf("store: commit for client %s: unexpected reply %v: %w", b.clientID, vals, err)
	}
	if vals[0] < 0 {
		return 0, ErrConflict
	}
	if indexErr != nil {
		if err := b.s.rdb.SAdd(ctx, b.s.outboxesKey(), b.clientID).Err(); err != nil {
			return 0, fmt.Errorf("store: index outbox of %s: %w", b.clientID, errors.Join(indexErr, err))
		}
	}
	b.head = len(b.queued) > 0 && vals[1] == int64(len(b.queued))
	return vals[0], nil
}

// runScript runs a script by its SHA, with first's commands (when not nil)
// ahead of it in the same round trip. It returns the script's reply, the
// first error among first's commands, and the script's error. A Redis that
// has forgotten the script (a restart) is sent its body once.
func (s *Store) runScript(ctx context.Context, sc *redis.Script, keys []string, args []any, first func(redis.Pipeliner)) (reply *redis.Cmd, firstErr, scriptErr error) {
	if first == nil {
		res := sc.Run(ctx, s.rdb, keys, args...)
		return res, nil, res.Err()
	}
	var res *redis.Cmd
	cmds, _ := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		first(p)
		res = sc.EvalSha(ctx, p, keys, args...)
		return nil
	})
	for _, c := range cmds[:len(cmds)-1] {
		if err := c.Err(); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if err := res.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		res = sc.Eval(ctx, s.rdb, keys, args...)
	}
	return res, firstErr, res.Err()
}

// IsConflict reports whether err is a concurrent-change conflict.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }
