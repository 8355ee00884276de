import { InboardError } from '../errors/inboard-error.js'
import type { TaskStorage } from '../storage/task-storage.js'
import { toStored } from './stored-form.js'
import type { TaskRecord } from './task-record.js'

/** How a queued write ended. */
export type WriteOutcome = 'written' | 'conflict' | 'failed'

/** What the writer reports when a write did not go through. */
export interface WriteFailures {
  /** Another process changed the task first (it claimed it, or cancelled it): this process must let go. */
  onConflict(record: TaskRecord): void
  /** The storage refused the write: the task fails with a recoverable error. */
  onFailure(record: TaskRecord, error: InboardError): void
}

function storageError(thrown: unknown): InboardError {
  if (thrown instanceof InboardError && thrown.code.startsWith('storage_')) return thrown
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return new InboardError('storage_unavailable', `Saving the task failed: ${message}`, { cause: thrown, recoverable: true, suggestion: 'Check the storage, then create the task again' })
}

/**
 * Writes live records to the task storage in order, one write in flight per task: each write is a
 * snapshot taken when it was queued, sent with the version the previous write returned, so a task's
 * writes never overtake one another and a stale one is refused rather than applied.
 */
export class TaskWriter {
  readonly #storage: TaskStorage
  readonly #failures: WriteFailures
  readonly #tails = new Map<TaskRecord, Promise<WriteOutcome>>()

  constructor(storage: TaskStorage, failures: WriteFailures) {
    this.#storage = storage
    this.#failures = failures
  }

  /** Inserts a new task; rejects with a storage error when it could not be committed. */
  async insert(record: TaskRecord): Promise<void> {
    try {
      await this.#storage.insert(toStored(record))
    } catch (thrown) {
      throw storageError(thrown)
    }
  }

  /** Queues a write of the record as it is now; resolves once it (and every earlier one) settled. */
  save(record: TaskRecord): Promise<WriteOutcome> {
    const snapshot = toStored(record)
    const previous = this.#tails.get(record)
    const write = async (): Promise<WriteOutcome> => {
      try {
        const outcome = await this.#storage.update(snapshot, record.version)
        if (outcome.ok) {
          record.version = outcome.version
          return 'written'
        }
        this.#failures.onConflict(record)
        return 'conflict'
      } catch (thrown) {
        this.#failures.onFailure(record, storageError(thrown))
        return 'failed'
      }
    }
    const next = previous === undefined ? write() : previous.then((outcome) => (outcome === 'written' ? write() : outcome))
    this.#tails.set(record, next)
    void next.then(() => {
      if (this.#tails.get(record) === next) this.#tails.delete(record)
    })
    return next
  }

  /** Resolves when every write queued for the record so far has settled. */
  settled(record: TaskRecord): Promise<WriteOutcome> {
    return this.#tails.get(record) ?? Promise.resolve('written')
  }
}
