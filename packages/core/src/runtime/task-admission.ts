import { Scheduler } from '../scheduler/scheduler.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import { newTaskWork, type TaskRecord } from '../task/task-record.js'
import type { RuntimeErrorHandler } from './runtime-options.js'

export interface AdmissionOptions {
  concurrency: number
  accountConcurrency: number
  lifecycle: TaskLifecycle
  /** Runs a task that got a slot (already `running`); resolving frees the slot. */
  run(record: TaskRecord): Promise<void>
  onError: RuntimeErrorHandler
}

/**
 * Who runs next: the scheduler's priority and fairness (round-robin across accounts, then users)
 * under the global cap, plus at most `accountConcurrency` running tasks per account, which is
 * below the global cap by default so one account never holds every slot. A task over its
 * account's cap is parked and queued again, at the front, when one of that account's tasks frees
 * its slot.
 */
export class TaskAdmission {
  readonly #options: AdmissionOptions
  readonly #scheduler: Scheduler
  readonly #active = new Set<TaskRecord>()
  readonly #perAccount = new Map<string, number>()
  readonly #parked = new Map<string, string[]>()

  constructor(options: AdmissionOptions) {
    this.#options = options
    this.#scheduler = new Scheduler({
      concurrency: options.concurrency,
      claim: (id) => this.#claim(id),
      onError: (error) => options.onError(error, { message: 'a task run failed unexpectedly' }),
    })
  }

  /** Queues a live pending (or resumed waiting) task; `front` for tasks that already waited their turn. */
  enqueue(record: TaskRecord, front = false): void {
    this.#scheduler.enqueue(
      { id: record.id, priority: record.priority, account: record.account ?? '', user: record.userId ?? '' },
      front,
    )
  }

  /** Tasks holding a slot now. */
  active(): ReadonlySet<TaskRecord> {
    return this.#active
  }

  /** Resolves when no task holds a slot and none is queued. */
  idle(): Promise<void> {
    return this.#scheduler.idle()
  }

  #claim(id: string): (() => Promise<void>) | null {
    const { lifecycle } = this.#options
    const record = lifecycle.live(id)
    if (!record || (record.status !== 'pending' && record.status !== 'waiting')) return null
    const account = record.account
    if (account !== null) {
      const running = this.#perAccount.get(account) ?? 0
      if (running >= this.#options.accountConcurrency) {
        const parked = this.#parked.get(account)
        if (parked) parked.push(id)
        else this.#parked.set(account, [id])
        return null
      }
      this.#perAccount.set(account, running + 1)
    }
    record.work ??= newTaskWork()
    lifecycle.apply(record, 'START')
    this.#active.add(record)
    return async () => {
      try {
        await this.#options.run(record)
      } finally {
        this.#active.delete(record)
        if (account !== null) this.#release(account)
      }
    }
  }

  #release(account: string): void {
    this.#perAccount.set(account, (this.#perAccount.get(account) ?? 1) - 1)
    const parked = this.#parked.get(account)
    // Skip parked tasks that were cancelled meanwhile: the slot goes to the next live one.
    for (let id = parked?.shift(); id !== undefined; id = parked?.shift()) {
      const record = this.#options.lifecycle.live(id)
      if (record && (record.status === 'pending' || record.status === 'waiting')) {
        this.enqueue(record, true)
        break
      }
    }
    if (parked?.length === 0) this.#parked.delete(account)
  }
}
