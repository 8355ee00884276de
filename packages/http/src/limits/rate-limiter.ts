import type { Clock } from '@inboard/core'

/** The outcome of counting one request against a key's window. */
export interface RateLimitDecision {
  allowed: boolean
  /** Headers for the response: X-RateLimit-*, plus Retry-After when refused. */
  headers: Record<string, string>
}

interface Window {
  start: number
  count: number
}

const WINDOW_MS = 60_000

/**
 * Fixed one-minute windows per key on the runtime's clock. A window opens with the key's first
 * request, so `X-RateLimit-Reset` is exactly when the count starts over.
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>()
  readonly #clock: Clock
  readonly #defaultLimit: number

  constructor(clock: Clock, defaultLimit: number) {
    this.#clock = clock
    this.#defaultLimit = defaultLimit
  }

  hit(id: string, limit = this.#defaultLimit): RateLimitDecision {
    const now = this.#clock.now()
    let window = this.#windows.get(id)
    if (!window || now >= window.start + WINDOW_MS) {
      window = { start: now, count: 0 }
      this.#windows.set(id, window)
    }
    const resetAt = window.start + WINDOW_MS
    const allowed = window.count < limit
    if (allowed) window.count++
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - window.count)),
      'X-RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
    }
    if (!allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)))
    return { allowed, headers }
  }
}
