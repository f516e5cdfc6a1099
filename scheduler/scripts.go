package scheduler

import "github.com/redis/go-redis/v9"

// All scheduler keys share the {sched} hash tag, so every script below touches
// one Cluster slot.

// addScript stores an occurrence unless it has already fired or is in flight.
// For a series it also replaces the series' pending occurrence, so an edited
// schedule leaves no stale occurrence behind.
//
// KEYS[1] due     sorted set: id → due (unix ms)
// KEYS[2] occ     hash: id → occurrence JSON
// KEYS[3] done    sorted set: one-off id → fired at (unix ms)
// KEYS[4] mark    hash: series → civil time of its latest fired occurrence
// KEYS[5] pending hash: series → id of its pending occurrence
// KEYS[6] lease   sorted set: id → lease deadline (unix ms)
// ARGV[1] id, ARGV[2] due (unix ms), ARGV[3] occurrence JSON,
// ARGV[4] series ("" for a one-off), ARGV[5] civil time (CivilLayout)
// Returns 1 when stored, 0 when refused (fired already, or in flight).
var addScript = redis.NewScript(`
local id, series = ARGV[1], ARGV[4]
if redis.call('ZSCORE', KEYS[6], id) then return 0 end
if series == '' then
  if redis.call('ZSCORE', KEYS[3], id) then return 0 end
else
  local mark = redis.call('HGET', KEYS[4], series)
  if mark and ARGV[5] <= mark then return 0 end
  local old = redis.call('HGET', KEYS[5], series)
  if old and old ~= id and not redis.call('ZSCORE', KEYS[6], old) then
    redis.call('ZREM', KEYS[1], old)
    redis.call('HDEL', KEYS[2], old)
  end
  redis.call('HSET', KEYS[5], series, id)
end
redis.call('ZADD', KEYS[1], ARGV[2], id)
redis.call('HSET', KEYS[2], id, ARGV[3])
return 1
`)

// claimScript moves up to ARGV[3] due occurrences into the lease set under a
// fresh token, so exactly one caller holds each.
//
// KEYS[1] due, KEYS[2] lease, KEYS[3] occ, KEYS[4] holder (hash: id → lease token)
// ARGV[1] now (unix ms), ARGV[2] lease length (ms), ARGV[3] batch size, ARGV[4] token
// Returns a flat list: id, occurrence JSON, id, occurrence JSON, …
var claimScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
local deadline = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], deadline, id)
  redis.call('HSET', KEYS[4], id, ARGV[4])
  out[#out+1] = id
  out[#out+1] = redis.call('HGET', KEYS[3], id) or ''
end
return out
`)

// renewScript extends leases the caller still holds.
//
// KEYS[1] lease, KEYS[2] holder
// ARGV[1] new deadline (unix ms), ARGV[2] token, ARGV[3…] ids
// Returns the number of leases extended.
var renewScript = redis.NewScript(`
local n = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[2] then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
    n = n + 1
  end
end
return n
`)

// recoverScript returns occurrences whose lease ran out (their holder died)
// to the due set, to be claimed again at once.
//
// KEYS[1] due, KEYS[2] lease, KEYS[3] holder
// ARGV[1] now (unix ms), ARGV[2] batch size
// Returns the number recovered.
var recoverScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
return #ids
`)

// completeScript marks a claimed occurrence fired, if the caller still holds
// it, and for a series stores the next occurrence in the same step, so a
// series can neither stall nor fork.
//
// KEYS[1] lease, KEYS[2] holder, KEYS[3] occ, KEYS[4] done, KEYS[5] mark,
// KEYS[6] pending, KEYS[7] due
// ARGV[1] id, ARGV[2] token, ARGV[3] now (unix ms), ARGV[4] series ("" one-off),
// ARGV[5] civil time fired, ARGV[6] next id ("" none), ARGV[7] next due (unix ms),
// ARGV[8] next JSON, ARGV[9] civil time of next, ARGV[10] how long one-off
// fired ids are kept (ms)
// Returns 1 when completed, 0 when the lease was lost (someone else holds it).
var completeScript = redis.NewScript(`
local id, series = ARGV[1], ARGV[4]
if redis.call('HGET', KEYS[2], id) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)
redis.call('HDEL', KEYS[3], id)
if series == '' then
  redis.call('ZADD', KEYS[4], ARGV[3], id)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[10]))
  return 1
end
local mark = redis.call('HGET', KEYS[5], series)
if not mark or mark < ARGV[5] then redis.call('HSET', KEYS[5], series, ARGV[5]) end
if redis.call('HGET', KEYS[6], series) == id then
  if ARGV[6] ~= '' and ARGV[9] > ARGV[5] then
    redis.call('HSET', KEYS[6], series, ARGV[6])
    redis.call('HSET', KEYS[3], ARGV[6], ARGV[8])
    redis.call('ZADD', KEYS[7], ARGV[7], ARGV[6])
  else
    redis.call('HDEL', KEYS[6], series)
  end
end
return 1
`)

// removeSeriesScript deletes a series and its pending occurrence (unless in
// flight). Its fired mark stays, so recreating the series cannot refire the past.
//
// KEYS[1] due, KEYS[2] occ, KEYS[3] pending, KEYS[4] lease, KEYS[5] series
// ARGV[1] series
// Returns 1.
var removeSeriesScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[3], ARGV[1])
if old and not redis.call('ZSCORE', KEYS[4], old) then
  redis.call('ZREM', KEYS[1], old)
  redis.call('HDEL', KEYS[2], old)
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return 1
`)

// cancelScript deletes one pending one-off occurrence (unless in flight).
//
// KEYS[1] due, KEYS[2] occ, KEYS[3] lease
// ARGV[1] id
// Returns 1 when removed, 0 when absent or in flight.
var cancelScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
`)
