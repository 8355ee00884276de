import type { ToolError } from '@inboard/tools'
import { sleep } from '../clock.js'
import type { CallSite } from '../runner/call-middleware.js'
import type { ExecutionMemory } from './execution-memory.js'
import { scopeOf, type CallState, type MemoryCall } from './memory-call.js'
import {
  announcedLimit,
  formatLimit,
  observeLimit,
  rolloverWindow,
  type AnnouncedLimit,
} from './rate-limit-learning.js'

/**
 * Rate limits in the memory middleware: paces calls under a learned limit (in this process, or in
 * the fleet's shared window with a queue), and learns limits from `X-RateLimit-*` headers before
 * any 429 and from the 429s themselves.
 */
export class LearnedRateLimits {
  readonly #memory: ExecutionMemory
  /** Tools whose requests go through `ctx.fetch`, paced per request rather than per attempt. */
  readonly #fetchTools = new Set<string>()
  readonly #lastAnnounced = new Map<string, AnnouncedLimit>()

  constructor(memory: ExecutionMemory) {
    this.#memory = memory
  }

  /** Whether the tool's requests are paced one by one through `ctx.fetch`, so an attempt needs no pacing of its own. */
  pacesRequests(tool: string): boolean {
    return this.#fetchTools.has(tool)
  }

  /** Logs a request and reserves its slot under a learned limit; a promise only when it must wait. */
  pace({ site, state }: { site: CallSite; state: CallState }): Promise<void> | undefined {
    const memory = this.#memory
    const pacer = memory.pacers.get(state.pacer)
    const now = memory.clock.now()
    memory.pacers.log(state.pacer, now)
    if (!pacer) return undefined
    state.pacedRequests++
    const wait = (delay: number): Promise<void> | undefined => {
      if (delay <= 0) return undefined
      state.waitedMs += delay
      return sleep(memory.clock, delay, site.signal)
    }
    // With a queue the window is the fleet's; if its server cannot answer, this process paces alone.
    const shared = memory.limiter
    if (shared === undefined) return wait(pacer.reserve(now))
    return shared
      .reserve(state.pacer, { limit: pacer.limit, windowMs: pacer.windowMs })
      .then(wait, () => wait(pacer.reserve(memory.clock.now())))
  }

  /** A `fetch` for the tool's context that paces each request and learns from the limit its response announces. */
  pacedFetch(call: MemoryCall, base: typeof globalThis.fetch | undefined): typeof globalThis.fetch {
    return async (input, init) => {
      this.#fetchTools.add(call.site.tool)
      const waiting = this.pace(call)
      if (waiting) await waiting
      const response = await (base ?? globalThis.fetch)(input, init)
      const announced = announcedLimit(response.headers)
      if (announced) this.#learnFromHeaders(call, { announced, status: response.status })
      return response
    }
  }

  /** Learns a limit from `X-RateLimit-*` on responses, before any 429: the window from a rollover, a raised limit at once. */
  #learnFromHeaders(
    { site, state }: MemoryCall,
    { announced, status }: { announced: AnnouncedLimit; status: number },
  ): void {
    const memory = this.#memory
    const previous = this.#lastAnnounced.get(state.pacer)
    this.#lastAnnounced.set(state.pacer, announced)
    const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
    const evidence = {
      status,
      'x-ratelimit-limit': announced.limit,
      'x-ratelimit-remaining': announced.remaining,
      'x-ratelimit-reset': announced.reset,
    }
    if (entry && announced.limit > entry.value.limit) {
      memory.learn(scopeOf(site), 'rate_limit', {
        capability: null,
        key: '',
        value: { limit: announced.limit, window_ms: entry.value.window_ms },
        taskId: site.task.id,
        evidence: { ...evidence, previous_limit: entry.value.limit },
      })
      site.note(
        `learned rate limit raised to ${formatLimit({ limit: announced.limit, windowMs: entry.value.window_ms })} (was ${entry.value.limit})`,
      )
      return
    }
    const windowMs = previous ? rolloverWindow(previous, announced) : undefined
    if (
      windowMs === undefined ||
      (entry && (windowMs >= entry.value.window_ms || entry.value.limit !== announced.limit))
    )
      return
    memory.learn(scopeOf(site), 'rate_limit', {
      capability: null,
      key: '',
      value: { limit: announced.limit, window_ms: windowMs },
      taskId: site.task.id,
      evidence: { ...evidence, 'previous-reset': previous?.reset },
    })
    site.note(`learned rate limit ${formatLimit({ limit: announced.limit, windowMs })} from X-RateLimit headers`)
  }

  /** Learns (or corrects) the limit from a `rate_limited` failure. */
  learnFromFailure({ site, state }: MemoryCall, error: ToolError): void {
    const memory = this.#memory
    const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
    const paced = memory.pacers.get(state.pacer)
    const observed = observeLimit(error, memory.pacers.recent(state.pacer), {
      now: memory.clock.now(),
      paced: paced && { limit: paced.limit, windowMs: paced.windowMs },
    })
    if (observed && (entry?.value.limit !== observed.limit || entry.value.window_ms !== observed.windowMs)) {
      memory.learn(scopeOf(site), 'rate_limit', {
        capability: null,
        key: '',
        value: { limit: observed.limit, window_ms: observed.windowMs },
        taskId: site.task.id,
        evidence: observed.evidence,
      })
      site.note(
        `learned rate limit ${formatLimit(observed)} from a 429${entry ? ` (was ${formatLimit({ limit: entry.value.limit, windowMs: entry.value.window_ms })})` : ''}`,
      )
    }
  }

  /** Notes in the trace that the call was paced to a learned limit, and counts the use. */
  noteUse({ site, state }: MemoryCall): void {
    const memory = this.#memory
    const pacer = memory.pacers.get(state.pacer)
    if (!pacer || state.pacedRequests === 0) return
    const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
    if (entry) memory.used(entry)
    site.note(
      `paced to learned limit ${formatLimit(pacer)}${state.waitedMs > 0 ? ` (waited ${state.waitedMs} ms)` : ''}`,
    )
  }
}
