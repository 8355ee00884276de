import type { Tool } from '@inboard/tools'
import type { AuthOptions } from '../auth/auth-options.js'
import type { AuthService } from '../auth/auth-service.js'
import { createAuth } from '../auth/create-auth.js'
import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import { EventBus, type RuntimeEvent, type RuntimeEventOf, type RuntimeEventType, type Unsubscribe } from '../events.js'
import { createMemory } from '../memory/create-memory.js'
import type { MemoryApi } from '../memory/memory-api.js'
import { createDefaultPlanner } from '../planner/default-planner.js'
import { TraceRecorder } from '../runner/trace-recorder.js'
import { SubagentRegistry } from '../subagents/subagent-registry.js'
import { TaskLifecycle } from '../task/task-lifecycle.js'
import { createTelemetry } from '../telemetry/create-telemetry.js'
import { CapabilityIndex } from './capability-index.js'
import { resolveOptions, type RuntimeOptions } from './runtime-options.js'
import { SubagentService } from './subagent-service.js'
import { TaskService } from './task-service.js'

/** An Inboard runtime: see {@link createRuntime}. */
export interface Runtime {
  readonly tasks: TaskService
  readonly subagents: SubagentService
  /** The runtime's clock, for layers (HTTP, webhooks) that must agree with it on time. */
  readonly clock: Clock
  /** End users' credentials and OAuth consent; present when the runtime was given `auth` options. */
  readonly auth?: AuthService
  /** Execution memory: what runs taught (scopes, rate limits, renames, sizes, retries, plans). */
  readonly memory: MemoryApi
  /** Registers a tool after start-up; subagents' tools are recomputed. */
  addTool(tool: Tool): void
  /** Listens to one event type. */
  on<T extends RuntimeEventType>(type: T, listener: (event: RuntimeEventOf<T>) => void): Unsubscribe
  /** Listens to every event. */
  subscribe(listener: (event: RuntimeEvent) => void): Unsubscribe
  /**
   * Stops accepting tasks, lets queued and running ones finish until `deadlineMs` (default 30 s),
   * fails what is left as `runtime_closed`, then closes tools that hold connections.
   */
  close(options?: { deadlineMs?: number }): Promise<void>
}

/**
 * Creates a runtime: register tools, deploy subagents, submit tasks.
 *
 * @example
 * const runtime = createRuntime({ tools: [weather] })
 * const task = runtime.tasks.create({ prompt: 'Weather in Paris?' })
 * const done = await runtime.tasks.wait(task.id)
 */
export function createRuntime(options: RuntimeOptions & { auth: AuthOptions }): Runtime & { readonly auth: AuthService }
export function createRuntime(options?: RuntimeOptions): Runtime
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const resolved = resolveOptions(options)
  const auth = options.auth === undefined ? undefined : createAuth(options.auth, resolved.clock, (match): number => tasks.resumeWaiting(match))
  const bus = new EventBus(resolved.onListenerError)
  const index = new CapabilityIndex(resolved.tools)
  const memory = createMemory(resolved.memory, { clock: resolved.clock, tasks: resolved.taskStore, specOf: (id) => index.get(id)?.spec })
  if (memory.scopesFor) auth?.service.addScopeSource(memory.scopesFor)
  const registry = new SubagentRegistry(index, resolved.clock)
  for (const prebuilt of resolved.subagents) registry.deploy({ ...prebuilt, type: 'prebuilt' })
  const lifecycle = new TaskLifecycle(resolved.taskStore, bus, resolved.clock, resolved.retention)
  const tasks = new TaskService({
    options: resolved,
    lifecycle,
    trace: new TraceRecorder(resolved.clock, bus),
    index,
    subagents: registry,
    planner: memory.planner(resolved.planner ?? createDefaultPlanner({ clock: resolved.clock })),
    middleware: [...createTelemetry(options.telemetry, resolved.clock, bus), ...memory.middleware, ...(auth === undefined ? resolved.middleware : [auth.middleware, ...resolved.middleware])],
  })
  const tools = [...resolved.tools]
  let closing: Promise<void> | null = null

  return {
    tasks,
    subagents: new SubagentService(registry),
    clock: resolved.clock,
    memory: memory.api,
    ...(auth === undefined ? {} : { auth: auth.service }),
    addTool(tool) {
      if (tasks.closed) throw new InboardError('runtime_closed', 'The runtime is closed')
      index.add(tool)
      tools.push(tool)
      registry.refresh()
      tasks.invalidate()
    },
    on: (type, listener) => bus.on(type, listener),
    subscribe: (listener) => bus.subscribe(listener),
    close(closeOptions = {}) {
      closing ??= (async () => {
        const deadlineMs = closeOptions.deadlineMs ?? 30_000
        const started = resolved.clock.now()
        await tasks.close(deadlineMs)
        // Memory writes get what is left of the deadline; a slow store cannot hold close() past it.
        await memory.flush(Math.max(0, deadlineMs - (resolved.clock.now() - started)))
        await Promise.allSettled(tools.map(async (tool) => tool.close?.()))
        bus.removeAll()
      })()
      return closing
    },
  }
}
