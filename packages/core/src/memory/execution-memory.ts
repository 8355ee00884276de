import type { Clock } from '../clock.js'
import type { RateLimit, RateLimiter } from '../queue/queue.js'
import type { MemoryEntry, MemoryEntryOf, MemoryKind, MemoryValues } from './memory-entry.js'
import { scopeKey, type MemoryScope, type MemoryStore } from './memory-store.js'
import { PacerRegistry } from './pacer.js'
import { ShapeIndex } from './shape-index.js'

/** A task's planning as memory follows it (see plan-memory.ts); the middleware flags a replayed call that failed. */
export interface ReplayState {
  /** The plan entry being replayed, or null when planning (never replayed, or fell back). */
  entry: MemoryEntryOf<'plan'> | null
  failed: boolean
}

export interface ExecutionMemoryDeps {
  store: MemoryStore
  clock: Clock
  /** False for tasks created with `memory: false`. */
  enabledFor(taskId: string): boolean
  /** The account of a task, for requests that only carry its id. */
  accountOf(taskId: string): string | null
  /** With a queue: learned limits are paced in one window shared by every process. */
  limiter?: RateLimiter | undefined
  /** With a queue: tells the other processes about a limit learned here. */
  announceLimit?: ((key: string, limit: RateLimit) => void) | undefined
}

/** Most replays tracked at once; the oldest are dropped (tasks that ended without finishing). */
const MAX_REPLAYS = 10_000

/**
 * What the memory middleware, the plan decorator and `runtime.memory` share: the store, one pacer
 * per service, replays in progress, and how facts are learned with their provenance.
 */
export class ExecutionMemory {
  readonly store: MemoryStore
  readonly clock: Clock
  readonly pacers = new PacerRegistry()
  readonly limiter: RateLimiter | undefined
  readonly #replays = new Map<string, ReplayState>()
  /**
   * Plans by scope and shape, so a prompt is looked up without building an entry id from it; each
   * map is in order of last use or learning, least recent first, so eviction takes the first.
   */
  readonly #plans = new Map<string, Map<string, MemoryEntryOf<'plan'>>>()
  readonly #shapes = new Map<string, ShapeIndex>()
  readonly #deps: ExecutionMemoryDeps
  /** Learned scopes handed to the auth consent flow, per task, so the waiting step can say so. */
  readonly scopeUses = new Map<string, MemoryEntryOf<'oauth_scopes'>[]>()

  constructor(deps: ExecutionMemoryDeps) {
    this.#deps = deps
    this.store = deps.store
    this.clock = deps.clock
    this.limiter = deps.limiter
    this.store.onPut = (entry) => {
      if (entry.kind === 'rate_limit')
        this.pacers.set(PacerRegistry.key(entry.tool, entry.account), {
          limit: entry.value.limit,
          windowMs: entry.value.window_ms,
        })
      if (entry.kind !== 'plan') return
      const key = scopeKey({ subagent: entry.sub_agent, tool: entry.tool, account: entry.account })
      let plans = this.#plans.get(key)
      if (!plans) this.#plans.set(key, (plans = new Map<string, MemoryEntryOf<'plan'>>()))
      let shapes = this.#shapes.get(key)
      if (!shapes) this.#shapes.set(key, (shapes = new ShapeIndex()))
      const previous = plans.get(entry.value.shape)
      if (previous) shapes.remove(previous)
      plans.delete(entry.value.shape)
      plans.set(entry.value.shape, entry)
      shapes.add(entry)
    }
    this.store.onRemove = (entry) => {
      if (entry.kind !== 'plan') return
      const key = scopeKey({ subagent: entry.sub_agent, tool: entry.tool, account: entry.account })
      const plans = this.#plans.get(key)
      if (plans?.get(entry.value.shape) !== entry) return
      plans.delete(entry.value.shape)
      this.#shapes.get(key)?.remove(entry)
    }
  }

  accountOf(taskId: string): string | null {
    return this.#deps.accountOf(taskId)
  }

  /** Whether memory applies to a task (live mode, not turned off for it). */
  enabled(task: { id: string; mode: string }): boolean {
    return task.mode === 'live' && this.#deps.enabledFor(task.id)
  }

  find<K extends MemoryKind>(
    scope: string,
    kind: K,
    { capability, key }: { capability: string | null; key: string },
  ): MemoryEntryOf<K> | undefined {
    return this.store.scope(scope)?.get(entryId(kind, capability, key)) as MemoryEntryOf<K> | undefined
  }

  /** The plans of a scope, by shape. */
  plans(scope: string): ReadonlyMap<string, MemoryEntryOf<'plan'>> | undefined {
    return this.#plans.get(scope)
  }

  /** Stores a fact, or revises it, with the task that taught it and the evidence. */
  learn<K extends MemoryKind>(
    scope: MemoryScope,
    kind: K,
    {
      capability,
      key,
      value,
      taskId,
      evidence,
    }: {
      capability: string | null
      key: string
      value: MemoryValues[K]
      taskId: string
      evidence: Record<string, unknown>
    },
  ): MemoryEntryOf<K> {
    const previous = this.find(scopeKey(scope), kind, { capability, key })
    const entry = {
      id: entryId(kind, capability, key),
      kind,
      sub_agent: scope.subagent,
      tool: scope.tool,
      account: scope.account,
      capability,
      value,
      provenance: { task_id: taskId, learned_at: new Date(this.clock.now()).toISOString(), evidence },
      uses: previous?.uses ?? 0,
      last_used_at: previous?.last_used_at ?? null,
    } as MemoryEntryOf<K>
    this.store.put(entry)
    if (entry.kind === 'rate_limit') {
      const limit = entry.value as MemoryValues['rate_limit']
      this.#deps.announceLimit?.(PacerRegistry.key(scope.tool, scope.account), {
        limit: limit.limit,
        windowMs: limit.window_ms,
      })
    }
    return entry
  }

  /** A limit another process learned: paced here from now on. */
  heardLimit(key: string, limit: RateLimit): void {
    this.pacers.set(key, limit)
  }

  /** Forgets a stale fact. */
  forget(entry: MemoryEntry): void {
    this.store.remove(entry)
    if (entry.kind === 'rate_limit') this.#dropPacerIfUnknown(entry)
  }

  /** Called after entries were reset, so their pacers stop. */
  forgotten(entries: readonly MemoryEntry[]): void {
    for (const entry of entries) if (entry.kind === 'rate_limit') this.#dropPacerIfUnknown(entry)
  }

  #dropPacerIfUnknown(entry: MemoryEntryOf<'rate_limit'>): void {
    const still = this.store
      .entries()
      .find((other) => other.kind === 'rate_limit' && other.tool === entry.tool && other.account === entry.account)
    const key = PacerRegistry.key(entry.tool, entry.account)
    if (still?.kind === 'rate_limit')
      this.pacers.set(key, { limit: still.value.limit, windowMs: still.value.window_ms })
    else this.pacers.delete(key)
  }

  /** Counts a use of a fact. */
  used(entry: MemoryEntry): void {
    this.store.touch(entry)
    if (entry.kind !== 'plan') return
    const plans = this.#plans.get(scopeKey({ subagent: entry.sub_agent, tool: entry.tool, account: entry.account }))
    if (plans?.get(entry.value.shape) !== entry) return
    plans.delete(entry.value.shape)
    plans.set(entry.value.shape, entry)
  }

  /** The plan whose shape a prompt has (the most specific one), with the values it fills in. */
  matchPlan(scope: string, prompt: string): { entry: MemoryEntryOf<'plan'>; values: Record<string, string> } | null {
    return this.#shapes.get(scope)?.match(prompt) ?? null
  }

  /** The plan of a scope least recently used or learned. */
  leastRecentPlan(scope: string): MemoryEntryOf<'plan'> | undefined {
    return this.#plans.get(scope)?.values().next().value
  }

  /** A task's planning state (one map for the plan decorator and the middleware). */
  replay(taskId: string): ReplayState | undefined {
    return this.#replays.get(taskId)
  }

  track(taskId: string, state: ReplayState): void {
    if (this.#replays.size >= MAX_REPLAYS) this.#replays.delete(this.#replays.keys().next().value!)
    this.#replays.set(taskId, state)
  }

  untrack(taskId: string): void {
    this.#replays.delete(taskId)
  }

  /**
   * Scopes learned for a service, for the auth consent flow (`scopesFor`): asked before a call and
   * for every consent link, so a new user grants everything in one consent round.
   */
  async scopesFor(request: {
    service: string
    task_id: string | null
    sub_agent: string | null
  }): Promise<string[] | undefined> {
    if (request.task_id !== null && !this.#deps.enabledFor(request.task_id)) return undefined
    if (!this.store.isReady) await this.store.ready()
    const account = request.task_id === null ? null : this.#deps.accountOf(request.task_id)
    const entry = this.find(scopeKey({ subagent: request.sub_agent, tool: request.service, account }), 'oauth_scopes', {
      capability: null,
      key: '',
    })
    if (!entry) return undefined
    if (request.task_id !== null) {
      const uses = this.scopeUses.get(request.task_id) ?? []
      if (!uses.includes(entry)) this.scopeUses.set(request.task_id, [...uses, entry])
      if (this.scopeUses.size > MAX_REPLAYS) this.scopeUses.delete(this.scopeUses.keys().next().value!)
    }
    return entry.value.scopes
  }
}

/** `capability:kind:key` */
export function entryId(kind: MemoryKind, capability: string | null, key: string): string {
  return `${capability ?? '*'}:${kind}${key === '' ? '' : `:${key}`}`
}
