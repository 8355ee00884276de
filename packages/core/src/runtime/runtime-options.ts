import type { Tool } from '@inboard/tools'
import { z } from 'zod'
import type { AuthOptions } from '../auth/auth-options.js'
import { systemClock, type Clock } from '../clock.js'
import type { RuntimeEvent } from '../events.js'
import type { Planner } from '../planner/planner.js'
import type { Queue } from '../queue/queue.js'
import type { CallMiddleware } from '../runner/call-middleware.js'
import type { Limits } from '../runner/task-run.js'
import type { MemoryOptions } from '../memory/create-memory.js'
import { memoryStorage } from '../storage/memory/memory-storage.js'
import type { Storage } from '../storage/storage.js'
import type { Retention } from '../task/task-lifecycle.js'
import type { TaskMode } from '../task/task-types.js'
import type { TelemetryOptions } from '../telemetry/telemetry-options.js'
import { newId } from '../ids.js'
import { validate } from './validate.js'

/** A subagent shipped with the app (listed as `type: 'prebuilt'`). */
export interface PrebuiltSubagent {
  name: string
  prompt: string
  tools?: readonly string[]
}

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Tools the runtime may call. @default [] */
  tools?: readonly Tool[]
  /** Decides each task's next step. @default the offline default planner */
  planner?: Planner
  /** Subagents available from the start, listed with `type: 'prebuilt'`. @default [] */
  subagents?: readonly PrebuiltSubagent[]
  /** Tasks running at once across the runtime (with a `queue`, across every process on it). @default 20 */
  concurrency?: number
  /**
   * Tasks running at once per account (tasks created with an `account` scope); extra ones queue as
   * pending. Kept below `concurrency` by default, so one account's hanging tasks never hold every
   * slot: the rest go to other accounts, which take turns with it as slots free up. A value equal to
   * `concurrency` lets one account starve the others.
   * @default 10, or half of `concurrency` (rounded up) when that is less
   */
  accountConcurrency?: number
  /** Time source for timestamps, timeouts, retries and retention. @default the system clock */
  clock?: Clock
  /** Mode of tasks that do not set one. @default 'live' */
  mode?: TaskMode
  limits?: {
    /** Planner decisions per task. @default 25 */
    maxSteps?: number
    /** Running time per task in milliseconds, unless a task sets `timeout`. @default 300000 */
    taskTimeoutMs?: number
    /** Time per capability call attempt in milliseconds, unless the capability sets one. @default 30000 */
    callTimeoutMs?: number
    /** Retries of `transient`, `timeout` and `rate_limited` failures. @default 3 */
    retries?: number
    /** First retry delay in milliseconds (doubles each attempt, full jitter). @default 250 */
    retryMinDelayMs?: number
    /** Longest retry delay in milliseconds, unless the upstream's Retry-After asks for more. @default 30000 */
    retryMaxDelayMs?: number
    /** Largest task result kept, in bytes of JSON; a larger one fails the task with `result_too_large`. @default 1048576 */
    maxResultBytes?: number
  }
  retention?: {
    /** Finished tasks kept readable; the oldest are dropped first. @default 10000 */
    maxTasks?: number
    /** Milliseconds a finished task stays readable. @default 86400000 (24 h) */
    maxAgeMs?: number
    /**
     * Bytes of finished tasks (their stored form as JSON: prompt, metadata, result, error, trace)
     * the in-memory storage keeps; past it the oldest go first, so tasks carrying large results
     * cannot hold gigabytes under `maxTasks`. Durable storages keep tasks on disk and apply only the
     * count and the age. @default 268435456 (256 MB)
     */
    maxBytes?: number
  }
  /**
   * Where tasks, traces, subagents, execution memory, credentials, idempotency records and the
   * webhook outbox live (`sqliteStorage` from `@inboard/sqlite` keeps them across restarts).
   * @default in memory, lost when the process ends
   */
  storage?: Storage
  /**
   * Hands tasks out to many processes (`bullmqQueue` from `@inboard/bullmq`), with a storage they
   * share: any process creates tasks, the ones with `work: true` run them, and events, cancels and
   * learned rate limits reach every process. @default none: tasks run in this process
   */
  queue?: Queue
  /** With a `queue`: whether this process takes tasks from it and runs them (false: create and read only). @default true */
  work?: boolean
  lease?: {
    /**
     * How long a process holds the tasks it runs without renewing: when it dies, other processes
     * (or this one, restarted) take its tasks over once this has passed. @default 30000
     */
    durationMs?: number
    /**
     * This process's owner id in storage. A process that restarts under the same id takes its own
     * tasks back at once instead of waiting for their leases to expire; give each live process its
     * own. @default a random id per runtime
     */
    owner?: string
  }
  /** Extensions around every capability call, outermost first (logging, metrics, policies). @default [] */
  middleware?: readonly CallMiddleware[]
  /** Execution memory: learn from runs and apply it to the next ones. @default on, in memory */
  memory?: MemoryOptions
  /** End-user credentials: the encrypted vault and OAuth consent, exposed as `runtime.auth`. @default none (no `runtime.auth`) */
  auth?: AuthOptions
  /** OpenTelemetry spans through @opentelemetry/api when installed (a no-op until an SDK is registered); false turns them off. @default on, content not recorded */
  telemetry?: TelemetryOptions | false
  /**
   * Told of failures that reach no caller: a task run that broke outside its own error handling, a
   * lease renewal or recovery sweep that failed (it retries), a hand-out to the queue that failed
   * (the sweep retries), telemetry that failed (once), a listener that threw (unless
   * `onListenerError` is given). Tasks go on either way.
   * @default logs to console.error
   */
  onError?: RuntimeErrorHandler
  /** Called when an event listener throws; listeners never break tasks. @default passes it to `onError` */
  onListenerError?: (error: unknown, event: RuntimeEvent) => void
}

/** What {@link RuntimeOptions.onError} is told besides the error. */
export interface RuntimeErrorContext {
  /** What failed, in words ("a task run failed unexpectedly"). */
  message: string
  /** The task it concerns, when there is one. */
  taskId?: string
}

/** Receives failures that reach no caller; see {@link RuntimeOptions.onError}. */
export type RuntimeErrorHandler = (error: unknown, context: RuntimeErrorContext) => void

/** The only place the runtime writes to the console. */
const logError: RuntimeErrorHandler = (error, context) => console.error(`[inboard] ${context.message}:`, error)

const positiveInt = z.number().int().positive()
const optionsSchema = z.object({
  tools: z
    .array(
      z.custom<Tool>(
        (tool) => typeof tool === 'object' && tool !== null && 'capabilities' in tool,
        'expected a tool from defineTool',
      ),
    )
    .optional(),
  planner: z
    .custom<Planner>(
      (planner) => typeof (planner as Planner | undefined)?.plan === 'function',
      'expected a planner with a plan() method',
    )
    .optional(),
  subagents: z
    .array(z.object({ name: z.string(), prompt: z.string(), tools: z.array(z.string()).optional() }))
    .optional(),
  concurrency: positiveInt.optional(),
  accountConcurrency: positiveInt.optional(),
  clock: z
    .custom<Clock>((clock) => typeof (clock as Clock | undefined)?.now === 'function', 'expected a clock')
    .optional(),
  mode: z.enum(['live', 'test']).optional(),
  limits: z
    .object({
      maxSteps: positiveInt.optional(),
      taskTimeoutMs: positiveInt.optional(),
      callTimeoutMs: positiveInt.optional(),
      retries: z.number().int().min(0).max(20).optional(),
      retryMinDelayMs: z.number().int().min(0).optional(),
      retryMaxDelayMs: z.number().int().min(0).optional(),
      maxResultBytes: positiveInt.optional(),
    })
    .optional(),
  retention: z
    .object({
      maxTasks: z.number().int().min(0).optional(),
      maxAgeMs: z.number().int().min(0).optional(),
      maxBytes: z.number().int().min(0).optional(),
    })
    .optional(),
  storage: z
    .custom<Storage>(
      (storage) =>
        ['open', 'close'].every((name) => typeof Reflect.get(Object(storage), name) === 'function') &&
        typeof Reflect.get(Object(storage), 'tasks') === 'object',
      'expected a Storage (tasks, subagents, memory, credentials, idempotency, outbox, open, close)',
    )
    .optional(),
  queue: z
    .custom<Queue>(
      (queue) =>
        ['open', 'add', 'holds', 'publish', 'close'].every(
          (name) => typeof Reflect.get(Object(queue), name) === 'function',
        ),
      'expected a Queue (open, add, holds, publish, close)',
    )
    .optional(),
  work: z.boolean().optional(),
  lease: z
    .object({ durationMs: z.number().int().min(1_000).optional(), owner: z.string().min(1).max(200).optional() })
    .optional(),
  onError: z.function().optional(),
  onListenerError: z.function().optional(),
  memory: z
    .object({
      enabled: z.boolean().optional(),
      store: z
        .custom<MemoryOptions['store']>(
          (store) => typeof (store as { get?: unknown } | undefined)?.get === 'function',
          'expected a key-value store (a Keyv instance works)',
        )
        .optional(),
      maxAgeMs: positiveInt.optional(),
    })
    .optional(),
  middleware: z
    .array(
      z.custom<CallMiddleware>(
        (layer) => typeof (layer as CallMiddleware | undefined)?.name === 'string',
        'expected call middleware with a name',
      ),
    )
    .optional(),
})

/** Options with every default applied. */
export interface ResolvedOptions {
  tools: readonly Tool[]
  planner: Planner | undefined
  subagents: readonly PrebuiltSubagent[]
  concurrency: number
  accountConcurrency: number
  clock: Clock
  mode: TaskMode
  limits: Limits
  retention: Retention
  storage: Storage
  /** True when the runtime made its own in-memory storage (nothing outlives it). */
  ownsStorage: boolean
  queue: Queue | undefined
  work: boolean
  lease: { durationMs: number; owner: string }
  onError: RuntimeErrorHandler
  onListenerError: (error: unknown, event: RuntimeEvent) => void
  middleware: readonly CallMiddleware[]
  memory: MemoryOptions
}

export function resolveOptions(options: RuntimeOptions): ResolvedOptions {
  validate(optionsSchema, options, 'options')
  const limits = options.limits ?? {}
  const concurrency = options.concurrency ?? 20
  const onError = options.onError ?? logError
  return {
    tools: options.tools ?? [],
    planner: options.planner,
    subagents: options.subagents ?? [],
    concurrency,
    accountConcurrency: options.accountConcurrency ?? Math.min(10, Math.ceil(concurrency / 2)),
    clock: options.clock ?? systemClock,
    mode: options.mode ?? 'live',
    limits: {
      maxSteps: limits.maxSteps ?? 25,
      taskTimeoutMs: limits.taskTimeoutMs ?? 300_000,
      callTimeoutMs: limits.callTimeoutMs ?? 30_000,
      maxResultBytes: limits.maxResultBytes ?? 1_048_576,
      retry: {
        retries: limits.retries ?? 3,
        minDelayMs: limits.retryMinDelayMs ?? 250,
        maxDelayMs: limits.retryMaxDelayMs ?? 30_000,
      },
    },
    retention: {
      maxTasks: options.retention?.maxTasks ?? 10_000,
      maxAgeMs: options.retention?.maxAgeMs ?? 86_400_000,
      maxBytes: options.retention?.maxBytes ?? 268_435_456,
    },
    storage: options.storage ?? memoryStorage(),
    ownsStorage: options.storage === undefined,
    queue: options.queue,
    work: options.work ?? true,
    lease: { durationMs: options.lease?.durationMs ?? 30_000, owner: options.lease?.owner ?? newId('rt') },
    middleware: options.middleware ?? [],
    memory: options.memory ?? {},
    onError,
    onListenerError:
      options.onListenerError ??
      ((error, event) => onError(error, { message: `a listener for ${event.type} threw`, taskId: event.task_id })),
  }
}
