/** A learned limit: at most `limit` requests in any `windowMs`. */
export interface PaceLimit {
  limit: number
  windowMs: number
}

/** Slack added to the window so requests that arrive a little late still land in the next one. */
const SLACK = 0.02

/**
 * A sliding-window pacer: at most `limit` requests start in any window of `windowMs` (plus a 2%
 * slack). Unlike a token bucket with a full burst, a sliding window also keeps a fixed-window
 * upstream (the common kind) under its limit when our windows and its windows do not line up.
 * Requests that must wait are given their start time in order, so concurrent callers queue fairly.
 */
export class Pacer {
  readonly limit: number
  readonly windowMs: number
  readonly #times: number[] = []
  #head = 0

  constructor(limit: PaceLimit, carried: readonly number[] = []) {
    this.limit = limit.limit
    this.windowMs = limit.windowMs
    for (const at of carried.slice(-this.limit)) this.#times.push(at)
  }

  /** Reserves a start time for one request; returns how long to wait for it (0 = go now). */
  reserve(now: number): number {
    if (this.#times.length < this.limit) {
      this.#times.push(now)
      return 0
    }
    const oldest = this.#times[this.#head]!
    const at = Math.max(now, oldest + Math.ceil(this.windowMs * (1 + SLACK)))
    this.#times[this.#head] = at
    this.#head = (this.#head + 1) % this.limit
    return at - now
  }

  /** Reserved start times, oldest first (carried over when the limit is revised). */
  times(): number[] {
    return [...this.#times.slice(this.#head), ...this.#times.slice(0, this.#head)]
  }
}

/** How many recent request times are kept per service to estimate an unknown window. */
const LOG_SIZE = 1_024

/**
 * One pacer per service and account, shared by every task and subagent of the runtime, plus a
 * short log of when requests started (to estimate a window from a 429).
 */
export class PacerRegistry {
  readonly #pacers = new Map<string, Pacer>()
  readonly #logs = new Map<string, number[]>()

  static key(tool: string, account: string | null): string {
    return account === null ? tool : `${tool}\u001f${account}`
  }

  get(key: string): Pacer | undefined {
    return this.#pacers.get(key)
  }

  /** Installs or revises a service's limit, keeping the requests already reserved. */
  set(key: string, limit: PaceLimit): void {
    // A limit below one request, or a window of nothing, cannot be paced: never install it.
    if (!(limit.limit >= 1 && limit.windowMs > 0 && Number.isFinite(limit.limit) && Number.isFinite(limit.windowMs))) {
      this.#pacers.delete(key)
      return
    }
    const current = this.#pacers.get(key)
    if (current?.limit === limit.limit && current.windowMs === limit.windowMs) return
    this.#pacers.set(key, new Pacer(limit, current?.times() ?? this.#logs.get(key) ?? []))
  }

  delete(key: string): void {
    this.#pacers.delete(key)
  }

  /** Records that a request to the service started. */
  log(key: string, at: number): void {
    let log = this.#logs.get(key)
    if (!log) {
      log = []
      this.#logs.set(key, log)
    }
    log.push(at)
    if (log.length > LOG_SIZE * 2) log.splice(0, log.length - LOG_SIZE)
  }

  /** Recent request start times, oldest first. */
  recent(key: string): readonly number[] {
    return this.#logs.get(key) ?? []
  }
}
