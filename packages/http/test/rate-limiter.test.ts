import { createFakeClock } from '@inboard/core/testing'
import { describe, expect, it } from 'vitest'
import { MAX_RATE_WINDOWS, RateLimiter } from '../src/limits/rate-limiter.js'

describe('RateLimiter memory', () => {
  it('deletes expired windows once many keys have been seen, and keeps live ones', async () => {
    const clock = createFakeClock()
    const limiter = new RateLimiter(clock, 5)
    for (let i = 0; i < 1_500; i++) limiter.hit(`old_${i}`)
    expect(limiter.size).toBe(1_500)
    await clock.advance(61_000)
    limiter.hit('live')
    limiter.hit('live')
    expect(limiter.size).toBe(1)
    // The live key's window survived the sweep: its count carries on.
    expect(limiter.hit('live').headers['X-RateLimit-Remaining']).toBe('2')
    for (let i = 0; i < 3_000; i++) limiter.hit(`fresh_${i}`)
    expect(limiter.size).toBe(3_001)
    await clock.advance(61_000)
    limiter.hit('next')
    expect(limiter.size).toBeLessThan(3_001)
  })

  it('holds at most MAX_RATE_WINDOWS windows however many identities arrive within one window', () => {
    const clock = createFakeClock()
    const limiter = new RateLimiter(clock, 2)
    for (let i = 0; i < MAX_RATE_WINDOWS + 20_000; i++) limiter.hit(`user_${i}`)
    expect(limiter.size).toBe(MAX_RATE_WINDOWS)
    // The newest identities keep their windows and their counts.
    const last = `user_${MAX_RATE_WINDOWS + 19_999}`
    expect(limiter.hit(last).allowed).toBe(true)
    expect(limiter.hit(last).allowed).toBe(false)
    expect(limiter.size).toBe(MAX_RATE_WINDOWS)
  })
})
