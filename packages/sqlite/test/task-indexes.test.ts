import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sqliteStorage } from '@inboard/sqlite'
import { tempDir } from './fixtures/files.js'

describe('task indexes', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  beforeEach(async () => {
    dir = await tempDir()
  })
  afterEach(() => dir.remove())

  it('answers the user and account filters from their partial indexes, which hold only tasks that have one', async () => {
    const path = dir.file()
    const storage = sqliteStorage({ path })
    await storage.open()
    await storage.close()
    const db = new Database(path, { readonly: true })
    try {
      const plan = (where: string): string =>
        (
          db
            .prepare(
              `EXPLAIN QUERY PLAN SELECT seq FROM tasks WHERE ${where} ORDER BY created_at DESC, seq DESC LIMIT 10`,
            )
            .all('x') as { detail: string }[]
        )
          .map((step) => step.detail)
          .join('; ')
      expect(plan('user_id = ?')).toContain('tasks_by_user')
      expect(plan('account = ?')).toContain('tasks_by_account')
      const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all() as {
        name: string
        sql: string | null
      }[]
      expect(indexes.find((index) => index.name === 'tasks_by_user')?.sql).toContain('WHERE user_id IS NOT NULL')
      expect(indexes.find((index) => index.name === 'tasks_by_account')?.sql).toContain('WHERE account IS NOT NULL')
    } finally {
      db.close()
    }
  })
})
