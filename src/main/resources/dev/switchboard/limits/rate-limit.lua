-- A key's requests and tokens per minute as two token buckets in one hash, decided atomically (RedisRateLimiter).
-- The same rules as TokenBucket and InMemoryRateLimiter, in exact integer arithmetic: a level is kept in
-- 1/60000ths of a unit, so a bucket of capacity c refills by exactly c per elapsed millisecond.
--
-- KEYS[1]  the key's hash: limits ("rpm/tpm"), r and ra (requests level and its time), t and ta (tokens)
-- ARGV     op ("reserve", "settle" or "peek"), now (the caller's clock, ms), rpm, tpm (0: none), amount (the
--          estimate to reserve, or the tokens to charge when settling: used minus reserved, negative gives back)
-- returns  {refusal (0 none, 1 requests, 2 tokens, 3 too large), wait ms, requests remaining, requests ms until full,
--          tokens remaining, tokens ms until full}
local SCALE = 60000
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local amount = tonumber(ARGV[5])
local limits = ARGV[3] .. '/' .. ARGV[4]

local stored = redis.call('HMGET', key, 'limits', 'r', 'ra', 't', 'ta')
-- limits that changed make new, full buckets, as in memory; so does a hash that expired (its buckets were full)
local fresh = stored[1] ~= limits

local function bucket(cap, level, at)
  if cap == 0 then
    return nil
  end
  local b = { cap = cap, full = cap * SCALE, level = cap * SCALE, at = now }
  if not fresh then
    b.level = tonumber(level)
    b.at = tonumber(at)
    -- a replica whose clock lags the last writer's refills nothing until it catches up: clock skew can delay a
    -- refill, never add one
    if now > b.at then
      local elapsed = now - b.at
      if elapsed * b.cap >= b.full - b.level then
        b.level = b.full
      else
        b.level = b.level + elapsed * b.cap
      end
      b.at = now
    end
  end
  return b
end

local function millis_until(b, units)
  local missing = units * SCALE - b.level
  if missing <= 0 then
    return 0
  end
  return math.ceil(missing / b.cap)
end

local function take(b, units)
  b.level = math.min(b.full, b.level - units * SCALE)
end

local requests = bucket(rpm, stored[2], stored[3])
local tokens = bucket(tpm, stored[4], stored[5])
local refusal = 0
local wait = 0
local write = false

if op == 'reserve' then
  if tokens and amount > tokens.cap then
    refusal = 3
  else
    local requests_wait = requests and millis_until(requests, 1) or 0
    local tokens_wait = tokens and millis_until(tokens, amount) or 0
    if requests_wait > 0 then
      refusal = 1
    elseif tokens_wait > 0 then
      refusal = 2
    end
    wait = math.max(requests_wait, tokens_wait)
  end
  if refusal == 0 then
    if requests then
      take(requests, 1)
    end
    if tokens then
      take(tokens, amount)
    end
    write = true
  end
elseif op == 'settle' then
  if tokens then
    take(tokens, amount)
    write = true
  end
end

local requests_reset = requests and millis_until(requests, requests.cap) or 0
local tokens_reset = tokens and millis_until(tokens, tokens.cap) or 0
if write then
  local fields = { 'limits', limits }
  if requests then
    table.insert(fields, 'r'); table.insert(fields, string.format('%.0f', requests.level))
    table.insert(fields, 'ra'); table.insert(fields, string.format('%.0f', requests.at))
  end
  if tokens then
    table.insert(fields, 't'); table.insert(fields, string.format('%.0f', tokens.level))
    table.insert(fields, 'ta'); table.insert(fields, string.format('%.0f', tokens.at))
  end
  if fresh then
    redis.call('DEL', key)
  end
  redis.call('HSET', key, unpack(fields))
  -- once both buckets are full again the hash says nothing a missing one would not: let idle keys vanish (the
  -- second of slack covers the caller's clock running a little ahead of the server's)
  redis.call('PEXPIRE', key, math.max(requests_reset, tokens_reset) + 1000)
end

local function remaining(b)
  if not b then
    return 0
  end
  return math.max(0, math.floor(b.level / SCALE))
end

return { refusal, wait, remaining(requests), requests_reset, remaining(tokens), tokens_reset }
