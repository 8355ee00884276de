import type { RateLimit, RateLimiter } from '@inboard/core'
import type { Redis } from 'ioredis'

/** Slack added to the window, as the in-process pacer does, so requests a little late land in the next one. */
const SLACK = 0.02

/**
 * One sliding window per key, kept as a Redis list of the last `limit` reserved start times. The
 * script runs atomically on Redis's own clock, so processes on machines whose clocks differ share
 * one window: a request goes now while fewer than `limit` started within the window, else at the
 * moment the oldest of them leaves it.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local n = redis.call('LLEN', KEYS[1])
while n > limit do
  redis.call('LPOP', KEYS[1])
  n = n - 1
end
local at = now
if n >= limit then
  local oldest = tonumber(redis.call('LPOP', KEYS[1]))
  if oldest + window > now then at = oldest + window end
end
redis.call('RPUSH', KEYS[1], at)
redis.call('PEXPIRE', KEYS[1], at - now + window + 1000)
return at - now
`

type WithReserve = Redis & { inboardReserve(key: string, limit: number, windowMs: number): Promise<number> }

/** A {@link RateLimiter} in Redis, shared by every process on the queue. */
export class RedisRateLimiter implements RateLimiter {
  readonly #client: WithReserve
  readonly #prefix: string

  constructor(client: Redis, prefix: string) {
    client.defineCommand('inboardReserve', { numberOfKeys: 1, lua: RESERVE })
    this.#client = client as WithReserve
    this.#prefix = prefix
  }

  async reserve(key: string, limit: RateLimit): Promise<number> {
    const windowMs = Math.ceil(limit.windowMs * (1 + SLACK))
    return Number(
      await this.#client.inboardReserve(`${this.#prefix}${key}`, Math.max(1, Math.floor(limit.limit)), windowMs),
    )
  }
}
