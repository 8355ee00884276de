import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import { TASK_EVENT_OF_STATUS, type EventBus, type RuntimeEvent } from '../events.js'
import type { TaskStorage } from '../storage/task-storage.js'
import { isTerminal, nextStatus, type TaskEventType } from './task-machine.js'
import { toTask, type TaskRecord } from './task-record.js'
import type { Task, TaskStatus } from './task-types.js'
import { TaskWriter, type WriteOutcome } from './task-writer.js'
import { isoTime } from '../iso-time.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import type { RuntimeErrorHandler } from '../runtime/runtime-options.js'
import { elapsed } from '../elapsed.js'

/** How long finished tasks stay readable. */
export interface Retention {
  /** Most finished tasks kept; the oldest go first. */
  maxTasks: number
  /** Milliseconds a finished task is kept after it ended. */
  maxAgeMs: number
  /** Bytes of finished tasks kept (as JSON), where the storage measures them. */
  maxBytes: number
}

/** Who this process is, for the leases of the tasks it holds. */
export interface Lease {
  owner: string
  durationMs: number
}

/** With a queue, the least time between two prunes a process starts because tasks ended. */
const PRUNE_AFTER_END_MS = 1_000

/** `resolve(null)`: the task was taken over by another process; read it from storage instead. */
type Waiter = { until: 'terminal' | 'waiting'; resolve: (task: Task | null) => void }

/** Steps still running when a task ends were cut short; the trace says so instead of "running". */
function closeOpenSteps(record: TaskRecord, now: number): void {
  for (const step of record.steps ?? []) {
    if (step.status !== 'running') continue
    step.status = 'skipped'
    step.durationMs = elapsed(now, step.startedAt)
    step.note =
      step.note === undefined ? `stopped: task ${record.status}` : `${step.note}; stopped: task ${record.status}`
  }
}

export interface LifecycleDeps {
  storage: TaskStorage
  bus: EventBus
  clock: Clock
  retention: Retention
  lease: Lease
  /** A task this process held was taken over or changed elsewhere: stop running it here. */
  onLost(record: TaskRecord): void
  /** Told of a failure that reaches no caller (a bug in settling a write). */
  onError: RuntimeErrorHandler
  /** Secrets calls sent: scrubbed from a task's error, result and waiting message before it is stored or announced. */
  secrets?: SecretScrubber
  /**
   * With a queue: pending tasks belong to the queue, not to a process (no owner, no lease), and a
   * task that stops running here (pending or waiting again) is let go once stored, so that whichever
   * process takes it next reads it fresh. @default false
   */
  handOff?: boolean
}

/**
 * The only place a task's status changes: checks each change against the task machine, stamps
 * times and the lease, queues the write, emits the event, and wakes `wait()` callers once the
 * change is stored. Keeps the live records of the tasks this process holds.
 */
export class TaskLifecycle {
  readonly #deps: LifecycleDeps
  readonly #writer: TaskWriter
  readonly #live = new Map<string, TaskRecord>()
  readonly #waiters = new Map<string, Waiter[]>()
  #pruning: Promise<void> | null = null
  #pruneAgain = false
  #lastPruneAt = Number.NEGATIVE_INFINITY

  constructor(deps: LifecycleDeps) {
    this.#deps = deps
    this.#writer = new TaskWriter(deps.storage, {
      onConflict: (record) => this.#lose(record),
      onFailure: (record, error) => {
        if (isTerminal(record.status)) return
        const controller = record.work?.controller
        if (this.apply(record, 'FAIL', (task) => (task.error = error.toTaskError()))) controller?.abort(error)
      },
      onUnexpected: (thrown, record) =>
        deps.onError(thrown, { message: 'a task write settled unexpectedly', taskId: record.id }),
    })
  }

  /** The live record of a task this process holds, if any. */
  live(id: string): TaskRecord | undefined {
    return this.#live.get(id)
  }

  /** Live records, for close and lease renewal. */
  liveRecords(): IterableIterator<TaskRecord> {
    return this.#live.values()
  }

  /** Takes a record read from storage into this process (a resumed waiting task, a recovered one). */
  adopt(record: TaskRecord): TaskRecord {
    const existing = this.#live.get(record.id)
    if (existing) return existing
    this.#live.set(record.id, record)
    return record
  }

  /** Stores a new pending task (rejects when the storage refuses it), then announces it. */
  async created(record: TaskRecord): Promise<void> {
    this.#stampLease(record)
    await this.#writer.insert(record)
    if (this.#deps.handOff !== true) this.#live.set(record.id, record)
    this.#announce(record, Promise.resolve('written'))
  }

  /**
   * Applies `event`. Returns false when the machine refuses it from a terminal state (a late
   * completion after a cancel, say); refusing from a live state is a bug and throws.
   */
  apply(record: TaskRecord, event: TaskEventType, update?: (record: TaskRecord) => void): boolean {
    if (!this.#change(record, event, update)) return false
    const written = this.#writer.save(record)
    this.#announce(record, written)
    void written.then((outcome) => this.#afterWrite(record, outcome))
    return true
  }

  /**
   * Claims a pending task for this process (START) and resolves true once the claim is stored;
   * false when it was refused (another process claimed it first, or it changed since the copy the
   * record was made from). Only a stored claim is announced, here and elsewhere.
   */
  async start(record: TaskRecord): Promise<boolean> {
    if (!this.#change(record, 'START')) return false
    const written = this.#writer.save(record)
    void written.then((outcome) => this.#afterWrite(record, outcome))
    if ((await this.settled(record)) !== 'written') return false
    this.#announce(record, Promise.resolve('written'))
    return true
  }

  /** Moves the record's status (checked by the machine) and stamps what goes with it; the caller writes it. */
  #change(record: TaskRecord, event: TaskEventType, update?: (record: TaskRecord) => void): boolean {
    // Another process holds the task now: what is left of the run here changes nothing.
    if (record.lost === true) return false
    const next = nextStatus(record.status, event)
    if (next === undefined) {
      if (isTerminal(record.status)) return false
      throw new InboardError('internal_error', `Illegal task transition ${record.status} --${event}-->`)
    }
    const now = this.#deps.clock.now()
    record.status = next
    update?.(record)
    this.#scrub(record, next)
    if (next === 'running' && record.startedAt === null) record.startedAt = now
    if (next !== 'waiting') record.waiting = null
    if (isTerminal(next)) {
      record.endedAt = now
      closeOpenSteps(record, now)
      record.work = null
    }
    this.#stampLease(record)
    return true
  }

  /** What a task shows the world (its error, result, waiting message) carries no secret a call sent. */
  #scrub(record: TaskRecord, next: TaskStatus): void {
    const secrets = this.#deps.secrets
    if (secrets === undefined) return
    if (next === 'failed' && record.error) {
      const { message, suggestion } = record.error
      record.error = {
        ...record.error,
        message: secrets.scrub(message),
        suggestion: suggestion === null ? null : secrets.scrub(suggestion),
      }
    }
    if (next === 'complete') record.result = secrets.scrubValue(record.result)
    if (next === 'waiting' && record.waiting) {
      const { message, request } = record.waiting
      record.waiting = {
        ...record.waiting,
        message: secrets.scrub(message),
        ...(request === undefined ? {} : { request: secrets.scrubValue(request) }),
      }
    }
  }

  /** Queues a write of the record's progress (a step boundary); resolves once it is stored. */
  save(record: TaskRecord): Promise<WriteOutcome> {
    if (record.lost === true) return Promise.resolve('conflict')
    this.#stampLease(record)
    return this.#writer.save(record)
  }

  /** True while a write of the record is queued or in flight: storage may not show its latest owner and lease yet. */
  writing(record: TaskRecord): boolean {
    return !this.#writer.idle(record)
  }

  /** Resolves when every change made to the record so far is stored (or refused). */
  settled(record: TaskRecord): Promise<WriteOutcome> {
    return this.#writer.settled(record)
  }

  /**
   * Resolves with the task once it is terminal, or waiting when `until` says so; with null when
   * another process took the task over meanwhile.
   */
  wait(record: TaskRecord, until: 'terminal' | 'waiting'): Promise<Task | null> {
    if (isTerminal(record.status) || (until === 'waiting' && record.status === 'waiting')) {
      return this.settled(record).then(() => toTask(record))
    }
    return new Promise((resolve) => {
      const list = this.#waiters.get(record.id)
      const waiter = { until, resolve }
      if (list) list.push(waiter)
      else this.#waiters.set(record.id, [waiter])
    })
  }

  /**
   * A task ended: prune. With a queue every process of the fleet does this for the tasks it ran, and
   * back-to-back passes (each a scan of the finished tasks) kept a database connection per process
   * busy under load, so a process starts one at most every {@link PRUNE_AFTER_END_MS}; `list()`
   * still prunes before it reads.
   */
  #pruneAfterEnd(): void {
    const now = this.#deps.clock.now()
    if (this.#deps.handOff === true && now - this.#lastPruneAt < PRUNE_AFTER_END_MS) return
    this.#lastPruneAt = now
    void this.prune()
  }

  /** Drops finished tasks past their age or count; concurrent calls share one pass. */
  prune(): Promise<void> {
    if (this.#pruning) {
      this.#pruneAgain = true
      return this.#pruning
    }
    const { retention, clock, storage } = this.#deps
    this.#pruning = (async () => {
      do {
        this.#pruneAgain = false
        await storage.prune({
          endedBefore: clock.now() - retention.maxAgeMs,
          maxFinished: retention.maxTasks,
          maxFinishedBytes: retention.maxBytes,
        })
      } while (this.#pruneAgain)
    })()
      .catch(() => undefined)
      .finally(() => (this.#pruning = null))
    return this.#pruning
  }

  /** Pending and running tasks carry this process's lease (with a queue, running ones only); waiting and finished ones nobody's. */
  #stampLease(record: TaskRecord): void {
    if (record.status === 'running' || (record.status === 'pending' && this.#deps.handOff !== true)) {
      record.owner = this.#deps.lease.owner
      record.leaseExpiresAt = this.#deps.clock.now() + this.#deps.lease.durationMs
    } else {
      record.owner = null
      record.leaseExpiresAt = null
    }
  }

  #afterWrite(record: TaskRecord, outcome: WriteOutcome): void {
    if (outcome === 'conflict') return
    this.#wake(record)
    // After a failed write the storage holds an older state: keep answering from the live record.
    // Every change a write carried reports here; the first to see the task ended lets it go.
    if (isTerminal(record.status) && outcome === 'written' && this.#live.get(record.id) === record) {
      this.#live.delete(record.id)
      this.#pruneAfterEnd()
    } else if (
      this.#deps.handOff === true &&
      outcome === 'written' &&
      (record.status === 'pending' || record.status === 'waiting')
    ) {
      if (this.#live.get(record.id) === record && this.#writer.idle(record)) this.#live.delete(record.id)
    }
  }

  /** Another process took the task over: stop holding it here (see {@link TaskLifecycle.#lose}). */
  lose(record: TaskRecord): void {
    this.#lose(record)
  }

  /** Lets go of a live record that is not running here (a waiting task another process resumed). */
  release(record: TaskRecord): void {
    if (record.status !== 'running' && this.#live.get(record.id) === record && this.#writer.idle(record))
      this.#live.delete(record.id)
  }

  /**
   * Another process ended a task this one runs (a cancel that came over the queue): the live record
   * takes the stored status without writing it, is let go, and its run stops.
   */
  endedElsewhere(record: TaskRecord, status: TaskStatus): void {
    if (isTerminal(record.status) || !isTerminal(status)) return
    record.status = status
    record.work = null
    this.#lose(record)
  }

  /** Another process changed the task: forget the live record; `wait()` callers read the stored state. */
  #lose(record: TaskRecord): void {
    record.lost = true
    if (this.#live.get(record.id) === record) this.#live.delete(record.id)
    this.#deps.onLost(record)
    const list = this.#waiters.get(record.id)
    this.#waiters.delete(record.id)
    for (const waiter of list ?? []) waiter.resolve(null)
  }

  #announce(record: TaskRecord, stored: Promise<WriteOutcome>): void {
    const type = TASK_EVENT_OF_STATUS[record.status]
    this.#deps.bus.emit(
      type,
      () =>
        ({
          type,
          task_id: record.id,
          timestamp: isoTime(this.#deps.clock.now()),
          task: toTask(record),
        }) as RuntimeEvent,
      stored,
    )
  }

  #wake(record: TaskRecord): void {
    const list = this.#waiters.get(record.id)
    if (!list) return
    const terminal = isTerminal(record.status)
    const keep: Waiter[] = []
    let snapshot: Task | undefined
    for (const waiter of list) {
      if (terminal) waiter.resolve((snapshot ??= toTask(record)))
      else if (waiter.until === 'waiting' && record.status === 'waiting') {
        // Resolve after the run that went waiting has released its slot.
        const task = (snapshot ??= toTask(record))
        setImmediate(() => waiter.resolve(task))
      } else keep.push(waiter)
    }
    if (keep.length > 0) this.#waiters.set(record.id, keep)
    else this.#waiters.delete(record.id)
  }
}
