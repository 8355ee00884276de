import { ToolError } from '@inboard/tools'
import { sleep } from '../clock.js'
import { ReplanRequest, WaitRequest, type CallMiddleware, type CallSite } from '../runner/call-middleware.js'
import type { ExecutionMemory } from './execution-memory.js'
import { applyKnownRenames, repairOutput } from './rename-repair.js'
import { keyOf, type MemoryScope } from './memory-store.js'
import { chooseSize, isSizeRejection, observeSize, sizeFields, smallerSize } from './page-sizes.js'
import { PacerRegistry } from './pacer.js'
import { announcedLimit, formatLimit, observeLimit, rolloverWindow, type AnnouncedLimit } from './rate-limit-learning.js'
import { LEARNED_CODES, observeRetry, tunePolicy } from './retry-learning.js'

/** What memory tracks during one call. */
interface CallState {
  key: string
  pacer: string
  /** First failure of the current retry streak, and its code. */
  failedAt: number | null
  failedCode: string | null
  retries: number
  waitedMs: number
  pacedRequests: number
}

/**
 * Where a call's state lives: on the call site itself (a symbol-keyed property; the site lives as
 * long as the call), which costs neither a map entry nor an identity hash per call.
 */
const STATE = Symbol('inboard.memory.call')
type TrackedSite = CallSite & { [STATE]?: CallState }

/** The scope a call learns into (built only when something is learned). */
const scopeOf = (site: CallSite): MemoryScope => ({ subagent: site.task.sub_agent, tool: site.tool, account: site.task.account })

/** Size refusals memory works around within one call before giving up. */
const MAX_SHRINKS = 3

const since = (taskId: string): string => `learned from ${taskId}`

/**
 * The call middleware of execution memory. Before a call it applies what earlier runs taught —
 * learned page sizes, retry policy, pacing under a learned rate limit, known field renames — and
 * notes each use in the trace; around it, it learns from what happens: 429s, missing scopes,
 * refused sizes, transient failures and what recovered them, outputs that fail their schema.
 */
export function createMemoryMiddleware(memory: ExecutionMemory): CallMiddleware {
  const fetchTools = new Set<string>()
  const lastAnnounced = new Map<string, AnnouncedLimit>()

  /** Logs a request and reserves its slot under a learned limit; a promise only when it must wait. */
  const pace = (site: CallSite, state: CallState): Promise<void> | undefined => {
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
    return shared.reserve(state.pacer, { limit: pacer.limit, windowMs: pacer.windowMs }).then(wait, () => wait(pacer.reserve(memory.clock.now())))
  }

  const pacedFetch = (site: CallSite, state: CallState, base: typeof globalThis.fetch | undefined): typeof globalThis.fetch => {
    return async (input, init) => {
      fetchTools.add(site.tool)
      const waiting = pace(site, state)
      if (waiting) await waiting
      const response = await (base ?? globalThis.fetch)(input, init)
      const announced = announcedLimit(response.headers)
      if (announced) learnFromHeaders(site, state, { announced, status: response.status })
      return response
    }
  }

  /** Learns a limit from `X-RateLimit-*` on responses, before any 429: the window from a rollover, a raised limit at once. */
  const learnFromHeaders = (site: CallSite, state: CallState, { announced, status }: { announced: AnnouncedLimit; status: number }): void => {
    const previous = lastAnnounced.get(state.pacer)
    lastAnnounced.set(state.pacer, announced)
    const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
    const evidence = { status, 'x-ratelimit-limit': announced.limit, 'x-ratelimit-remaining': announced.remaining, 'x-ratelimit-reset': announced.reset }
    if (entry && announced.limit > entry.value.limit) {
      memory.learn(scopeOf(site), 'rate_limit', { capability: null, key: '', value: { limit: announced.limit, window_ms: entry.value.window_ms }, taskId: site.task.id, evidence: { ...evidence, previous_limit: entry.value.limit } })
      site.note(`learned rate limit raised to ${formatLimit({ limit: announced.limit, windowMs: entry.value.window_ms })} (was ${entry.value.limit})`)
      return
    }
    const windowMs = previous ? rolloverWindow(previous, announced) : undefined
    if (windowMs === undefined || (entry && (windowMs >= entry.value.window_ms || entry.value.limit !== announced.limit))) return
    memory.learn(scopeOf(site), 'rate_limit', { capability: null, key: '', value: { limit: announced.limit, window_ms: windowMs }, taskId: site.task.id, evidence: { ...evidence, 'previous-reset': previous?.reset } })
    site.note(`learned rate limit ${formatLimit({ limit: announced.limit, windowMs })} from X-RateLimit headers`)
  }

  const applyBefore = (site: CallSite, state: CallState): void => {
    const facts = memory.store.scope(state.key)
    if (!facts) return
    for (const code of LEARNED_CODES) {
      const fact = memory.find(state.key, 'retry_pattern', { capability: site.capability, key: code })
      if (fact && tunePolicy(site.policy, fact.value)) {
        memory.used(fact)
        site.note(`retry policy from learned ${code} recoveries: first retry after ≤${site.policy.minDelayMs} ms, up to ${site.policy.retries} retries (${since(fact.provenance.task_id)})`)
      }
    }
    for (const [field, planned] of sizeFields(site.input)) {
      const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
      const choice = fact ? chooseSize(fact.value, planned) : null
      if (!fact || !choice) continue
      memory.used(fact)
      site.input = { ...(site.input as Record<string, unknown>), [field]: choice.size }
      const { largest_ok: ok, smallest_rejected: refused } = fact.value
      site.note(
        choice.probe
          ? `probing ${field} ${choice.size} (${ok ?? 'none'} worked, ${refused} refused)`
          : `used learned ${field} ${choice.size} instead of ${planned} (${since(fact.provenance.task_id)})`,
      )
    }
  }

  const learnSizes = (site: CallSite, state: CallState, { accepted, evidence }: { accepted: boolean; evidence: Record<string, unknown> }): void => {
    for (const [field, size] of sizeFields(site.input)) {
      const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
      const next = observeSize(fact?.value, size, accepted)
      if (fact && next.largest_ok === fact.value.largest_ok && next.smallest_rejected === fact.value.smallest_rejected) continue
      memory.learn(scopeOf(site), 'page_size', { capability: site.capability, key: field, value: { field, ...next }, taskId: site.task.id, evidence: { [field]: size, accepted, ...evidence } })
    }
  }

  /** Runs the call, retrying with smaller page sizes while the upstream refuses the size. */
  const runSized = async (site: CallSite, state: CallState, next: () => Promise<unknown>): Promise<unknown> => {
    for (let shrinks = 0; ; shrinks++) {
      try {
        const output = await next()
        learnSizes(site, state, { accepted: true, evidence: {} })
        return output
      } catch (thrown) {
        const fields = sizeFields(site.input)
        if (!(thrown instanceof ToolError) || fields.length === 0 || shrinks >= MAX_SHRINKS || !isSizeRejection(thrown, site.spec.sideEffects === true, fields.map(([field]) => field))) throw thrown
        learnSizes(site, state, { accepted: false, evidence: { code: thrown.code, status: thrown.details?.status, message: thrown.message.slice(0, 200) } })
        const smaller: Record<string, unknown> = { ...(site.input as Record<string, unknown>) }
        for (const [field, size] of fields) {
          const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
          const size2 = smallerSize(fact?.value, size)
          if (size2 < 1) throw thrown
          smaller[field] = size2
          site.note(`${field} ${size} refused (${thrown.code}); retrying with ${size2}`)
        }
        site.input = smaller
      }
    }
  }

  const learnFailure = (site: CallSite, state: CallState, error: ToolError): void => {
    const now = memory.clock.now()
    if (error.code === 'rate_limited') {
      const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
      const paced = memory.pacers.get(state.pacer)
      const observed = observeLimit(error, memory.pacers.recent(state.pacer), { now, paced: paced && { limit: paced.limit, windowMs: paced.windowMs } })
      if (observed && (entry?.value.limit !== observed.limit || entry.value.window_ms !== observed.windowMs)) {
        memory.learn(scopeOf(site), 'rate_limit', { capability: null, key: '', value: { limit: observed.limit, window_ms: observed.windowMs }, taskId: site.task.id, evidence: observed.evidence })
        site.note(`learned rate limit ${formatLimit(observed)} from a 429${entry ? ` (was ${formatLimit({ limit: entry.value.limit, windowMs: entry.value.window_ms })})` : ''}`)
      }
    } else if (error.code === 'insufficient_scope' && error.scopes && error.scopes.length > 0) {
      const entry = memory.find(state.key, 'oauth_scopes', { capability: null, key: '' })
      const scopes = [...new Set([...(entry?.value.scopes ?? []), ...error.scopes])]
      if (!entry || scopes.length !== entry.value.scopes.length) {
        const headers = error.details?.headers as Record<string, unknown> | undefined
        memory.learn(scopeOf(site), 'oauth_scopes', { capability: null, key: '', value: { scopes }, taskId: site.task.id, evidence: { code: error.code, status: error.details?.status ?? 403, capability: site.capability, scopes: error.scopes, 'www-authenticate': headers?.['www-authenticate'] } })
        site.note(`learned that ${site.tool} needs scopes ${scopes.join(' ')}; the next consent asks for them up front`)
      }
    } else if (LEARNED_CODES.has(error.code) && error.retryable) {
      state.failedAt ??= now
      state.failedCode = error.code
      state.retries++
    }
  }

  /** `recoveredAt`: when the attempt that succeeded started (the outage lasted at most until then). */
  const learnRecovery = (site: CallSite, state: CallState, { recovered, recoveredAt = memory.clock.now() }: { recovered: boolean; recoveredAt?: number | undefined }): void => {
    if (state.failedCode === null || state.failedAt === null) return
    const fact = memory.find(state.key, 'retry_pattern', { capability: site.capability, key: state.failedCode })
    const afterMs = recoveredAt - state.failedAt
    const value = observeRetry(fact?.value, state.failedCode, { recovered, afterMs, retries: state.retries })
    memory.learn(scopeOf(site), 'retry_pattern', { capability: site.capability, key: state.failedCode, value, taskId: site.task.id, evidence: { code: state.failedCode, retries: state.retries, recovered, after_ms: afterMs } })
    state.failedAt = null
    state.failedCode = null
    state.retries = 0
  }

  const noteUses = (site: CallSite, state: CallState, waiting: boolean): void => {
    const pacer = memory.pacers.get(state.pacer)
    if (pacer && state.pacedRequests > 0) {
      const entry = memory.find(state.key, 'rate_limit', { capability: null, key: '' })
      if (entry) memory.used(entry)
      site.note(`paced to learned limit ${formatLimit(pacer)}${state.waitedMs > 0 ? ` (waited ${state.waitedMs} ms)` : ''}`)
    }
    const scopes = memory.scopeUses.get(site.task.id)
    if (!scopes) return
    memory.scopeUses.delete(site.task.id)
    // Learned scopes are asked for on every call; they matter to the user when a consent link carries them.
    if (!waiting) return
    for (const entry of scopes) {
      // Scopes this very task learned are asked for in its own incremental consent: not a use.
      if (entry.provenance.task_id === site.task.id) continue
      memory.used(entry)
      site.note(`requested learned scopes ${entry.value.scopes.join(' ')} up front (${since(entry.provenance.task_id)})`)
    }
  }

  /** What a failed call becomes: a repaired output, a replan of a replayed plan, or the error. */
  const recover = (site: CallSite, state: CallState, thrown: unknown): unknown => {
    if (!(thrown instanceof ToolError)) throw thrown
    if (state.failedCode !== null && LEARNED_CODES.has(thrown.code)) learnRecovery(site, state, { recovered: false })
    if (thrown.code === 'invalid_output') {
      try {
        return repairOutput(memory, site, { scope: scopeOf(site), error: thrown })
      } catch (unrepaired) {
        if (memory.replay(site.task.id)?.entry && unrepaired instanceof ToolError && unrepaired.code !== 'field_mapping_ambiguous') throw replan(memory, site, unrepaired)
        throw unrepaired
      }
    }
    if (memory.replay(site.task.id)?.entry) throw replan(memory, site, thrown)
    throw thrown
  }

  const call = async (site: CallSite, next: () => Promise<unknown>): Promise<unknown> => {
    if (!memory.enabled(site.task)) return next()
    if (!memory.store.isReady) await memory.store.ready()
    const state: CallState = { key: keyOf(site.task.sub_agent, site.tool, site.task.account), pacer: PacerRegistry.key(site.tool, site.task.account), failedAt: null, failedCode: null, retries: 0, waitedMs: 0, pacedRequests: 0 }
    const tracked: TrackedSite = site
    tracked[STATE] = state
    site.context.fetch = pacedFetch(site, state, site.context.fetch)
    applyBefore(site, state)
    let waiting = false
    try {
      // Most calls have no size field: no extra async frame for them.
      return await (sizeFields(site.input).length === 0 ? next() : runSized(site, state, next))
    } catch (thrown) {
      waiting = thrown instanceof WaitRequest
      return recover(site, state, thrown)
    } finally {
      noteUses(site, state, waiting)
    }
  }

  const attempt = async (site: CallSite, next: () => Promise<unknown>): Promise<unknown> => {
    const state = (site as TrackedSite)[STATE]
    if (!state) return next()
    const waiting = fetchTools.has(site.tool) ? undefined : pace(site, state)
    if (waiting) await waiting
    const startedAt = memory.clock.now()
    try {
      const raw = await next()
      if (state.failedCode !== null) learnRecovery(site, state, { recovered: true, recoveredAt: startedAt })
      return applyKnownRenames(memory, site, { key: state.key, raw })
    } catch (thrown) {
      if (thrown instanceof ToolError) learnFailure(site, state, thrown)
      throw thrown
    }
  }

  return { name: 'inboard:memory', call, attempt }
}

/** Marks a replayed plan as failed so the planner takes over, and fails only the step. */
function replan(memory: ExecutionMemory, site: CallSite, error: ToolError): ReplanRequest {
  const state = memory.replay(site.task.id)
  if (state) state.failed = true
  site.note(`replayed plan failed at ${site.tool}.${site.capability}; falling back to planning`)
  return new ReplanRequest(error)
}
