import type { Clock } from '../clock.js'
import type { Planner } from '../planner/planner.js'
import type { CapabilityIndex } from '../runtime/capability-index.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import type { TaskRecord, TaskWork } from '../task/task-record.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import type { CallMiddleware } from './call-middleware.js'
import type { RunSignal } from './run-signal.js'
import type { RetryPolicy } from './tool-execution.js'
import type { TraceRecorder } from './trace-recorder.js'

/** Bounds every task runs within. */
export interface Limits {
  /** Planner decisions per task. */
  maxSteps: number
  /** Default running time per task in milliseconds (time spent waiting does not count). */
  taskTimeoutMs: number
  /** Default time per capability call attempt in milliseconds. */
  callTimeoutMs: number
  retry: RetryPolicy
  /** Largest result kept, in bytes of JSON. */
  maxResultBytes: number
}

/** One run of a task, from a start or resume until it ends or waits: what every step of it needs. */
export interface TaskRun {
  readonly record: TaskRecord
  readonly work: TaskWork
  /** Capability ids this task may call. */
  readonly allowed: ReadonlySet<string>
  /** Aborted when the task is cancelled, times out or fails. */
  readonly signal: RunSignal
}

/** What running capability calls needs from the runtime. */
export interface CallRunnerDeps {
  /** Extensions around every capability call (credentials, execution memory, telemetry). */
  middleware: readonly CallMiddleware[]
  lifecycle: TaskLifecycle
  trace: TraceRecorder
  index: CapabilityIndex
  clock: Clock
  limits: Limits
  /** The planner, for how it takes refusals (`refusals: 'report'` puts them in the history). */
  planner: Pick<Planner, 'refusals'>
  /** Secret values calls send, kept out of everything the runtime emits. */
  secrets: SecretScrubber
}
