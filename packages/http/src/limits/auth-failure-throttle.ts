import type { Clock } from '@inboard/core'

/** Options of the per-address throttle on failed authentication. */
export interface AuthFailureOptions {
  /** Failed authentications (unknown, revoked or malformed keys) one client address may make per window. @default 10 */
  maxFailures?: number
  /** The window's length in milliseconds; it opens with the address's first failure. @default 60000 */
  windowMs?: number
}

interface Window {
  start: number
  failures: number
}

/** Addresses tracked at once; past it, ended windows are swept and then the oldest dropped. */
const MAX_ADDRESSES = 10_000

/**
 * Counts failed authentications per client address in fixed windows on the runtime's clock. An
 * address past its budget is refused — with any key, so a guess that happens to be right teaches
 * nothing — until its window ends.
 */
export class AuthFailureThrottle {
  readonly #windows = new Map<string, Window>()
  readonly #clock: Clock
  readonly #max: number
  readonly #windowMs: number

  constructor(clock: Clock, options: Required<AuthFailureOptions>) {
    this.#clock = clock
    this.#max = options.maxFailures
    this.#windowMs = options.windowMs
  }

  /** Seconds until `address` may try again, or null when it may now. */
  blockedFor(address: string): number | null {
    const window = this.#live(address)
    if (window === undefined || window.failures < this.#max) return null
    return Math.max(1, Math.ceil((window.start + this.#windowMs - this.#clock.now()) / 1000))
  }

  /** Counts one failed authentication from `address`. */
  fail(address: string): void {
    let window = this.#live(address)
    if (window === undefined) {
      if (this.#windows.size >= MAX_ADDRESSES) this.#makeRoom()
      window = { start: this.#clock.now(), failures: 0 }
      this.#windows.set(address, window)
    }
    window.failures++
  }

  #live(address: string): Window | undefined {
    const window = this.#windows.get(address)
    if (window === undefined) return undefined
    if (this.#clock.now() < window.start + this.#windowMs) return window
    this.#windows.delete(address)
    return undefined
  }

  #makeRoom(): void {
    const now = this.#clock.now()
    for (const [address, window] of this.#windows)
      if (now >= window.start + this.#windowMs) this.#windows.delete(address)
    // Still full: the oldest windows go (insertion order), so memory stays bounded under a flood of addresses.
    for (const address of this.#windows.keys()) {
      if (this.#windows.size < MAX_ADDRESSES) break
      this.#windows.delete(address)
    }
  }
}
