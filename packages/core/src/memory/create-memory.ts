import type { CapabilitySpec } from '@inboard/tools'
import type { Clock } from '../clock.js'
import type { Planner } from '../planner/planner.js'
import type { RateLimit, RateLimiter } from '../queue/queue.js'
import type { CallMiddleware } from '../runner/call-middleware.js'
import type { KeyValueStore } from '../storage/key-value-store.js'
import { ExecutionMemory } from './execution-memory.js'
import { createMemoryApi, type MemoryApi } from './memory-api.js'
import { createMemoryMiddleware } from './memory-middleware.js'
import { MemoryStore } from './memory-store.js'
import { withPlanMemory } from './plan-memory.js'

/** Options of execution memory (`createRuntime({ memory })`). */
export interface MemoryOptions {
  /** Learn from runs and apply what was learned. Tasks can opt out with `memory: false`. @default true */
  enabled?: boolean
  /** Where memory lives (a `Keyv` instance works). @default the runtime storage's `memory` */
  store?: KeyValueStore
  /** Facts neither learned nor used for this long are dropped, in milliseconds. @default 2592000000 (30 days) */
  maxAgeMs?: number
}

/** Execution memory as the runtime wires it. */
export interface MemoryModule {
  api: MemoryApi
  /** The memory middleware, or none when memory is off. */
  middleware: readonly CallMiddleware[]
  /** Wraps the planner with plan replay (unchanged when memory is off). */
  planner(inner: Planner): Planner
  /** For the auth consent flow: learned scopes to request up front (null when memory is off). */
  scopesFor: ExecutionMemory['scopesFor'] | null
  /** Waits for pending writes to the store, at most `withinMs` (then resolves `false`). */
  flush(withinMs?: number): Promise<boolean>
  /** Loads what the store holds (part of the runtime's start-up). */
  ready(): Promise<void>
  /** A rate limit another process learned (with a queue). */
  heardLimit(key: string, limit: RateLimit): void
}

export interface MemoryModuleDeps {
  clock: Clock
  /** Where memory lives unless `options.store` says otherwise (undefined: only in process, for the in-memory storage). */
  store: KeyValueStore | undefined
  /** A running task's record (memory is used only while tasks run). */
  task(id: string): { memory?: false; account: string | null } | undefined
  specOf(id: string): CapabilitySpec | undefined
  /** With a queue: the fleet's shared window for learned limits. */
  limiter?: RateLimiter | undefined
  /** With a queue: tells the other processes about a limit learned here. */
  announceLimit?: (key: string, limit: RateLimit) => void
}

export function createMemory(options: MemoryOptions, deps: MemoryModuleDeps): MemoryModule {
  const enabled = options.enabled ?? true
  const store = new MemoryStore({
    backend: options.store ?? deps.store,
    clock: deps.clock,
    maxAgeMs: options.maxAgeMs ?? 30 * 86_400_000,
  })
  const memory = new ExecutionMemory({
    store,
    clock: deps.clock,
    enabledFor: (id) => enabled && deps.task(id)?.memory !== false,
    accountOf: (id) => deps.task(id)?.account ?? null,
    limiter: deps.limiter,
    announceLimit: deps.announceLimit,
  })
  return {
    api: createMemoryApi(memory, enabled),
    middleware: enabled ? [createMemoryMiddleware(memory)] : [],
    planner: (inner) => (enabled ? withPlanMemory(inner, memory, (id) => deps.specOf(id)) : inner),
    scopesFor: enabled ? (request) => memory.scopesFor(request) : null,
    flush: (withinMs) => store.flush(withinMs),
    ready: () => store.ready(),
    heardLimit: (key, limit) => memory.heardLimit(key, limit),
  }
}
