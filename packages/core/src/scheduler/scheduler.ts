import PQueue from 'p-queue'
import { FairQueue, type FairQueueEntry } from './fair-queue.js'

export interface SchedulerOptions {
  concurrency: number
  /**
   * Called synchronously when a slot is free for `id`. Returns the work to run in that slot, or
   * null when the task no longer needs one (cancelled while queued).
   */
  claim: (id: string) => (() => Promise<void>) | null
  /** Receives a job's unexpected rejection; a job must never take the process down. */
  onError: (error: unknown) => void
}

/**
 * Priority and fairness across accounts and users over a p-queue concurrency cap. Only as many jobs as there are
 * slots ever reach p-queue; the backlog stays as ids in a {@link FairQueue}.
 */
export class Scheduler {
  readonly #queue: PQueue
  readonly #backlog = new FairQueue()
  readonly #claim: SchedulerOptions['claim']
  readonly #concurrency: number
  readonly #onError: (error: unknown) => void

  constructor(options: SchedulerOptions) {
    this.#concurrency = options.concurrency
    this.#claim = options.claim
    this.#onError = options.onError
    this.#queue = new PQueue({ concurrency: options.concurrency })
    this.#queue.on('next', () => this.pump())
  }

  /** Tasks waiting for a slot. */
  get backlog(): number {
    return this.#backlog.size
  }

  /** Tasks holding a slot. */
  get active(): number {
    return this.#queue.pending + this.#queue.size
  }

  enqueue(entry: FairQueueEntry, front = false): void {
    this.#backlog.push(entry, front)
    this.pump()
  }

  /** Starts queued tasks while slots are free. */
  pump(): void {
    while (this.active < this.#concurrency && this.#backlog.size > 0) {
      const id = this.#backlog.shift()!
      const job = this.#claim(id)
      if (job) this.#queue.add(job).catch(this.#onError)
    }
  }

  /** Resolves when no task holds a slot and none is queued. */
  async idle(): Promise<void> {
    while (this.#backlog.size > 0 || this.active > 0) await this.#queue.onIdle()
  }
}
