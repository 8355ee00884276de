import { ToolError } from '@inboard/tools'
import { ReplanRequest, WaitRequest, type CallMiddleware, type CallSite } from '../runner/call-middleware.js'
import type { ExecutionMemory } from './execution-memory.js'
import { applyPageSizes, hasSizeFields, runSized } from './learned-page-sizes.js'
import { LearnedRateLimits } from './learned-rate-limits.js'
import {
  applyRetryPolicy,
  endsRetryStreak,
  isLearnedRetry,
  learnRecovery,
  noteRetryFailure,
} from './learned-retries.js'
import { learnScopes, noteScopeUses } from './learned-scopes.js'
import { scopeOf, type CallState, type MemoryCall } from './memory-call.js'
import { keyOf } from './memory-store.js'
import { PacerRegistry } from './pacer.js'
import { applyKnownRenames, repairOutput } from './rename-repair.js'

/**
 * Where a call's state lives: on the call site itself (a symbol-keyed property; the site lives as
 * long as the call), which costs neither a map entry nor an identity hash per call.
 */
const STATE = Symbol('inboard.memory.call')
type TrackedSite = CallSite & { [STATE]?: MemoryCall }

/**
 * The call middleware of execution memory. Before a call it applies what earlier runs taught —
 * learned page sizes, retry policy, pacing under a learned rate limit, known field renames — and
 * notes each use in the trace; around it, it learns from what happens: 429s, missing scopes,
 * refused sizes, transient failures and what recovered them, outputs that fail their schema. Each
 * learned fact has its own module (`learned-rate-limits.ts`, `learned-retries.ts`,
 * `learned-page-sizes.ts`, `learned-scopes.ts`, `rename-repair.ts`, `plan-memory.ts`); this one
 * puts them in order around the call.
 */
export function createMemoryMiddleware(memory: ExecutionMemory): CallMiddleware {
  const rateLimits = new LearnedRateLimits(memory)

  const learnFailure = (tracked: MemoryCall, error: ToolError): void => {
    if (error.code === 'rate_limited') rateLimits.learnFromFailure(tracked, error)
    else if (error.code === 'insufficient_scope') learnScopes(tracked, error)
    else if (isLearnedRetry(error)) noteRetryFailure(tracked, error)
  }

  /** What a failed call becomes: a repaired output, a replan of a replayed plan, or the error. */
  const recover = (tracked: MemoryCall, thrown: unknown): unknown => {
    const { site } = tracked
    if (!(thrown instanceof ToolError)) throw thrown
    if (endsRetryStreak(tracked, thrown)) learnRecovery(tracked, { recovered: false })
    if (thrown.code === 'invalid_output') {
      try {
        return repairOutput(memory, site, { scope: scopeOf(site), error: thrown })
      } catch (unrepaired) {
        if (
          memory.replay(site.task.id)?.entry &&
          unrepaired instanceof ToolError &&
          unrepaired.code !== 'field_mapping_ambiguous'
        )
          throw replan(memory, site, unrepaired)
        throw unrepaired
      }
    }
    if (memory.replay(site.task.id)?.entry) throw replan(memory, site, thrown)
    throw thrown
  }

  const call = async (site: CallSite, next: () => Promise<unknown>): Promise<unknown> => {
    if (!memory.enabled(site.task)) return next()
    if (!memory.store.isReady) await memory.store.ready()
    const state: CallState = {
      key: keyOf(site.task.sub_agent, site.tool, site.task.account),
      pacer: PacerRegistry.key(site.tool, site.task.account),
      failedAt: null,
      failedCode: null,
      retries: 0,
      waitedMs: 0,
      pacedRequests: 0,
    }
    const tracked: MemoryCall = { memory, site, state }
    const trackedSite: TrackedSite = site
    trackedSite[STATE] = tracked
    site.context.fetch = rateLimits.pacedFetch(tracked, site.context.fetch)
    if (memory.store.scope(state.key)) {
      applyRetryPolicy(tracked)
      applyPageSizes(tracked)
    }
    let waiting = false
    try {
      // Most calls have no size field: no extra async frame for them.
      return await (hasSizeFields(tracked) ? runSized(tracked, next) : next())
    } catch (thrown) {
      waiting = thrown instanceof WaitRequest
      return recover(tracked, thrown)
    } finally {
      rateLimits.noteUse(tracked)
      noteScopeUses(tracked, waiting)
    }
  }

  const attempt = async (site: CallSite, next: () => Promise<unknown>): Promise<unknown> => {
    const tracked = (site as TrackedSite)[STATE]
    if (!tracked) return next()
    const waiting = rateLimits.pacesRequests(site.tool) ? undefined : rateLimits.pace(tracked)
    if (waiting) await waiting
    const startedAt = memory.clock.now()
    try {
      const raw = await next()
      if (tracked.state.failedCode !== null) learnRecovery(tracked, { recovered: true, recoveredAt: startedAt })
      return applyKnownRenames(memory, site, { key: tracked.state.key, raw })
    } catch (thrown) {
      if (thrown instanceof ToolError) learnFailure(tracked, thrown)
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
