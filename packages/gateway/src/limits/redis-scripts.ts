// The Lua scripts behind the Redis limit store. Each decision is one script run, so it is atomic
// and costs one round trip; ioredis `defineCommand` sends EVALSHA and falls back to EVAL (which
// also caches the script) when the server answers NOSCRIPT, e.g. after a restart.
//
// Clock: every script reads the Redis server clock (TIME) so that all gateways sharing one Redis
// agree on "now". A negative `now` argument means "use TIME"; tests pass their own clock instead.
// Redis >= 5 replicates script effects, not scripts, so calling TIME before writing is allowed.
//
// Lua numbers are doubles: integers stay exact below 2^53, which milliseconds since 1970 and
// milli-requests are far from. `math.floor` stands in for C's truncating integer division, which
// is the same thing for the non-negative operands used here.

import type { Redis } from 'ioredis';

const READ_CLOCK = `
local function clock(given)
  local now = tonumber(given)
  if now >= 0 then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * nginx limit_req (ngx_http_limit_req_lookup, with `account` set, as for a route's last limit).
 * KEYS[1]: hash {e = excess in milli-requests, l = last update in ms}.
 * ARGV: rate (milli-requests per second, integer), burst (milli-requests), now (ms, or -1),
 *       minimum key TTL (ms).
 * Returns {admitted 1/0, excess, stored last (admitted) or now (rejected)}. A rejected request
 * leaves the state untouched.
 */
export const RATE_TAKE_LUA = `${READ_CLOCK}
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = clock(ARGV[3])
local min_ttl = tonumber(ARGV[4])

local state = redis.call('HMGET', KEYS[1], 'e', 'l')
local excess = 0
local last = now
if state[1] then
  last = tonumber(state[2])
  local ms = now - last
  -- nginx: a clock that went back more than a minute counts as 1 ms, a small step back as 0
  if ms < -60000 then ms = 1 elseif ms < 0 then ms = 0 end
  excess = tonumber(state[1]) - math.floor(rate * ms / 1000) + 1000
  if excess < 0 then excess = 0 end
  if excess > burst then return {0, excess, now} end
  -- nginx moves 'last' only when time has passed, so sub-ms arrivals keep draining from it
  if ms ~= 0 then last = now end
end

redis.call('HSET', KEYS[1], 'e', excess, 'l', last)
-- Once excess + 1000 has drained, the state gives the same answer as no state at all.
local ttl = math.ceil((excess + 1000) * 1000 / rate)
if ttl < min_ttl then ttl = min_ttl end
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, excess, last}
`;

/**
 * Undo one counted request of a leaky bucket (lua-resty-limit-traffic `req:uncommit`):
 * excess -= 1000, never below zero. KEYS[1]: the rate hash. Returns the new excess or -1.
 */
export const RATE_ROLLBACK_LUA = `
local excess = redis.call('HGET', KEYS[1], 'e')
if not excess then return -1 end
excess = tonumber(excess) - 1000
if excess < 0 then excess = 0 end
redis.call('HSET', KEYS[1], 'e', excess)
return excess
`;

/**
 * limit_conn with leases: KEYS[1] is a sorted set of in-flight request tokens scored by the time
 * their lease ends. Expired leases (a gateway that crashed or lost Redis mid-request) are dropped
 * first, so a lost release frees its slot after at most one lease.
 * ARGV: max + burst, token, lease (ms), now (ms, or -1).
 * Returns {admitted 1/0, in flight including this request (or as found when rejected), now}.
 */
export const CONCURRENCY_ACQUIRE_LUA = `${READ_CLOCK}
local capacity = tonumber(ARGV[1])
local lease = tonumber(ARGV[3])
local now = clock(ARGV[4])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local in_flight = redis.call('ZCARD', KEYS[1])
if in_flight >= capacity then return {0, in_flight, now} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[2])
redis.call('PEXPIRE', KEYS[1], lease)
return {1, in_flight + 1, now}
`;

/**
 * Extend a still-running request's lease. ARGV: token, lease (ms), now (ms, or -1).
 * Returns 1 when the lease was extended, 0 when it is gone (released or already expired).
 */
export const CONCURRENCY_RENEW_LUA = `${READ_CLOCK}
local lease = tonumber(ARGV[2])
local now = clock(ARGV[3])
local ends = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not ends or tonumber(ends) <= now then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`;

/**
 * Fixed or sliding window counter (Kong's estimate). KEYS[1]: hash {w = current window start (ms),
 * c = its count, p = previous window's count}.
 * ARGV: limit, window (ms), sliding 1/0, now (ms, or -1).
 * Returns {admitted 1/0, current count, previous count, window start, now}; the caller computes
 * the same estimate for the headers. A rejected request is not counted.
 */
export const QUOTA_TAKE_LUA = `${READ_CLOCK}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local sliding = ARGV[3] == '1'
local now = clock(ARGV[4])

local start = now - (now % window)
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(state[1])
local current = 0
local previous = 0
if stored == start then
  current = tonumber(state[2]); previous = tonumber(state[3])
elseif stored == start - window then
  previous = tonumber(state[2])
elseif stored and stored > start then
  -- a clock behind the one that wrote the state: stay in the later window rather than lose counts
  start = stored; current = tonumber(state[2]); previous = tonumber(state[3])
end

local used = current
if sliding then
  local elapsed = now - start
  if elapsed < 0 then elapsed = 0 end
  used = previous * (window - elapsed) / window + current
end
if used + 1 > limit then
  return {0, current, previous, start, now}
end

current = current + 1
redis.call('HSET', KEYS[1], 'w', start, 'c', current, 'p', previous)
-- a sliding window still needs this count during the next window
local ends = start + window
if sliding then ends = ends + window end
local ttl = ends - now
if ttl < 1 then ttl = 1 end
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, current, previous, start, now}
`;

/**
 * Undo one counted request in the window it was counted in (current, or previous if the window
 * has moved on since). ARGV: window start the request was counted in, window (ms).
 * Returns 1 when a count was removed, 0 otherwise.
 */
export const QUOTA_ROLLBACK_LUA = `
local counted_in = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(state[1])
if not stored then return 0 end
local field
if stored == counted_in then field = 'c' elseif stored == counted_in + window then field = 'p' else return 0 end
local count = tonumber(redis.call('HGET', KEYS[1], field))
if count <= 0 then return 0 end
redis.call('HSET', KEYS[1], field, count - 1)
return 1
`;

/** Script replies: Redis turns Lua numbers into integers, tables into arrays. */
type Reply = Promise<number[]>;

/** The limit commands ioredis adds to a client once `defineLimitCommands` ran on it. */
export interface LimitCommands {
  limitRateTake(key: string, ratePerSecondMilli: number, burstMilli: number, nowMs: number, minTtlMs: number): Reply;
  limitRateRollback(key: string): Promise<number>;
  limitConcurrencyAcquire(key: string, capacity: number, token: string, leaseMs: number, nowMs: number): Reply;
  limitConcurrencyRenew(key: string, token: string, leaseMs: number, nowMs: number): Promise<number>;
  limitQuotaTake(key: string, limit: number, windowMs: number, sliding: 0 | 1, nowMs: number): Reply;
  limitQuotaRollback(key: string, countedInWindowStartMs: number, windowMs: number): Promise<number>;
}

/** Registers the scripts on a client (EVALSHA, falling back to EVAL on NOSCRIPT) and returns it typed. */
export function defineLimitCommands(redis: Redis): Redis & LimitCommands {
  const scripts: Record<keyof LimitCommands, string> = {
    limitRateTake: RATE_TAKE_LUA,
    limitRateRollback: RATE_ROLLBACK_LUA,
    limitConcurrencyAcquire: CONCURRENCY_ACQUIRE_LUA,
    limitConcurrencyRenew: CONCURRENCY_RENEW_LUA,
    limitQuotaTake: QUOTA_TAKE_LUA,
    limitQuotaRollback: QUOTA_ROLLBACK_LUA,
  };
  for (const [name, lua] of Object.entries(scripts)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return redis as Redis & LimitCommands;
}
