import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import type { EventBus, RuntimeEvent } from '../events.js'
import { Deque } from '../scheduler/deque.js'
import type { TaskStore } from '../stores/task-store.js'
import { isTerminal, nextStatus, type TaskEventType } from './task-machine.js'
import { toTask, type TaskRecord } from './task-record.js'
import type { Task, TaskStatus } from './task-types.js'
import { isoTime } from '../iso-time.js'

/** How long finished tasks stay readable. */
export interface Retention {
  /** Most finished tasks kept; the oldest go first. */
  maxTasks: number
  /** Milliseconds a finished task is kept after it ended. */
  maxAgeMs: number
}

type Waiter = { until: 'terminal' | 'waiting'; resolve: (task: Task) => void }

const EVENT_OF: Record<TaskStatus, RuntimeEvent['type']> = {
  pending: 'task.created',
  running: 'task.running',
  waiting: 'task.waiting',
  complete: 'task.complete',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
}

/** Steps still running when a task ends were cut short; the trace says so instead of "running". */
function closeOpenSteps(record: TaskRecord, now: number): void {
  for (const step of record.steps ?? []) {
    if (step.status !== 'running') continue
    step.status = 'skipped'
    step.durationMs = now - step.startedAt
    step.note = step.note === undefined ? `stopped: task ${record.status}` : `${step.note}; stopped: task ${record.status}`
  }
}

/**
 * The only place a task's status changes: checks each change against the task machine, stamps
 * times, saves, emits the event, wakes `wait()` callers and applies retention when a task ends.
 */
export class TaskLifecycle {
  readonly #store: TaskStore
  readonly #bus: EventBus
  readonly #clock: Clock
  readonly #retention: Retention
  readonly #waiters = new Map<string, Waiter[]>()
  readonly #finished = new Deque<TaskRecord>()
  #finishedCount = 0

  constructor(store: TaskStore, bus: EventBus, clock: Clock, retention: Retention) {
    this.#store = store
    this.#bus = bus
    this.#clock = clock
    this.#retention = retention
  }

  /** Stores a new pending task and announces it. */
  created(record: TaskRecord): void {
    this.#store.insert(record)
    this.#announce(record)
  }

  /**
   * Applies `event`. Returns false when the machine refuses it from a terminal state (a late
   * completion after a cancel, say); refusing from a live state is a bug and throws.
   */
  apply(record: TaskRecord, event: TaskEventType, update?: (record: TaskRecord) => void): boolean {
    const next = nextStatus(record.status, event)
    if (next === undefined) {
      if (isTerminal(record.status)) return false
      throw new InboardError('internal_error', `Illegal task transition ${record.status} --${event}-->`)
    }
    const now = this.#clock.now()
    record.status = next
    update?.(record)
    if (next === 'running' && record.startedAt === null) record.startedAt = now
    if (next !== 'waiting') record.waiting = null
    if (isTerminal(next)) {
      record.endedAt = now
      record.work = null
      closeOpenSteps(record, now)
    }
    this.#store.save(record)
    this.#announce(record)
    this.#wake(record)
    if (isTerminal(next)) this.#retain(record)
    return true
  }

  /** Resolves with the task once it is terminal, or waiting when `until` says so. */
  wait(record: TaskRecord, until: 'terminal' | 'waiting'): Promise<Task> {
    if (isTerminal(record.status) || (until === 'waiting' && record.status === 'waiting')) {
      return Promise.resolve(toTask(record))
    }
    return new Promise((resolve) => {
      const list = this.#waiters.get(record.id)
      const waiter = { until, resolve }
      if (list) list.push(waiter)
      else this.#waiters.set(record.id, [waiter])
    })
  }

  /** Drops finished tasks past their age. */
  prune(): void {
    const oldest = this.#clock.now() - this.#retention.maxAgeMs
    for (;;) {
      const first = this.#finished.shift()
      if (!first) return
      if ((first.endedAt ?? 0) > oldest && this.#finishedCount <= this.#retention.maxTasks) {
        this.#finished.unshift(first)
        return
      }
      this.#finishedCount--
      this.#store.delete(first.id)
    }
  }

  #announce(record: TaskRecord): void {
    const type = EVENT_OF[record.status]
    this.#bus.emit(type, () => ({ type, task_id: record.id, timestamp: isoTime(this.#clock.now()), task: toTask(record) }) as RuntimeEvent)
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

  #retain(record: TaskRecord): void {
    this.#finished.push(record)
    this.#finishedCount++
    this.prune()
  }
}
