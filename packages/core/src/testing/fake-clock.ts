import type { Clock, TimerHandle } from '../clock.js'

/** A clock that only moves when told to. */
export interface FakeClock extends Clock {
  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  advance(ms: number): Promise<void>
  /** Fires every pending timer, advancing time as needed, until none is left (bounded). */
  runAll(): Promise<void>
  /** Timers not yet fired. */
  readonly pending: number
}

interface Timer {
  id: number
  at: number
  callback: () => void
}

/** Lets queued microtasks and I/O callbacks of settled promises run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * A fake clock for tests: timeouts, retries and retention advance with {@link FakeClock.advance}
 * instead of real time.
 *
 * @example
 * const clock = createFakeClock()
 * const runtime = createRuntime({ clock, … })
 * await clock.advance(30_000)
 */
export function createFakeClock(start = Date.parse('2026-01-01T00:00:00Z')): FakeClock {
  let now = start
  let nextId = 1
  const timers = new Map<number, Timer>()

  const due = (until: number): Timer | undefined => {
    let first: Timer | undefined
    for (const timer of timers.values())
      if (timer.at <= until && (!first || timer.at < first.at || (timer.at === first.at && timer.id < first.id)))
        first = timer
    return first
  }

  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const id = nextId++
      timers.set(id, { id, at: now + Math.max(0, ms), callback })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    get pending() {
      return timers.size
    },
    async advance(ms) {
      const target = now + ms
      await settle()
      for (let timer = due(target); timer; timer = due(target)) {
        timers.delete(timer.id)
        now = Math.max(now, timer.at)
        timer.callback()
        await settle()
      }
      now = target
      await settle()
    },
    async runAll() {
      for (let i = 0; i < 10_000 && timers.size > 0; i++) {
        await settle()
        const next = due(Number.POSITIVE_INFINITY)
        if (!next) break
        await this.advance(next.at - now)
      }
    },
  }
}
