import { InboardError, type Storage } from '@inboard/core'
import { Connection } from './connection.js'
import { IdempotencyTable } from './idempotency-table.js'
import { KeyValueTable } from './key-value-table.js'
import { OutboxTable } from './outbox-table.js'
import { SubagentTable } from './subagent-table.js'
import { TaskTable } from './task-table.js'

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * The database file, created on first open (its directory must exist). One file holds
   * everything; SQLite keeps `<path>-wal` and `<path>-shm` beside it while open. `':memory:'`
   * keeps the data in memory only, for tests.
   */
  path: string
  /**
   * How long a statement waits for a lock held by another connection before the operation
   * rejects with `storage_unavailable`. It blocks the event loop meanwhile (better-sqlite3 is
   * synchronous), so keep it short.
   * @default 5_000
   */
  busyTimeoutMs?: number
  /**
   * Pages (4 KiB each) the write-ahead log may grow to before SQLite folds it into the database.
   * Higher means fewer, larger checkpoints; SQLite's own default, 1,000, checkpoints every few
   * hundred tasks and shows up as latency spikes.
   * @default 10_000
   */
  walAutocheckpointPages?: number
}

/** The storage {@link sqliteStorage} returns: a {@link Storage} bound to one file. */
export interface SqliteStorage extends Storage {
  /** The database file. */
  readonly path: string
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 0)
    throw new InboardError('invalid_request', `${name} must be a non-negative integer, got ${String(value)}`, {
      param: name,
    })
  return value
}

/**
 * Durable storage for one machine, in one SQLite file: tasks with their traces and run progress,
 * subagents, execution memory, end users' credentials, Idempotency-Key records and the webhook
 * outbox. The file is opened and migrated when the runtime starts (`await runtime.ready()`); a
 * file that is locked, read-only or corrupt rejects with `storage_unavailable`, one written by a
 * newer version with `storage_version_unsupported`.
 *
 * Writes issued in the same tick share one transaction (group commit), and each is acknowledged
 * only after its commit: `await runtime.tasks.create(…)` resolves once the task is on disk.
 *
 * @example
 * import { createRuntime } from '@inboard/core'
 * import { sqliteStorage } from '@inboard/sqlite'
 *
 * const runtime = createRuntime({ tools, storage: sqliteStorage({ path: './inboard.db' }) })
 */
export function sqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  if (typeof options.path !== 'string' || options.path === '')
    throw new InboardError('invalid_request', 'sqliteStorage needs a path', { param: 'path' })
  const connection = new Connection({
    path: options.path,
    busyTimeoutMs: positiveInteger('busyTimeoutMs', options.busyTimeoutMs, 5_000),
    walAutocheckpointPages: positiveInteger('walAutocheckpointPages', options.walAutocheckpointPages, 10_000),
  })
  return {
    path: options.path,
    tasks: new TaskTable(connection),
    subagents: new SubagentTable(connection),
    memory: new KeyValueTable(connection, 'memory'),
    credentials: new KeyValueTable(connection, 'credentials'),
    idempotency: new IdempotencyTable(connection),
    outbox: new OutboxTable(connection),
    open: () => connection.open(),
    close: async () => connection.close(),
  }
}
