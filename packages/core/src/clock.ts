/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown

/**
 * Time as the runtime sees it. Retries, timeouts, retention and rate limits all read this clock, so
 * tests can advance a fake one (`@inboard/core/testing`) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** The real clock: `Date.now` and Node timers (unref'd so they never keep a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    // Node fires delays above 2^31 - 1 ms almost at once; clamp them (about 24.8 days) instead.
    const handle = setTimeout(callback, Math.min(ms, 2_147_483_647))
    handle.unref()
    return handle
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
}

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle)
      reject(signal?.reason)
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
