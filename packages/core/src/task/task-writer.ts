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
  /** A bug: settling a write threw. */
  onUnexpected(thrown: unknown, record: TaskRecord): void
}

function storageError(thrown: unknown): InboardError {
  if (thrown instanceof InboardError && thrown.code.startsWith('storage_')) return thrown
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return new InboardError('storage_unavailable', `Saving the task failed: ${message}`, {
    cause: thrown,
    recoverable: true,
    suggestion: 'Check that the storage is reachable and writable, then create the task again',
  })
}

/** One task's writes: at most one in flight, and the changes made meanwhile waiting as one. */
interface WriteState {
  inFlight: boolean
  scheduled: boolean
  dirty: boolean
  /** Callers whose changes the next write carries. */
  waiting: ((outcome: WriteOutcome) => void)[]
  /** Callers of `settled`: resolved once nothing is in flight or waiting. */
  idle: ((outcome: WriteOutcome) => void)[]
}

/**
 * Writes live records to the task storage, one write in flight per task, sent with the version
 * the previous write returned, so a task's writes never overtake one another and a stale one is
 * refused rather than applied. Saves coalesce: a write is taken from the record when it is sent,
 * at the end of the tick the first save was made in (or when the write before it returns), so a
 * task that starts, runs a step and finishes within one tick costs one write, not three. Each
 * save's promise resolves once a write that carries its changes has settled.
 */
export class TaskWriter {
  readonly #storage: TaskStorage
  readonly #failures: WriteFailures
  readonly #states = new Map<TaskRecord, WriteState>()

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

  /** Queues a write of the record; resolves once a write carrying its state now has settled. */
  save(record: TaskRecord): Promise<WriteOutcome> {
    let state = this.#states.get(record)
    if (!state)
      this.#states.set(record, (state = { inFlight: false, scheduled: false, dirty: false, waiting: [], idle: [] }))
    const current = state
    return new Promise((resolve) => {
      current.waiting.push(resolve)
      current.dirty = true
      if (current.inFlight || current.scheduled) return
      current.scheduled = true
      setImmediate(() => {
        current.scheduled = false
        this.#send(record, current)
      })
    })
  }

  /** True when no write of the record is queued or in flight. */
  idle(record: TaskRecord): boolean {
    return !this.#states.has(record)
  }

  /** Resolves when every write queued for the record so far has settled. */
  settled(record: TaskRecord): Promise<WriteOutcome> {
    const state = this.#states.get(record)
    if (!state) return Promise.resolve('written')
    return new Promise((resolve) => state.idle.push(resolve))
  }

  #send(record: TaskRecord, state: WriteState): void {
    if (state.inFlight || !state.dirty) return
    const waiting = state.waiting
    state.waiting = []
    state.dirty = false
    state.inFlight = true
    const snapshot = toStored(record)
    this.#storage
      .update(snapshot, record.version)
      .then(
        (result) => {
          if (result.ok) {
            record.version = result.version
            return 'written' as const
          }
          this.#failures.onConflict(record)
          return 'conflict' as const
        },
        (thrown: unknown) => {
          this.#failures.onFailure(record, storageError(thrown))
          return 'failed' as const
        },
      )
      .then(
        (outcome) => {
          state.inFlight = false
          for (const resolve of waiting) resolve(outcome)
          // After a refusal nothing later may be written over it: the changes still waiting share its fate.
          if (outcome === 'written' && state.dirty) {
            this.#send(record, state)
            return
          }
          const rest = state.waiting
          state.waiting = []
          state.dirty = false
          for (const resolve of rest) resolve(outcome)
          this.#states.delete(record)
          for (const resolve of state.idle) resolve(outcome)
        },
        (thrown: unknown) => this.#failures.onUnexpected(thrown, record),
      )
  }
}
