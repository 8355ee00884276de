import type { TaskError } from '../errors/inboard-error.js'
import type { CallRecord, PlannedCall } from '../planner/planner.js'
import type { StepStatus, TaskMode, TaskStatus, TaskWaiting, TokenUsage } from '../task/task-types.js'

/** One trace step as stored. Times are epoch milliseconds on the runtime's clock. */
export interface StoredStep {
  /** The tool (or `runtime`, or the planner's name) the step is about. */
  tool: string
  /** The capability called, `plan`, or `wait_<reason>`. */
  action: string
  status: StepStatus
  startedAt: number
  /** 0 while the step runs. */
  durationMs: number
  note: string | null
  /** Model-call steps only (`tool: "model"`): the model id. */
  model?: string
  /** Model-call steps only: the tokens the call used. */
  usage?: TokenUsage
}

/**
 * A capability call that had started and not yet finished when the task was last saved. After a
 * crash, recovery reads it to decide whether the call may run again (no side effects, or declared
 * idempotent) or whether a person has to decide, because it may or may not have happened.
 */
export interface InFlightCall {
  call: PlannedCall
  /** The `ctx.idempotencyKey` the call ran with; a repeat after recovery uses the same key. */
  idempotencyKey: string
  startedAt: number
}

/**
 * Where a task's run stands, saved so that another process (or this one after a restart) can
 * continue it from its last completed step. Present from the task's first start until it ends;
 * `null` before it started and once it is terminal.
 */
export interface TaskProgress {
  /** Calls that finished (complete, failed or skipped), oldest first, with their outputs. */
  history: CallRecord[]
  /** Messages supplied through `sendInput({ message })`, oldest first. */
  messages: string[]
  /** Values supplied through `sendInput({ values })`, merged. */
  values: Record<string, unknown>
  /** Planner decisions made so far (counted against `limits.maxSteps`). */
  decisions: number
  /** Calls a wait (approval, consent) held back; they run first when the task resumes. */
  held: PlannedCall[] | null
  /** A person's answer to an approval request, until the approved call runs. */
  approved: boolean | null
  /** When the current wait began (epoch ms), or null when not waiting. */
  waitStartedAt: number | null
  /** The call running at the time of the save, if any (see {@link InFlightCall}). */
  inFlight: InFlightCall | null
}

/**
 * A task exactly as a {@link TaskStorage} keeps it: plain JSON-compatible data (`result`,
 * `metadata`, `waiting`, `error`, `steps` and `progress` may be stored as JSON columns), nothing of
 * a run in progress (no abort controllers, timers or promises). Times are epoch milliseconds.
 *
 * `version`, `owner` and `leaseExpiresAt` are managed through the storage's methods: see
 * {@link TaskStorage.update}, {@link TaskStorage.claim} and {@link TaskStorage.renew}.
 */
export interface StoredTask {
  /** `task_` followed by base62; the primary key. */
  id: string
  status: TaskStatus
  prompt: string
  /** The subagent that runs the task, or null for a task without one. */
  subAgent: string | null
  /** The tool that did the work, when a single tool did (set when the task completes). */
  tool: string | null
  userId: string | null
  /** The account the task belongs to (`createRuntime` callers' `scope.account`), or null. */
  account: string | null
  mode: TaskMode
  priority: number
  metadata: Record<string, unknown>
  /** Running time allowed, in milliseconds; waiting does not count. */
  timeoutMs: number
  createdAt: number
  startedAt: number | null
  /** When the task became complete, failed or cancelled. */
  endedAt: number | null
  /** Running time used so far, in milliseconds. */
  usedMs: number
  /** The result of a complete task; `undefined` (or absent) otherwise. */
  result: unknown
  error: TaskError | null
  waiting: TaskWaiting | null
  /** The trace, oldest step first. */
  steps: StoredStep[]
  progress: TaskProgress | null
  /** Tokens of the planner's model calls, summed; absent until the first one. */
  usage?: TokenUsage
  /** False when the task was created with `memory: false`: it neither learns nor uses execution memory. */
  memory: boolean
  /**
   * Optimistic concurrency: 1 after `insert`, one more after every accepted `update` or `claim`.
   * A write made against an older version is refused, never applied over newer state.
   */
  version: number
  /**
   * The process (runtime instance) that holds the task's lease, or null when nobody does. The
   * runtime holds pending and running tasks; it clears the owner when a task waits (any process
   * may resume it) or ends.
   */
  owner: string | null
  /** Epoch ms at which the owner's lease ends unless renewed; null when there is no owner. */
  leaseExpiresAt: number | null
}
