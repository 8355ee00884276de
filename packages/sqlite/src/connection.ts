import type BetterSqlite3 from 'better-sqlite3'
import { InboardError } from '@inboard/core'
import { GroupCommit } from './group-commit.js'
import { openDatabase, type OpenSettings } from './open-database.js'
import { storageError } from './storage-error.js'

/**
 * The one connection of a storage and the rules for using it: writes are grouped into one
 * transaction per tick ({@link GroupCommit}); reads run after the writes issued before them, so
 * they see them. Everything resolves or rejects, nothing throws synchronously.
 */
export class Connection {
  readonly path: string
  readonly #settings: OpenSettings
  #db: BetterSqlite3.Database | null = null
  #commits: GroupCommit | null = null
  #opening: Promise<void> | null = null
  #closed = false

  constructor(settings: OpenSettings) {
    this.#settings = settings
    this.path = settings.path
  }

  /** Opens and migrates the file once; later calls settle the same way. */
  open(): Promise<void> {
    this.#opening ??= new Promise<void>((resolve) => {
      if (this.#closed) throw this.#unusable('is closed')
      this.#db = openDatabase(this.#settings)
      this.#commits = new GroupCommit(this.#db)
      resolve()
    })
    return this.#opening
  }

  /** The open database; only called from inside `read` and `write` callbacks. */
  get db(): BetterSqlite3.Database {
    if (this.#db === null) throw this.#unusable('is not open')
    return this.#db
  }

  /** Runs `write` in the current batch; resolves after the batch committed. */
  write<T>(write: () => T): Promise<T> {
    if (this.#commits === null || this.#closed)
      return Promise.reject(this.#unusable(this.#closed ? 'is closed' : 'is not open'))
    return this.#commits.write(write)
  }

  /** Runs `read` once the writes issued before it committed. */
  read<T>(read: () => T): Promise<T> {
    if (this.#commits === null || this.#closed)
      return Promise.reject(this.#unusable(this.#closed ? 'is closed' : 'is not open'))
    if (!this.#commits.pending) return this.#run(read)
    return this.#commits.settled().then(() => this.#run(read))
  }

  /** Commits what is queued and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#commits?.flush()
    this.#db?.close()
  }

  #run<T>(read: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(this.#unusable('is closed'))
    try {
      return Promise.resolve(read())
    } catch (error) {
      return Promise.reject(storageError(error, this.path))
    }
  }

  #unusable(state: string): InboardError {
    return new InboardError('storage_unavailable', `The SQLite storage on ${this.path} ${state}`, {
      suggestion: 'Use the storage between open() and close(); createRuntime opens it for you.',
    })
  }
}

/**
 * Prepares a table's statements on first use, after the connection opened: the tables exist as
 * objects from the start (the runtime may hold on to them) but need a database to compile SQL.
 */
export function preparedLazily<T>(connection: Connection, prepare: (db: BetterSqlite3.Database) => T): () => T {
  let statements: T | undefined
  return () => (statements ??= prepare(connection.db))
}
