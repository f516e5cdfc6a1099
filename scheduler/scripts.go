package scheduler

import "github.com/redis/go-redis/v9"

// Every script takes the same six keys, all under the {sched} hash tag so
// each runs in one Cluster slot:
//
//	KEYS[1] due     sorted set: occurrence id → when to hand it out (unix ms)
//	KEYS[2] occ     hash: one-off (or handed-back series) id → body (see encodeBody)
//	KEYS[3] lease   sorted set: claimed id → lease deadline (unix ms)
//	KEYS[4] holder  hash: claimed id → claim token .. "\31" .. its due-set score
//	KEYS[5] done    sorted set: fired one-off id → its due (unix ms), kept for the retention
//	KEYS[6] series  hash: series key → zone \31 rule \31 watermark \31 pending civil time
//
// A series occurrence has no occ entry while it waits: its id is the series
// key plus its civil time, and the series record names it as pending, which
// keeps an enrolled client's schedules to one hash field and one sorted-set
// member each. States: pending (in due), in flight (in lease and holder),
// fired (in done, or at or below its series' watermark).

// claimScript first returns occurrences whose lease ran out (their holder
// died) to the due set at the score they were claimed at, then moves up to
// ARGV[3] due occurrences, earliest first, into the lease set under one
// token. When it claims fewer than asked it also reports when the next
// occurrence is due and the earliest lease deadline, so an idle poll costs
// this one call.
//
// ARGV[1] now (unix ms), ARGV[2] lease length (ms), ARGV[3] batch size, ARGV[4] token
// Returns {next due score or "", earliest lease deadline or "",
// then per claimed occurrence: id, due-set score, type, body}
// where type is "o" (body: the occ entry), "s" (body: the series record)
// or "x" (nothing known about it: an orphan to drop).
var claimScript = redis.NewScript(`
local now, n = tonumber(ARGV[1]), tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, n)
for _, id in ipairs(expired) do
  local h = redis.call('HGET', KEYS[4], id)
  local score = h and string.match(h, '\31(.*)$') or ARGV[1]
  redis.call('ZADD', KEYS[1], score, id)
  redis.call('HDEL', KEYS[4], id)
end
if #expired > 0 then redis.call('ZREM', KEYS[3], unpack(expired)) end

local z = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, n)
local cnt = #z / 2
local out = {'', ''}
if cnt > 0 then
  -- The claimed members are exactly the first cnt by rank.
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, cnt - 1)
  local deadline = now + tonumber(ARGV[2])
  local ids, lease, hold = {}, {}, {}
  for i = 1, cnt do
    local id = z[2*i-1]
    ids[i] = id
    lease[2*i-1], lease[2*i] = deadline, id
    hold[2*i-1], hold[2*i] = id, ARGV[4] .. '\31' .. z[2*i]
  end
  redis.call('ZADD', KEYS[3], unpack(lease))
  redis.call('HSET', KEYS[4], unpack(hold))
  local bodies = redis.call('HMGET', KEYS[2], unpack(ids))
  local keys, civils, at = {}, {}, {}
  for i = 1, cnt do
    if not bodies[i] then
      local series, civil = string.match(ids[i], '^(.*)|([^|]*)$')
      keys[#keys+1], civils[#keys+1], at[i] = series or '', civil, #keys+1
    end
  end
  local recs = {}
  if #keys > 0 then recs = redis.call('HMGET', KEYS[6], unpack(keys)) end
  for i = 1, cnt do
    local typ, body = 'o', bodies[i]
    if not body then
      local k = at[i]
      local rec = recs[k]
      typ, body = 'x', ''
      if rec and string.match(rec, '\31([^\31]*)$') == civils[k] then typ, body = 's', rec end
    end
    out[#out+1] = ids[i]
    out[#out+1] = z[2*i]
    out[#out+1] = typ
    out[#out+1] = body
  end
end
if cnt < n then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if first[2] then out[1] = first[2] end
  local lease = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  if lease[2] then out[2] = lease[2] end
end
return out
`)

// completeScript settles a batch of claimed occurrences in one call, each
// only if the caller still holds it.
//
// ARGV[1] now (unix ms), ARGV[2] how long fired one-off ids are kept (ms),
// then 7 per occurrence: id, holder value, mode, a, b, c, d, where mode is
//
//	"o" fired (or recorded missed) one-off: a = its due (unix ms)
//	"x" dropped: nothing to record
//	"s" fired series occurrence: a = its civil time, b = the definition
//	    (zone \31 rule) its next occurrence was computed from, c = the next
//	    civil time ("" none), d = the next due (unix ms)
//	"r" handed back: a = when to hand it out again (unix ms), b = its new body
//
// A series advances only if its record still names this occurrence as
// pending and its definition is unchanged, so an edit made while the
// occurrence was in flight wins and the series can neither stall nor fork.
// Returns {ids whose lease was lost, series whose definition changed in
// flight (the caller plans their next occurrence again)}.
var completeScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local ids, held = {}, {}
for i = 3, #ARGV, 7 do ids[#ids+1] = ARGV[i] end
if #ids == 0 then return {{}, {}} end
local holders = redis.call('HMGET', KEYS[4], unpack(ids))
local lost, stale, done, back, owned = {}, {}, {}, {}, {}
local occdel, series, keys = {}, {}, {}
for k = 1, #ids do
  local i = 3 + (k - 1) * 7
  local id, mode = ARGV[i], ARGV[i+2]
  if holders[k] ~= ARGV[i+1] then
    lost[#lost+1] = id
  else
    owned[#owned+1] = id
    if mode == 'r' then
      back[#back+1] = k
    else
      occdel[#occdel+1] = id
      if mode == 'o' then
        done[#done+1] = ARGV[i+3]
        done[#done+1] = id
      elseif mode == 's' then
        local key = string.match(id, '^(.*)|')
        if not series[key] then keys[#keys+1] = key; series[key] = {} end
        local t = series[key]
        t[#t+1] = i
      end
    end
  end
end
if #owned > 0 then
  redis.call('ZREM', KEYS[3], unpack(owned))
  redis.call('HDEL', KEYS[4], unpack(owned))
end
for _, k in ipairs(back) do
  local i = 3 + (k - 1) * 7
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i+4])
  redis.call('ZADD', KEYS[1], ARGV[i+3], ARGV[i])
end
if #occdel > 0 then redis.call('HDEL', KEYS[2], unpack(occdel)) end
if #done > 0 then redis.call('ZADD', KEYS[5], unpack(done)) end
if #keys > 0 then
  local recs = redis.call('HMGET', KEYS[6], unpack(keys))
  local put, nexts = {}, {}
  for n, key in ipairs(keys) do
    local rec = recs[n]
    if rec then
      local zone, rule, mark, pend = string.match(rec, '^([^\31]*)\31([^\31]*)\31([^\31]*)\31([^\31]*)$')
      for _, i in ipairs(series[key]) do
        local a, b, c, d = ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
        if mark < a then mark = a end
        if pend == a then
          pend = ''
          if zone .. '\31' .. rule ~= b then
            stale[#stale+1] = key
          elseif c ~= '' and c > a then
            pend = c
            nexts[#nexts+1] = d
            nexts[#nexts+1] = key .. '|' .. c
          end
        end
      end
      put[#put+1] = key
      put[#put+1] = zone .. '\31' .. rule .. '\31' .. mark .. '\31' .. pend
    end
  end
  if #put > 0 then redis.call('HSET', KEYS[6], unpack(put)) end
  if #nexts > 0 then redis.call('ZADD', KEYS[1], unpack(nexts)) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[2]))
return {lost, stale}
`)

// addScript stores one-off occurrences. One that is in flight or already
// fired is refused, and so is one due before the retention horizon: the
// done set forgets ids after that, so refusing them too keeps "fires at most
// once" exact. Adding a pending one again replaces it (same id: same civil
// time, so only a zone change moves it).
//
// ARGV[1] now (unix ms), ARGV[2] retention (ms), then 3 per occurrence: id, due (unix ms), body
// Returns the number stored.
var addScript = redis.NewScript(`
local floor = tonumber(ARGV[1]) - tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV, 3 do
  local id, due = ARGV[i], tonumber(ARGV[i+1])
  if due >= floor and not redis.call('ZSCORE', KEYS[3], id) and not redis.call('ZSCORE', KEYS[5], id)
     and (redis.call('HEXISTS', KEYS[2], id) == 1 or not redis.call('ZSCORE', KEYS[1], id)) then
    redis.call('ZADD', KEYS[1], due, id)
    redis.call('HSET', KEYS[2], id, ARGV[i+2])
    n = n + 1
  end
end
return n
`)

// putSeriesScript creates or changes a series and makes its pending
// occurrence the one given. An unchanged series that has an occurrence
// pending is left alone, so an overdue one is not lost by a repeated put.
// A changed one drops its old pending occurrence unless it is in flight.
//
// ARGV[1] series key, ARGV[2] definition (zone \31 rule), ARGV[3] next civil
// time ("" none), ARGV[4] next due (unix ms)
// Returns "ok", "same" (unchanged), or "mark:" .. watermark when the next
// civil time is not after the watermark (the caller plans after it and retries).
var putSeriesScript = redis.NewScript(`
local key, def, nxt = ARGV[1], ARGV[2], ARGV[3]
local mark, pend = '', ''
local rec = redis.call('HGET', KEYS[6], key)
if rec then
  local zone, rule
  zone, rule, mark, pend = string.match(rec, '^([^\31]*)\31([^\31]*)\31([^\31]*)\31([^\31]*)$')
  if zone .. '\31' .. rule == def and pend ~= '' then return 'same' end
end
if nxt ~= '' and nxt <= mark then return 'mark:' .. mark end
if pend ~= '' then
  local old = key .. '|' .. pend
  if not redis.call('ZSCORE', KEYS[3], old) then
    redis.call('ZREM', KEYS[1], old)
    redis.call('HDEL', KEYS[2], old)
  end
end
if nxt ~= '' then
  local id = key .. '|' .. nxt
  if not redis.call('ZSCORE', KEYS[3], id) then redis.call('ZADD', KEYS[1], ARGV[4], id) end
end
redis.call('HSET', KEYS[6], key, def .. '\31' .. mark .. '\31' .. nxt)
return 'ok'
`)

// removeSeriesScript deletes a series and its pending occurrence (unless in
// flight: its completion then finds no series and stores no next).
//
// ARGV[1] series key
// Returns 1 when removed, 0 when there was no such series.
var removeSeriesScript = redis.NewScript(`
local rec = redis.call('HGET', KEYS[6], ARGV[1])
if not rec then return 0 end
local pend = string.match(rec, '\31([^\31]*)$')
if pend ~= '' then
  local id = ARGV[1] .. '|' .. pend
  if not redis.call('ZSCORE', KEYS[3], id) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  end
end
redis.call('HDEL', KEYS[6], ARGV[1])
return 1
`)

// cancelScript deletes pending one-off occurrences. In-flight ones are left
// to their handler, which must find them moot; series occurrences are
// removed with their series, never one by one (the series would stall).
//
// ARGV ids
// Returns the number removed.
var cancelScript = redis.NewScript(`
local n = 0
for _, id in ipairs(ARGV) do
  local body = redis.call('HGET', KEYS[2], id)
  if body and not string.find(body, '^[^\31]*\31[^\31]*\31s') and redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    n = n + 1
  end
end
return n
`)

// renewScript extends the leases the caller still holds.
//
// ARGV[1] new deadline (unix ms), then pairs: id, holder value
// Returns the number of leases extended.
var renewScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[i+1] then
    redis.call('ZADD', KEYS[3], 'XX', ARGV[1], ARGV[i])
    n = n + 1
  end
end
return n
`)
