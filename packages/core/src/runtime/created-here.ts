import type { EventBus } from '../events.js'
import type { TaskRecord } from '../task/task-record.js'
import type { TaskStatus } from '../task/task-types.js'

/** Tasks remembered at most; past it the oldest are forgotten (their waits read storage instead). */
const MAX_TASKS = 10_000

const SETTLED: ReadonlySet<TaskStatus> = new Set(['complete', 'failed', 'cancelled', 'waiting'])

/**
 * With a queue: the tasks this process created and handed out that nobody has reported settled
 * (ended or waiting) yet. Every process hears those reports, from wherever the task runs, so until
 * one comes the task is known to be still on its way, and `wait()` need not read it back from
 * storage first: a caller that creates a task and waits for it costs one storage round trip, not
 * two. A report lost in transit only means the wait finds out by polling, as it would anyway.
 */
export class CreatedHere {
  readonly #tasks = new Map<string, TaskRecord>()

  /** Forgets tasks this process settles itself; the other processes' reports come through {@link settled}. */
  constructor(bus: EventBus) {
    for (const type of ['task.complete', 'task.failed', 'task.cancelled', 'task.waiting'] as const)
      bus.on(type, (event) => this.#tasks.delete(event.task_id), { remote: false })
  }

  /** Remembers a task as it was stored at creation (a record not live here, which nothing changes). */
  add(record: TaskRecord): void {
    if (this.#tasks.size >= MAX_TASKS) this.#tasks.delete(this.#tasks.keys().next().value!)
    this.#tasks.set(record.id, record)
  }

  /** The task as created, while nothing said it settled. */
  get(id: string): TaskRecord | undefined {
    return this.#tasks.get(id)
  }

  /** Another process reported the task's status. */
  settled(id: string, status: TaskStatus): void {
    if (SETTLED.has(status)) this.#tasks.delete(id)
  }
}
