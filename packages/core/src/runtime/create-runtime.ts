import type { Tool } from '@inboard/tools'
import type { AuthOptions } from '../auth/auth-options.js'
import type { AuthApi } from '../auth/auth-api.js'
import { createAuth } from '../auth/create-auth.js'
import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import {
  EventBus,
  type ListenOptions,
  type RuntimeEvent,
  type RuntimeEventOf,
  type RuntimeEventType,
  type Unsubscribe,
} from '../events.js'
import { createMemory } from '../memory/create-memory.js'
import type { MemoryApi } from '../memory/memory-api.js'
import { createDefaultPlanner } from '../planner/default-planner.js'
import { TraceRecorder } from '../runner/trace-recorder.js'
import { SecretScrubber } from '../secrets/secret-scrubber.js'
import { SubagentRegistry } from '../subagents/subagent-registry.js'
import { TaskLifecycle } from '../task/task-lifecycle.js'
import { createTelemetry } from '../telemetry/create-telemetry.js'
import type { Storage } from '../storage/storage.js'
import type { Queue } from '../queue/queue.js'
import { CapabilityIndex } from './capability-index.js'
import { CapabilityResolver } from './capability-resolver.js'
import { FleetLink } from './fleet-link.js'
import { sweepStrandedTasks } from './queue-sweep.js'
import { resolveOptions, type RuntimeOptions } from './runtime-options.js'
import type { SubagentApi } from './subagent-api.js'
import { SubagentService, toStoredSubagent } from './subagent-service.js'
import type { TaskApi } from './task-api.js'
import { TaskRecovery } from './task-recovery.js'
import { TaskService } from './task-service.js'

/** An Inboard runtime: see {@link createRuntime}. */
export interface Runtime {
  readonly tasks: TaskApi
  readonly subagents: SubagentApi
  /** The runtime's clock, for layers (HTTP, webhooks) that must agree with it on time. */
  readonly clock: Clock
  /** Where the runtime keeps its data; `@inboard/http` keeps idempotency records and the webhook outbox there too. */
  readonly storage: Storage
  /** The queue that hands tasks out to processes, when the runtime was given one. */
  readonly queue?: Queue
  /** End users' credentials and OAuth consent; present when the runtime was given `auth` options. */
  readonly auth?: AuthApi
  /** Execution memory: what runs taught (scopes, rate limits, renames, sizes, retries, plans). */
  readonly memory: MemoryApi
  /**
   * Resolves once the storage is open, migrated and recovered (and the queue, if any, connected).
   * Every API call waits for it, so calling it is optional; it rejects (as does every call) with
   * `storage_unavailable` or `storage_version_unsupported` when the storage cannot be used, and
   * with `queue_unavailable` when the queue cannot.
   */
  ready(): Promise<void>
  /** Registers a tool after start-up; subagents' tools are recomputed. */
  addTool(tool: Tool): void
  /** Listens to one event type. */
  on<T extends RuntimeEventType>(
    type: T,
    listener: (event: RuntimeEventOf<T>) => void,
    options?: ListenOptions,
  ): Unsubscribe
  /** Listens to every event. */
  subscribe(listener: (event: RuntimeEvent) => void, options?: ListenOptions): Unsubscribe
  /**
   * Stops accepting tasks, lets queued and running ones finish until `deadlineMs` (default 30 s) and
   * fails the ones still running as `runtime_closed`, then closes tools and the storage. Pending and
   * waiting tasks stay stored for the next start; with the default in-memory storage, which does not
   * outlive the runtime, they fail as `runtime_closed` too.
   */
  close(options?: { deadlineMs?: number }): Promise<void>
}

function queueError(thrown: unknown): InboardError {
  if (thrown instanceof InboardError && thrown.code === 'queue_unavailable') return thrown
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return new InboardError('queue_unavailable', `The queue could not be opened: ${message}`, {
    cause: thrown,
    recoverable: true,
    suggestion: 'Check that the queue server is reachable',
  })
}

function openError(thrown: unknown): InboardError {
  if (
    thrown instanceof InboardError &&
    (thrown.code === 'storage_unavailable' || thrown.code === 'storage_version_unsupported')
  )
    return thrown
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return new InboardError('storage_unavailable', `The storage could not be opened: ${message}`, {
    cause: thrown,
    recoverable: true,
    suggestion: 'Check that the database is reachable and writable',
  })
}

/**
 * Creates a runtime: register tools, deploy subagents, submit tasks. It opens its storage at once;
 * `await runtime.ready()` to see the outcome, or let the first call wait for it.
 *
 * @example
 * const runtime = createRuntime({ tools: [weather] })
 * const task = await runtime.tasks.create({ prompt: 'Weather in Paris?' })
 * const done = await runtime.tasks.wait(task.id)
 */
export function createRuntime(options: RuntimeOptions & { auth: AuthOptions }): Runtime & { readonly auth: AuthApi }
export function createRuntime(options?: RuntimeOptions): Runtime
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const resolved = resolveOptions(options)
  const { storage, clock, queue } = resolved
  // Every secret the runtime sends, so that nothing it emits (errors, traces, events, webhooks) repeats one.
  const secrets = new SecretScrubber()
  for (const tool of resolved.tools) for (const secret of tool.secrets ?? []) secrets.pin(secret)
  const auth =
    options.auth === undefined
      ? undefined
      : createAuth(options.auth, {
          clock,
          store: storage.credentials,
          secrets,
          resume: (filter, match): Promise<number> => tasks.resumeWaiting(filter, match),
        })
  const bus = new EventBus(resolved.onListenerError)
  const index = new CapabilityIndex(resolved.tools)
  const lifecycle = new TaskLifecycle({
    storage: storage.tasks,
    bus,
    clock,
    retention: resolved.retention,
    lease: resolved.lease,
    secrets,
    handOff: queue !== undefined,
    onError: resolved.onError,
    onLost: (record) =>
      record.work?.controller?.abort(new InboardError('storage_conflict', 'Another process took the task over')),
  })
  const memory = createMemory(resolved.memory, {
    clock,
    store: resolved.ownsStorage ? undefined : storage.memory,
    task: (id) => lifecycle.live(id),
    specOf: (id) => index.get(id)?.spec,
    limiter: queue?.limiter,
    announceLimit: (key, limit) => fleet?.announceLimit(key, limit),
  })
  if (memory.scopesFor) auth?.service.addScopeSource(memory.scopesFor)
  const registry = new SubagentRegistry(index, clock)
  const capabilities = new CapabilityResolver(index, registry)
  const trace = new TraceRecorder(clock, bus, secrets)

  let opened: Promise<void> | null = null
  const ready = (): Promise<void> =>
    (opened ??= (async () => {
      try {
        await storage.open()
        registry.load(await storage.subagents.list())
        for (const prebuilt of resolved.subagents)
          await storage.subagents.put(
            toStoredSubagent(registry.deploy({ ...prebuilt, account: null, type: 'prebuilt', replace: true })),
          )
        await memory.ready()
      } catch (thrown) {
        throw openError(thrown)
      }
      if (queue !== undefined) {
        const consumer = tasks.queued!
        await queue
          .open({
            work: resolved.work,
            concurrency: resolved.concurrency,
            run: (job) =>
              consumer.run(job).catch((error: unknown) =>
                resolved.onError(error, {
                  message: `running task ${job.taskId} from the queue failed unexpectedly`,
                  taskId: job.taskId,
                }),
              ),
            receive: (message) => fleet?.receive(message),
            report: (error, message) => resolved.onError(error, { message }),
          })
          .catch((thrown: unknown) => {
            throw queueError(thrown)
          })
        fleet?.start()
      }
      await recovery.start()
    })())

  const middleware = [
    ...memory.middleware,
    ...(auth === undefined ? resolved.middleware : [auth.middleware, ...resolved.middleware]),
  ]
  // Telemetry puts its layer outermost once it records spans.
  createTelemetry(options.telemetry, { clock, bus, onError: resolved.onError, middleware })
  const tasks: TaskService = new TaskService({
    options: resolved,
    storage: storage.tasks,
    lifecycle,
    runner: {
      lifecycle,
      trace,
      index,
      clock,
      limits: resolved.limits,
      secrets,
      planner: memory.planner(resolved.planner ?? createDefaultPlanner({ clock })),
      middleware,
    },
    index,
    subagents: registry,
    capabilities,
    ready,
    bus,
    queue,
    listen: () => fleet?.listen() ?? Promise.resolve(),
  })
  const fleet =
    queue === undefined
      ? null
      : new FleetLink({
          bus,
          queue,
          clock,
          origin: resolved.lease.owner,
          heard: (event) => tasks.heard(event),
          learned: (key, limit) => memory.heardLimit(key, limit),
        })
  const recovery = new TaskRecovery({
    storage: storage.tasks,
    lifecycle,
    tasks,
    trace,
    index,
    clock,
    lease: resolved.lease,
    claimOwn: options.lease?.owner !== undefined,
    onError: resolved.onError,
    ...(queue === undefined
      ? {}
      : {
          statuses: ['running'] as const,
          afterSweep: async (): Promise<void> => {
            await sweepStrandedTasks({
              storage: storage.tasks,
              queue,
              clock,
              graceMs: Math.floor(resolved.lease.durationMs / 6),
            })
          },
        }),
  })
  // Opening starts now; a failure is reported through ready() and every call, never as an unhandled rejection.
  ready().catch(() => undefined)
  const tools = [...resolved.tools]
  let closing: Promise<void> | null = null

  return {
    tasks,
    subagents: new SubagentService(registry, storage.subagents, ready),
    clock,
    storage,
    ...(queue === undefined ? {} : { queue }),
    memory: memory.api,
    ...(auth === undefined ? {} : { auth: auth.service }),
    ready,
    addTool(tool) {
      if (tasks.closed) throw new InboardError('runtime_closed', 'The runtime is closed')
      index.add(tool)
      tools.push(tool)
      for (const secret of tool.secrets ?? []) secrets.pin(secret)
      registry.refresh()
      capabilities.invalidate()
    },
    on: (type, listener, listenOptions) => bus.on(type, listener, listenOptions),
    subscribe: (listener, listenOptions) => bus.subscribe(listener, listenOptions),
    close(closeOptions = {}) {
      closing ??= (async () => {
        const deadlineMs = closeOptions.deadlineMs ?? 30_000
        const started = resolved.clock.now()
        tasks.stopIntake()
        recovery.stop()
        fleet?.stop()
        const usable = await ready().then(
          () => true,
          () => false,
        )
        // The queue stops handing out jobs while the ones running here finish or fail at the deadline.
        const queueClosed = queue?.close().catch(() => undefined)
        if (usable) await tasks.close(deadlineMs, resolved.ownsStorage)
        await queueClosed
        // Memory writes get what is left of the deadline; a slow store cannot hold close() past it.
        await memory.flush(Math.max(0, deadlineMs - (resolved.clock.now() - started)))
        await Promise.allSettled(tools.map(async (tool) => tool.close?.()))
        await storage.close().catch(() => undefined)
        bus.removeAll()
      })()
      return closing
    },
  }
}
