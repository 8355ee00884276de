/** One request's deadline: `expire` runs once when it passes before the request is done. */
export interface RequestDeadline {
  readonly at: number
  readonly expire: () => void
}

/**
 * The deadlines of a planner's model requests, watched by one timer rather than a timer per
 * request (creating and clearing a timer per request was a measurable share of a decision's cost).
 * The timer is armed for the earliest deadline and, as requests usually end long before it, is
 * re-armed only when it fires; it keeps the process alive only while a request is in flight, as a
 * timer per request would.
 */
export class RequestDeadlines {
  readonly #entries = new Set<RequestDeadline>()
  #timer: ReturnType<typeof setTimeout> | null = null
  #at = Number.POSITIVE_INFINITY

  /** Watches a request that must end within `ms`. */
  add(ms: number, expire: () => void): RequestDeadline {
    const entry: RequestDeadline = { at: Date.now() + ms, expire }
    this.#entries.add(entry)
    if (entry.at < this.#at) this.#arm(entry.at)
    else if (this.#entries.size === 1) this.#timer?.ref()
    return entry
  }

  /** The request ended: its deadline no longer matters. */
  delete(entry: RequestDeadline): void {
    this.#entries.delete(entry)
    if (this.#entries.size === 0) this.#timer?.unref()
  }

  #arm(at: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#at = at
    this.#timer = setTimeout(() => this.#check(), Math.max(0, at - Date.now()))
  }

  #check(): void {
    this.#timer = null
    this.#at = Number.POSITIVE_INFINITY
    const now = Date.now()
    let next = Number.POSITIVE_INFINITY
    for (const entry of this.#entries) {
      if (entry.at > now) next = Math.min(next, entry.at)
      else {
        this.#entries.delete(entry)
        entry.expire()
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next)
  }
}
