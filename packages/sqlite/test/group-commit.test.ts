import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StoredTask } from '@inboard/core'
import { sqliteStorage, type SqliteStorage } from '@inboard/sqlite'
import { tempDir } from './fixtures/files.js'

let temp: Awaited<ReturnType<typeof tempDir>>
let storage: SqliteStorage
let observer: Database.Database

beforeEach(async () => {
  temp = await tempDir()
  storage = sqliteStorage({ path: temp.file() })
  await storage.open()
  // A second connection, as another process would see the file.
  observer = new Database(temp.file(), { readonly: true })
})
afterEach(async () => {
  observer.close()
  await storage.close()
  await temp.remove()
})

let sequence = 0
function task(overrides: Partial<StoredTask> = {}): StoredTask {
  sequence++
  return {
    id: `task_group${sequence}`,
    status: 'pending',
    prompt: 'Send the weekly report',
    subAgent: null,
    tool: null,
    userId: null,
    account: null,
    mode: 'live',
    priority: 5,
    metadata: {},
    timeoutMs: 60_000,
    createdAt: 1_000 + sequence,
    startedAt: null,
    endedAt: null,
    usedMs: 0,
    result: undefined,
    error: null,
    waiting: null,
    steps: [],
    progress: null,
    memory: true,
    version: 1,
    owner: null,
    leaseExpiresAt: null,
    ...overrides,
  }
}

const committed = (ids: readonly string[]): number =>
  observer
    .prepare('SELECT count(*) FROM tasks WHERE id IN (SELECT value FROM json_each(?))')
    .pluck()
    .get(JSON.stringify(ids)) as number

describe('group commit', () => {
  it('acknowledges an insert only once another connection can read it', async () => {
    const stored = task()
    const acknowledged = storage.tasks.insert(stored)
    expect(committed([stored.id])).toBe(0)
    await acknowledged
    expect(committed([stored.id])).toBe(1)
  })

  it('commits the writes issued in one tick together: when the first is acknowledged, all are on disk', async () => {
    const tasks = Array.from({ length: 50 }, () => task())
    const writes = tasks.map((entry) => storage.tasks.insert(entry))
    await writes[0]
    expect(committed(tasks.map((entry) => entry.id))).toBe(50)
    await Promise.all(writes)
  })

  it('rejects a refused write alone and commits the rest of its batch', async () => {
    const first = task()
    await storage.tasks.insert(first)
    const others = Array.from({ length: 5 }, () => task())
    const outcomes = await Promise.allSettled([
      storage.tasks.insert(others[0]!),
      storage.tasks.insert({ ...first, prompt: 'a duplicate id' }),
      ...others.slice(1).map((entry) => storage.tasks.insert(entry)),
      storage.tasks.update({ ...first, status: 'running' }, 7),
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ])
    expect(outcomes[1]).toMatchObject({ reason: { code: 'storage_conflict' } })
    expect(outcomes[6]).toMatchObject({ value: { ok: false, currentVersion: 1 } })
    expect(committed(others.map((entry) => entry.id))).toBe(5)
    expect(observer.prepare('SELECT record FROM tasks WHERE id = ?').pluck().get(first.id)).toContain(
      'Send the weekly report',
    )
  })

  it('lets a read issued right after a write see it', async () => {
    const stored = task()
    const write = storage.tasks.insert(stored)
    const read = storage.tasks.get(stored.id)
    const listed = storage.tasks.list({ status: 'pending' }, { limit: 10, offset: 0 })
    await write
    expect(await read).toMatchObject({ status: 'pending', version: 1 })
    expect((await listed).data.map((entry) => entry.id)).toContain(stored.id)
    const update = storage.tasks.update({ ...stored, status: 'running', startedAt: 2_000 }, 1)
    expect(await storage.tasks.get(stored.id)).toMatchObject({ status: 'running', version: 2 })
    expect(await update).toEqual({ ok: true, version: 2 })
  })

  it('commits queued writes when the storage closes', async () => {
    const stored = task()
    const write = storage.tasks.insert(stored)
    await storage.close()
    await write
    expect(committed([stored.id])).toBe(1)
  })
})
