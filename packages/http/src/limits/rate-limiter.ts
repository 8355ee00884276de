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
/** Past this many windows, expired ones are swept out on the next hit. */
const SWEEP_THRESHOLD = 1_000
/**
 * Windows held at most. Identities come from keys or `authenticate`, which may return one per end
 * user: past this many live windows in one minute the oldest are dropped (those callers start a
 * new window), so memory stays bounded whatever the number of identities.
 */
export const MAX_RATE_WINDOWS = 100_000

/**
 * Fixed one-minute windows per key on the runtime's clock. A window opens with the key's first
 * request, so `X-RateLimit-Reset` is exactly when the count starts over.
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>()
  readonly #clock: Clock
  readonly #defaultLimit: number
  /** The size that triggers the next sweep early; doubles while the windows are all live, so sweeps stay amortised O(1). */
  #sweepAt = SWEEP_THRESHOLD
  #lastSweep = Number.NEGATIVE_INFINITY

  constructor(clock: Clock, defaultLimit: number) {
    this.#clock = clock
    this.#defaultLimit = defaultLimit
  }

  hit(id: string, limit = this.#defaultLimit): RateLimitDecision {
    const now = this.#clock.now()
    // Past the threshold, sweep when the map has doubled since the last sweep or a window length has passed.
    const size = this.#windows.size
    if (size >= SWEEP_THRESHOLD && (size >= this.#sweepAt || now >= this.#lastSweep + WINDOW_MS)) this.#sweep(now)
    let window = this.#windows.get(id)
    if (!window || now >= window.start + WINDOW_MS) {
      // Re-inserted, so the map stays in order of window start and the first entries are the oldest.
      this.#windows.delete(id)
      if (this.#windows.size >= MAX_RATE_WINDOWS) this.#dropOldest()
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

  /** How many windows are held (live or not yet swept). */
  get size(): number {
    return this.#windows.size
  }

  /** Makes room for one window by dropping the oldest (ended ones come first in start order): O(1). */
  #dropOldest(): void {
    const oldest = this.#windows.keys().next().value
    if (oldest !== undefined) this.#windows.delete(oldest)
  }

  /** Deletes every window that has ended; a key seen again just opens a new one. */
  #sweep(now: number): void {
    for (const [id, window] of this.#windows) if (now >= window.start + WINDOW_MS) this.#windows.delete(id)
    this.#sweepAt = Math.max(SWEEP_THRESHOLD, this.#windows.size * 2)
    this.#lastSweep = now
  }
}
