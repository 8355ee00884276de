import { InboardError } from '@inboard/core'

const sqliteCode = (error: unknown): string | undefined => {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined
  return typeof code === 'string' ? code : undefined
}

const REASONS: Record<string, string> = {
  SQLITE_BUSY: 'it is locked by another connection',
  SQLITE_LOCKED: 'it is locked by another connection',
  SQLITE_READONLY: 'it cannot be written (read-only file, directory or mount)',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_PERM: 'the file cannot be written',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_FULL: 'the disk is full',
}

/** Why the database could not be used, in words, from a better-sqlite3 error code. */
function reasonOf(error: unknown): string {
  const code = sqliteCode(error) ?? ''
  for (const [prefix, reason] of Object.entries(REASONS)) if (code.startsWith(prefix)) return reason
  return error instanceof Error ? error.message : String(error)
}

/**
 * Normalises whatever a database operation threw into an {@link InboardError}: ours pass through,
 * everything else is `storage_unavailable`, marked recoverable when the file was only busy.
 */
export function storageError(error: unknown, path?: string): InboardError {
  if (error instanceof InboardError) return error
  const code = sqliteCode(error) ?? ''
  const busy = code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
  const where = path === undefined ? 'the SQLite database' : `the SQLite database ${path}`
  return new InboardError('storage_unavailable', `Cannot use ${where}: ${reasonOf(error)}`, {
    recoverable: busy,
    suggestion: busy
      ? 'Another connection holds a lock on the file; retry once it is released.'
      : 'Check that the file is a SQLite database this process may read and write, on a disk with free space.',
    cause: error,
  })
}
