/**
 * Stops one run of a task. Like an AbortController, but the AbortSignal is only created when a
 * tool or planner actually reads it: most calls never do, and a controller per task and per call
 * was a measurable share of the runtime's per-task cost.
 */
export class RunSignal {
  #controller: AbortController | null = null
  #listeners: Set<(reason: unknown) => void> | null = null
  #aborted = false
  #reason: unknown = undefined

  get aborted(): boolean {
    return this.#aborted
  }

  get reason(): unknown {
    return this.#reason
  }

  /** A standard AbortSignal that follows this one. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Calls `listener` once when aborted; returns a function that removes it. */
  onAbort(listener: (reason: unknown) => void): () => void {
    ;(this.#listeners ??= new Set()).add(listener)
    return () => void this.#listeners?.delete(listener)
  }

  abort(reason?: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
    const listeners = this.#listeners
    this.#listeners = null
    if (listeners) for (const listener of listeners) listener(reason)
  }
}
