import type { ChildProcess } from 'node:child_process'
import { chmod, writeFile } from 'node:fs/promises'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sqliteStorage, SCHEMA_VERSION } from '@inboard/sqlite'
import { firstLine, runFixture, tempDir } from './fixtures/files.js'

let temp: Awaited<ReturnType<typeof tempDir>>
beforeEach(async () => {
  temp = await tempDir()
})
afterEach(async () => {
  await chmod(temp.dir, 0o700)
  await temp.remove()
})

/** Whether another connection is refused a write on the file now (SQLITE_BUSY within 50 ms). */
function writeRefused(path: string): boolean {
  const db = new Database(path, { timeout: 50 })
  try {
    db.exec('BEGIN IMMEDIATE')
    db.exec('ROLLBACK')
    return false
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    return true
  } finally {
    db.close()
  }
}

/** A child process holding the file's write lock, checked: another connection is refused a write. */
async function holdLock(path: string): Promise<ChildProcess> {
  const holder = runFixture('hold-lock', [path])
  expect(await firstLine(holder)).toBe('locked')
  expect(writeRefused(path)).toBe(true)
  return holder
}

describe('opening a database file', () => {
  it('creates the schema on a new file and keeps what was written across a reopen', async () => {
    const first = sqliteStorage({ path: temp.file() })
    await first.open()
    await first.memory.set('scope', { learned: true })
    await first.close()

    const second = sqliteStorage({ path: temp.file() })
    await second.open()
    await second.open()
    await expect(second.memory.get('scope')).resolves.toEqual({ learned: true })
    await second.close()

    const db = new Database(temp.file(), { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('refuses a file written by a newer schema version with storage_version_unsupported and leaves it as it was', async () => {
    const storage = sqliteStorage({ path: temp.file() })
    await storage.open()
    await storage.memory.set('kept', 1)
    await storage.close()
    const db = new Database(temp.file())
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()

    const newer = sqliteStorage({ path: temp.file() })
    await expect(newer.open()).rejects.toMatchObject({ name: 'InboardError', code: 'storage_version_unsupported' })
    await expect(newer.tasks.get('task_1')).rejects.toMatchObject({ code: 'storage_unavailable' })
    await newer.close()

    const check = new Database(temp.file(), { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1)
    expect(check.prepare("SELECT value FROM key_values WHERE key = 'kept'").pluck().get()).toBe('1')
    check.close()
  })

  it('refuses a file that is not a database with storage_unavailable', async () => {
    await writeFile(temp.file(), 'these bytes are a text file, not a SQLite database\n'.repeat(200))
    const storage = sqliteStorage({ path: temp.file() })
    await expect(storage.open()).rejects.toMatchObject({
      code: 'storage_unavailable',
      message: expect.stringContaining('not a SQLite database'),
    })
    await storage.close()
  })

  it('refuses a database whose header was overwritten with storage_unavailable', async () => {
    const storage = sqliteStorage({ path: temp.file() })
    await storage.open()
    await storage.close()
    const db = new Database(temp.file())
    db.pragma('journal_mode = DELETE')
    db.close()
    await writeFile(temp.file(), Buffer.alloc(4096, 0xa5), { flag: 'r+' })
    const corrupt = sqliteStorage({ path: temp.file() })
    await expect(corrupt.open()).rejects.toMatchObject({ code: 'storage_unavailable' })
    await corrupt.close()
  })

  it('refuses a file locked by another process with storage_unavailable after busyTimeoutMs', async () => {
    const holder = await holdLock(temp.file())
    try {
      const storage = sqliteStorage({ path: temp.file(), busyTimeoutMs: 100 })
      await expect(storage.open()).rejects.toMatchObject({
        code: 'storage_unavailable',
        recoverable: true,
        message: expect.stringContaining('locked'),
      })
      await storage.close()
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('refuses a file this process may only read with storage_unavailable', async () => {
    const storage = sqliteStorage({ path: temp.file() })
    await storage.open()
    await storage.close()
    await chmod(temp.file(), 0o444)
    await chmod(temp.dir, 0o555)
    const child = runFixture('open-as-other-user', [temp.file()])
    const outcome = JSON.parse(await firstLine(child)) as { opened: boolean; code?: string; message?: string }
    expect(outcome).toMatchObject({ opened: false, code: 'storage_unavailable' })
    expect(outcome.message).toMatch(/cannot be written|cannot be opened|read-only/)
  })

  it('rejects every call before open and after close with storage_unavailable instead of throwing', async () => {
    const storage = sqliteStorage({ path: temp.file() })
    await expect(storage.tasks.list({}, { limit: 10, offset: 0 })).rejects.toMatchObject({
      code: 'storage_unavailable',
    })
    await storage.open()
    await storage.close()
    await storage.close()
    await expect(storage.memory.set('k', 1)).rejects.toMatchObject({ code: 'storage_unavailable' })
    await expect(storage.outbox.remove('evt_1')).rejects.toMatchObject({ code: 'storage_unavailable' })
  })
})
