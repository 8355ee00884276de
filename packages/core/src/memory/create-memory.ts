import type { CapabilitySpec } from '@inboard/tools'
import type Keyv from 'keyv'
import type { Clock } from '../clock.js'
import type { Planner } from '../planner/planner.js'
import type { CallMiddleware } from '../runner/call-middleware.js'
import type { TaskStore } from '../stores/task-store.js'
import { ExecutionMemory } from './execution-memory.js'
import { createMemoryApi, type MemoryApi } from './memory-api.js'
import { createMemoryMiddleware } from './memory-middleware.js'
import { MemoryStore } from './memory-store.js'
import { withPlanMemory } from './plan-memory.js'

/** Options of execution memory (`createRuntime({ memory })`). */
export interface MemoryOptions {
  /** Learn from runs and apply what was learned. Tasks can opt out with `memory: false`. @default true */
  enabled?: boolean
  /** Where memory lives; any keyv backend (SQLite, Redis…). @default an in-memory Keyv */
  store?: Keyv
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
}

export interface MemoryModuleDeps {
  clock: Clock
  tasks: TaskStore
  specOf(id: string): CapabilitySpec | undefined
}

export function createMemory(options: MemoryOptions, deps: MemoryModuleDeps): MemoryModule {
  const enabled = options.enabled ?? true
  const store = new MemoryStore({ backend: options.store, clock: deps.clock, maxAgeMs: options.maxAgeMs ?? 30 * 86_400_000 })
  const memory = new ExecutionMemory({
    store,
    clock: deps.clock,
    enabledFor: (id) => enabled && deps.tasks.get(id)?.memory !== false,
    accountOf: (id) => deps.tasks.get(id)?.account ?? null,
  })
  return {
    api: createMemoryApi(memory, enabled),
    middleware: enabled ? [createMemoryMiddleware(memory)] : [],
    planner: (inner) => (enabled ? withPlanMemory(inner, memory, (id) => deps.specOf(id)) : inner),
    scopesFor: enabled ? (request) => memory.scopesFor(request) : null,
    flush: (withinMs) => store.flush(withinMs),
  }
}
