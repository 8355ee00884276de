import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { InboardError } from '@inboard/core'
import { migrate, SCHEMA_VERSION } from './schema.js'
import { storageError } from './storage-error.js'

/** How the file is opened; the resolved form of the public options. */
export interface OpenSettings {
  path: string
  busyTimeoutMs: number
  walAutocheckpointPages: number
}

/**
 * Opens (creating if needed) and migrates the database file, or rejects with an
 * {@link InboardError}: `storage_version_unsupported` for a file from a newer schema,
 * `storage_unavailable` for a file that is locked, read-only, corrupt or not a database. Every
 * setting that needs a write is applied here, so a file that cannot be written fails now, not at
 * the first task.
 */
export function openDatabase(settings: OpenSettings): BetterSqlite3.Database {
  let db: BetterSqlite3.Database | undefined
  try {
    db = new Database(settings.path, { timeout: settings.busyTimeoutMs })
    // WAL lets readers run beside the one writer; NORMAL syncs at checkpoints, not at every
    // commit: a committed transaction survives the process being killed, though not a power cut.
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new Error(`the file cannot use write-ahead logging (journal_mode stays ${String(mode)})`)
    db.pragma('synchronous = NORMAL')
    // Fewer, larger checkpoints: the default (1,000 pages) checkpoints on the event loop every few
    // hundred tasks and shows up as latency spikes.
    db.pragma(`wal_autocheckpoint = ${settings.walAutocheckpointPages}`)
    // Shrinks the WAL back after a checkpoint, so a burst does not leave a large file behind.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    db.pragma('foreign_keys = OFF')
    const { from } = migrate(db)
    if (from > SCHEMA_VERSION) {
      throw new InboardError(
        'storage_version_unsupported',
        `${settings.path} has schema version ${from}, newer than the ${SCHEMA_VERSION} this version of @inboard/sqlite understands`,
        { suggestion: 'Upgrade @inboard/sqlite, or point it at another file.' },
      )
    }
    return db
  } catch (error) {
    db?.close()
    if (error instanceof InboardError) throw error
    throw storageError(error, settings.path)
  }
}
