/**
 * The Lua scripts of a Redis queue. Each runs atomically in Redis, so a take never
 * delivers past an END, a put is applied exactly once however often it is retried, and
 * a dead reader's messages move to the front in one step. Every key a script touches
 * shares the queue's hash tag (`ezq:{name}:...`), so the scripts also run on a cluster.
 *
 * Handed-back messages (from a reader that stopped early, or one that died) are claimed
 * by the consumer `FREE` with a huge idle time (`XCLAIM ... IDLE <huge> JUSTID`); a take
 * claims from FREE's pending list first, in id order, then reads new entries. Reading
 * FREE's own pending list (XPENDING with a consumer) costs only what FREE holds, where an
 * XAUTOCLAIM would scan the whole group's pending list on every take.
 */
import { script } from "./link.js";

/**
 * An entry has one field, `m`: `<kind length>:<kind><order>:<data>` (see entry.ts). One
 * field instead of three halves what Redis converts per entry; an END starts with `3:END`.
 */

/** Idle time given to handed-back entries: about 31 years. */
const HUGE = "1000000000000";

/** Shared Lua helpers: `me`-independent, defined once per script. */
const PRELUDE = `
local HUGE = '${HUGE}'
local function call(args) return redis.call(unpack(args)) end
local function ensure(s, g)
  if redis.call('EXISTS', s) == 0 then redis.call('XGROUP', 'CREATE', s, g, '0', 'MKSTREAM') end
end
-- "3:END...": byte tests first, so that most messages cost no substring.
local function isEnd(m)
  return string.byte(m, 3) == 69 and string.byte(m, 1) == 51 and string.sub(m, 1, 5) == '3:END'
end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Hands entries back: claimed by FREE, idle "forever", delivery count unchanged.
local function handBack(s, g, free, ids)
  for i = 1, #ids, 500 do
    local args = {'XCLAIM', s, g, free, '0'}
    for j = i, math.min(i + 499, #ids) do args[#args + 1] = ids[j] end
    args[#args + 1] = 'IDLE'; args[#args + 1] = HUGE; args[#args + 1] = 'JUSTID'
    call(args)
  end
end
-- True when stream id a comes before stream id b.
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, bm = tonumber(am), tonumber(bm)
  return am < bm or (am == bm and tonumber(as) < tonumber(bs))
end
-- Messages waiting: in the stream and not held by a live reader (FREE's count as waiting).
-- The group's lag (entries never delivered), or nil when Redis cannot tell (after an XDEL
-- of an undelivered entry).
local function lagOf(s, g)
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', s)) do
    local name, lag
    for i = 1, #info, 2 do
      if info[i] == 'name' then name = info[i + 1] elseif info[i] == 'lag' then lag = info[i + 1] end
    end
    if name == g then
      if type(lag) == 'number' then return lag end
      return nil
    end
  end
  return nil
end
-- Messages waiting: never delivered, or handed back (FREE's). The stream's length counts
-- them too, but also finished messages that wait to be trimmed (see ACK): it is the
-- fallback for when the lag is unknown, and then ACK deletes finished ones at once.
local function waiting(s, g, free)
  if redis.call('EXISTS', s) == 0 then return 0 end
  local sum = redis.call('XPENDING', s, g)
  local handedBack = 0
  if sum[4] then
    for _, c in ipairs(sum[4]) do
      if c[1] == free then handedBack = tonumber(c[2]) end
    end
  end
  local lag = lagOf(s, g)
  if lag then return lag + handedBack end
  return redis.call('XLEN', s) - (tonumber(sum[1]) - handedBack)
end
`;

/**
 * Appends a batch. KEYS: stream, dedupe key. ARGV: sequence number ("0": no dedupe),
 * dedupe TTL ms, stream TTL ms ("0": none), group, "1" when the batch was sent with every
 * batch before it applied ("0" when it was pipelined behind others), then the entries'
 * `m` fields. A producer's batches carry consecutive numbers and reach Redis in order on
 * one connection; the dedupe key holds the last one applied (and that batch's END ids).
 * A batch numbered at most that is a retry: skipped, returning the END ids when it is the
 * last one (a batch with ENDs is never followed by another before it is confirmed). A
 * batch that does not follow the last one (its predecessor failed, or was lost with its
 * connection) is refused with an EZQGAP error, and the producer sends both again in
 * order: so a retried batch is applied exactly once, pipelined or not. Returns the ids of
 * the END entries of the batch.
 */
export const PUT = script(
  "put",
  `${PRELUDE}
local s, dk = KEYS[1], KEYS[2]
local seq = ARGV[1]
if seq ~= '0' then
  local last = redis.call('GET', dk)
  if last then
    local parts = {}
    for w in string.gmatch(last, '%S+') do parts[#parts + 1] = w end
    local n, l = tonumber(seq), tonumber(parts[1])
    if n == l then table.remove(parts, 1); return parts end
    if n < l then return {} end
    if n ~= l + 1 then return redis.error_reply('EZQGAP batch ' .. seq .. ' after ' .. parts[1]) end
  elseif ARGV[5] ~= '1' then
    return redis.error_reply('EZQGAP batch ' .. seq .. ' before its predecessor')
  end
end
ensure(s, ARGV[4])
local ends = {}
for i = 6, #ARGV do
  local id = redis.call('XADD', s, '*', 'm', ARGV[i])
  if isEnd(ARGV[i]) then ends[#ends + 1] = id end
end
if seq ~= '0' then
  redis.call('SET', dk, seq .. ' ' .. table.concat(ends, ' '), 'PX', ARGV[2])
end
if ARGV[3] ~= '0' then redis.call('PEXPIRE', s, ARGV[3]) end
return ends
`,
);

/**
 * Takes up to n messages for consumer `me`, never past an END: first those handed back
 * (FREE's), then new ones; what a take read past an END goes back to FREE. Also beats for
 * `me`, and, at most once per reap interval across all readers, reaps dead readers.
 * KEYS: stream, heartbeats, reap lock, last reap, workers. ARGV: group, me, n, FREE, dead ms,
 * reap ms, TTL ms ("0": none). Returns {waiting, id, m, id, m, ...}.
 */
export const TAKE = script(
  "take",
  `${PRELUDE}
local s, hb, lock, reaped, w = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local g, me, n, free = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local deadMs, reapMs, ttl = tonumber(ARGV[5]), ARGV[6], ARGV[7]
local now = nowMs()
ensure(s, g)
redis.call('ZADD', hb, now, me)
if ttl ~= '0' then
  redis.call('PEXPIRE', s, ttl); redis.call('PEXPIRE', hb, ttl)
end

-- Moves everything consumer c holds to FREE; true once c holds nothing.
local function freeAll(c)
  for _ = 1, 20 do
    local p = redis.call('XPENDING', s, g, '-', '+', 500, c)
    if #p == 0 then return true end
    local ids = {}
    for i, e in ipairs(p) do ids[i] = e[1] end
    handBack(s, g, free, ids)
  end
  return false
end

local function reap()
  local last = tonumber(redis.call('GET', reaped) or '0')
  redis.call('SET', reaped, now)
  if ttl ~= '0' then redis.call('PEXPIRE', reaped, ttl) end
  if now - last > deadMs then
    -- Nobody reaped for a while (the server restarted, or no reader ran): every reader
    -- gets a fresh deadline instead of being declared dead for beats it could not send.
    for _, c in ipairs(redis.call('ZRANGE', hb, 0, -1)) do redis.call('ZADD', hb, now, c) end
    return
  end
  local dead = {}
  for _, c in ipairs(redis.call('ZRANGEBYSCORE', hb, '-inf', now - deadMs)) do dead[c] = true end
  for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', s, g)) do
    local name, pending, idle
    for i = 1, #info, 2 do
      local key = info[i]
      if key == 'name' then name = info[i + 1]
      elseif key == 'pending' then pending = tonumber(info[i + 1])
      elseif key == 'idle' then idle = tonumber(info[i + 1]) end
    end
    if name ~= free then
      local beat = redis.call('ZSCORE', hb, name)
      if dead[name] or (not beat and idle > deadMs) then
        dead[name] = nil
        if pending == 0 or freeAll(name) then
          redis.call('XGROUP', 'DELCONSUMER', s, g, name)
          redis.call('ZREM', hb, name)
          redis.call('HDEL', w, name)
        end
      end
    end
  end
  -- Dead readers that the group no longer knows (they never read): forget their beats.
  for c in pairs(dead) do redis.call('ZREM', hb, c); redis.call('HDEL', w, c) end
end

if redis.call('SET', lock, '1', 'NX', 'PX', reapMs) then reap() end

local out = {0}
local ended = false
local back = {}
local function add(e)
  local fields = e[2]
  if not fields then return end
  if ended then back[#back + 1] = e[1]; return end
  local m = fields[2]
  out[#out + 1] = e[1]; out[#out + 1] = m
  if isEnd(m) then ended = true end
end

local p = redis.call('XPENDING', s, g, '-', '+', n, free)
if #p > 0 then
  local args = {'XCLAIM', s, g, me, '0'}
  for _, e in ipairs(p) do args[#args + 1] = e[1] end
  for _, e in ipairs(call(args)) do add(e) end
end
local got = (#out - 1) / 2
if not ended and got < n then
  local r = redis.call('XREADGROUP', 'GROUP', g, me, 'COUNT', n - got, 'STREAMS', s, '>')
  if r then for _, e in ipairs(r[1][2]) do add(e) end end
end
if #back > 0 then handBack(s, g, free, back) end
out[1] = waiting(s, g, free)
return out
`,
);

/**
 * Removes finished messages: acked, then trimmed. Entries older than every message still
 * pending or undelivered go with one XTRIM MINID (cheap: whole nodes at a time). Finished
 * entries past that floor (another reader still holds an older one) stay until the floor
 * passes them and a later trim takes them too: deleting them one by one with XDEL cost
 * several times more per entry, and with two readers taking turns, half of all messages
 * went that way (~10% of Redis's time in bench:redis 1). Only when more than KEEP of them
 * wait (a reader holds an old message for long), or when the lag is unknown (see
 * `waiting`), are they deleted at once, so memory stays bounded. KEYS: stream. ARGV:
 * group, ids in increasing order. Returns how many were deleted.
 */
export const ACK = script(
  "ack",
  `${PRELUDE}
local KEEP = 10000
local s, g = KEYS[1], ARGV[1]
local args = {'XACK', s, g}
for i = 2, #ARGV do args[#args + 1] = ARGV[i] end
call(args)
if redis.call('EXISTS', s) == 0 then return 0 end
local floor
for _, info in ipairs(redis.call('XINFO', 'GROUPS', s)) do
  for i = 1, #info, 2 do
    if info[i] == 'name' and info[i + 1] ~= g then break end
    if info[i] == 'last-delivered-id' then floor = info[i + 1] end
  end
end
if not floor then return 0 end
local sum = redis.call('XPENDING', s, g)
if tonumber(sum[1]) > 0 then
  -- The oldest pending entry stays (MINID keeps its id), and everything after it.
  if before(sum[2], floor) then floor = sum[2] end
else
  -- Nothing older is pending: the last delivered entry is finished too (MINID keeps its id).
  local ms, seq = string.match(floor, '^(%d+)-(%d+)$')
  floor = ms .. '-' .. string.format('%.0f', tonumber(seq) + 1)
end
redis.call('XTRIM', s, 'MINID', floor)
-- The ids come sorted: those from the first one not before the floor on stay, unless deleted.
local lo, hi = 2, #ARGV + 1
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  if before(ARGV[mid], floor) then lo = mid + 1 else hi = mid end
end
if lo > #ARGV then return 0 end
local lag = lagOf(s, g)
if lag and redis.call('XLEN', s) - tonumber(sum[1]) - lag <= KEEP then return 0 end
local del = {'XDEL', s}
for i = lo, #ARGV do del[#del + 1] = ARGV[i] end
call(del)
return #del - 2
`,
);

/**
 * Hands back messages that `me` still holds (a message already reclaimed from a reader
 * thought dead is not taken from its new owner). KEYS: stream. ARGV: group, me, FREE,
 * ids in increasing order. Returns how many went back.
 */
export const RELEASE = script(
  "release",
  `${PRELUDE}
local s, g, me, free = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', s) == 0 then return 0 end
local wanted = {}
for i = 4, #ARGV do wanted[ARGV[i]] = true end
local mine = {}
for _, e in ipairs(redis.call('XPENDING', s, g, ARGV[4], ARGV[#ARGV], #ARGV * 4 + 1000, me)) do
  if wanted[e[1]] then mine[#mine + 1] = e[1] end
end
handBack(s, g, free, mine)
return #mine
`,
);

/** The number of messages waiting. KEYS: stream. ARGV: group, FREE. */
export const COUNT = script(
  "count",
  `${PRELUDE}
return waiting(KEYS[1], ARGV[1], ARGV[2])
`,
);

/** Marks readers alive, by the server's clock. KEYS: heartbeats. ARGV: consumer names. */
export const BEAT = script(
  "beat",
  `${PRELUDE}
local now = nowMs()
local args = {'ZADD', KEYS[1]}
for i = 1, #ARGV do args[#args + 1] = now; args[#args + 1] = ARGV[i] end
if #ARGV > 0 then call(args) end
return #ARGV
`,
);

/**
 * Removes END entries that nobody read (after `stop`, for workers that ended without
 * reading theirs). KEYS: stream. ARGV: group, ids. Returns how many were removed.
 */
export const REMOVE_ENDS = script(
  "remove-ends",
  `${PRELUDE}
local s, g = KEYS[1], ARGV[1]
local removed = 0
for i = 2, #ARGV do
  local e = redis.call('XRANGE', s, ARGV[i], ARGV[i])
  if #e > 0 then
    redis.call('XACK', s, g, ARGV[i])
    removed = removed + redis.call('XDEL', s, ARGV[i])
  end
end
return removed
`,
);

/**
 * Forgets a reader that is done: its beat, its announced workers, and its consumer if it
 * holds nothing. KEYS: stream, heartbeats, workers. ARGV: group, me.
 */
export const LEAVE = script(
  "leave",
  `${PRELUDE}
local s, hb, w, g, me = KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2]
redis.call('ZREM', hb, me)
redis.call('HDEL', w, me)
if redis.call('EXISTS', s) == 0 then return 0 end
local p = redis.call('XPENDING', s, g, '-', '+', 1, me)
if #p == 0 then redis.call('XGROUP', 'DELCONSUMER', s, g, me) end
return #p
`,
);

/**
 * The workers that live readers announced (agents: see `RedisBackend.announce`): the sum
 * over readers whose last beat is younger than dead ms. KEYS: heartbeats, workers. ARGV:
 * dead ms. Returns the sum, 0 when no live reader announced any.
 */
export const CAPACITY = script(
  "capacity",
  `${PRELUDE}
local hb, w, deadMs = KEYS[1], KEYS[2], tonumber(ARGV[1])
local now = nowMs()
local sum = 0
local all = redis.call('HGETALL', w)
for i = 1, #all, 2 do
  local beat = redis.call('ZSCORE', hb, all[i])
  if beat and now - tonumber(beat) <= deadMs then sum = sum + tonumber(all[i + 1]) end
end
return sum
`,
);
