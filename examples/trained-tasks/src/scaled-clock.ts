import type { Clock } from '@inboard/core'

/** A clock that runs `scale` times faster than real time. */
export interface ScaledClock extends Clock {
  readonly scale: number
}

/**
 * Simulated time for the demo: every timer (upstream latency, rate-limit windows, retry delays,
 * the simulated model and user) waits `1/scale` of its simulated duration, so fifty runs of a
 * multi-second task finish in seconds. All figures the demo prints are simulated milliseconds.
 */
export function createScaledClock(scale: number, start = Date.parse('2026-03-02T09:00:00Z')): ScaledClock {
  const realStart = performance.now()
  return {
    scale,
    now: () => Math.round(start + (performance.now() - realStart) * scale),
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms) / scale),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  }
}

/** Resolves after `ms` simulated milliseconds. */
export const wait = (clock: Clock, ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms))
