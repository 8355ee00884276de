import { InboardError } from '../errors/inboard-error.js'
import type { Queue, QueueJob } from '../queue/queue.js'
import { runTask, type RunnerDeps } from '../runner/task-runner.js'
import type { TaskStorage } from '../storage/task-storage.js'
import { fromStored, toStored } from '../task/stored-form.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import { newTaskWork, type TaskRecord } from '../task/task-record.js'
import type { RuntimeErrorHandler } from './runtime-options.js'

export interface QueueAdmissionDeps {
  queue: Queue
  storage: TaskStorage
  lifecycle: TaskLifecycle
  runner: RunnerDeps
  /** Tasks of one account running at once across the fleet. */
  accountConcurrency: number
  onError: RuntimeErrorHandler
}

/** How long a task whose account is at its cap waits before it is handed out again (plus jitter). */
const ACCOUNT_RETRY_MS = 250

/** The queue's job id for a task at a stored version: the task id for its first hand-out. */
export function jobIdOf(taskId: string, version: number): string {
  return version === 1 ? taskId : `${taskId}.${version}`
}

/**
 * Admission with a queue: a pending task is handed to the queue once it is stored, and whichever
 * process takes the job claims the task in storage (a compare-and-set on its version, so a job
 * delivered twice runs the task once) and runs it until it ends or waits.
 */
export class QueueAdmission {
  readonly #deps: QueueAdmissionDeps
  readonly #active = new Set<TaskRecord>()
  readonly #idle = new Set<() => void>()

  constructor(deps: QueueAdmissionDeps) {
    this.#deps = deps
  }

  /** New tasks are refused while the queue's server is away, instead of being stored and stranded. */
  accepting(): void {
    if (!this.#deps.queue.available) {
      throw new InboardError('queue_unavailable', 'The queue is unreachable; reconnecting', {
        recoverable: true,
        suggestion: 'Retry shortly: the runtime reconnects with backoff.',
      })
    }
  }

  /** Hands a pending (or resumed waiting) task to the queue once its state is stored. */
  async enqueue(record: TaskRecord): Promise<void> {
    const { lifecycle, queue } = this.#deps
    if (record.status === 'waiting') lifecycle.apply(record, 'REQUEUE')
    if ((await lifecycle.settled(record)) !== 'written' || record.status !== 'pending') return
    // A new task travels with its first job, so the worker that takes it need not read it back.
    const job: QueueJob = {
      id: jobIdOf(record.id, record.version),
      taskId: record.id,
      priority: record.priority,
      ...(record.version === 1 ? { task: toStored(record) } : {}),
    }
    // A failed add is not the caller's failure: the task is stored, and the sweep hands it out again.
    await queue.add(job).catch((error: unknown) => this.#handOffFailed(error, record))
  }

  #handOffFailed(error: unknown, record: TaskRecord): void {
    this.#deps.onError(error, {
      message: `handing task ${record.id} to the queue failed; the sweep will retry`,
      taskId: record.id,
    })
  }

  /** Tasks running here now. */
  active(): ReadonlySet<TaskRecord> {
    return this.#active
  }

  /** Resolves when no task runs here. */
  idle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.add(resolve))
  }

  /**
   * The per-account cap across the fleet, checked in storage after the claim is stored: every
   * process counts its account's running tasks only once its own claim is committed, so of two
   * claims racing for the last slot at least one sees both and backs off: the cap is never exceeded
   * (at worst both back off and retry a moment later).
   */
  async #overAccountCap(record: TaskRecord): Promise<boolean> {
    if (record.account === null) return false
    const cap = this.#deps.accountConcurrency
    const page = await this.#deps.storage.list(
      { status: 'running', account: record.account },
      { limit: cap + 1, offset: 0 },
    )
    return page.data.length > cap
  }

  /** The queue's consumer: claims the job's task and runs it. */
  async run(job: QueueJob): Promise<void> {
    const { storage, lifecycle, runner } = this.#deps
    // The copy a new task's job carries is as good as a read: the claim below is refused unless the
    // stored task is still at that version.
    const stored = job.task?.id === job.taskId ? job.task : await storage.get(job.taskId)
    if (stored === null || stored.status !== 'pending' || lifecycle.live(job.taskId)) return
    const record = lifecycle.adopt(fromStored(stored))
    record.work ??= newTaskWork()
    // Another process claimed it first (the same job delivered twice), or it changed since (cancelled
    // while it was queued): that write won, ours was refused.
    if (!(await lifecycle.start(record))) return
    if (await this.#overAccountCap(record)) {
      lifecycle.apply(record, 'REQUEUE')
      if ((await lifecycle.settled(record)) !== 'written' || record.status !== 'pending') return
      await this.#deps.queue
        .add({
          id: jobIdOf(record.id, record.version),
          taskId: record.id,
          priority: record.priority,
          delayMs: ACCOUNT_RETRY_MS + Math.floor(Math.random() * ACCOUNT_RETRY_MS),
        })
        .catch((error: unknown) => this.#handOffFailed(error, record))
      return
    }
    this.#active.add(record)
    try {
      await runTask(runner, record)
      await lifecycle.settled(record)
    } finally {
      this.#active.delete(record)
      if (this.#active.size === 0) for (const resolve of this.#idle) resolve()
      if (this.#active.size === 0) this.#idle.clear()
    }
  }
}
