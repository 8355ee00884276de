import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createScriptedTool, createTestRuntime } from '@inboard/core/testing'
import { sqliteStorage, SCHEMA_VERSION } from '@inboard/sqlite'
import { tempDir } from './fixtures/files.js'

let temp: Awaited<ReturnType<typeof tempDir>>
beforeEach(async () => {
  temp = await tempDir()
})
afterEach(async () => {
  await temp.remove()
})

/** A file as version 1 left it: subagents keyed by name alone, their JSON without an account. */
function writeVersionOneFile(path: string): void {
  const db = new Database(path)
  db.exec('CREATE TABLE subagents (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL)')
  // Later migrations read the tasks table of version 1 too.
  db.exec(
    'CREATE TABLE tasks (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, sub_agent TEXT, user_id TEXT, account TEXT, created_at INTEGER NOT NULL, ended_at INTEGER, version INTEGER NOT NULL, owner TEXT, lease_expires_at INTEGER, record TEXT NOT NULL)',
  )
  const insert = db.prepare('INSERT INTO subagents (id, record) VALUES (?, ?)')
  for (const id of ['crm', 'mail']) {
    insert.run(
      id,
      JSON.stringify({
        id,
        prompt: `${id} work`,
        type: 'custom',
        tools: null,
        status: 'deployed',
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
      }),
    )
  }
  db.pragma('user_version = 1')
  db.close()
}

describe('subagents in a file written before they belonged to accounts', () => {
  it('become unscoped subagents in their old order, and each account gets its own names', async () => {
    writeVersionOneFile(temp.file())
    const storage = sqliteStorage({ path: temp.file() })
    await storage.open()
    expect((await storage.subagents.list()).map((subagent) => [subagent.account, subagent.id])).toEqual([
      [null, 'crm'],
      [null, 'mail'],
    ])
    expect(await storage.subagents.get({ account: null, id: 'crm' })).toMatchObject({
      account: null,
      prompt: 'crm work',
    })
    await storage.subagents.put({
      id: 'crm',
      account: 'acme:live',
      prompt: 'acme crm',
      type: 'custom',
      tools: null,
      status: 'deployed',
      createdAt: 2,
      updatedAt: 2,
      deletedAt: null,
    })
    await storage.subagents.put({
      id: 'crm',
      account: null,
      prompt: 'crm, updated',
      type: 'custom',
      tools: null,
      status: 'deployed',
      createdAt: 1,
      updatedAt: 3,
      deletedAt: null,
    })
    expect((await storage.subagents.list()).map((subagent) => subagent.prompt)).toEqual([
      'crm, updated',
      'mail work',
      'acme crm',
    ])
    await storage.close()
    const db = new Database(temp.file(), { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    db.close()
  })
})

describe('subagents of several accounts in one file', () => {
  it('are found again in their own account after a restart, a deleted name free again only in its account', async () => {
    const tools = [
      createScriptedTool({ name: 'crm', capabilities: { fetch: [[]] } }),
      createScriptedTool({ name: 'payments', capabilities: { charge: [{}] } }),
    ]
    const first = createTestRuntime({ tools, storage: sqliteStorage({ path: temp.file() }) })
    await first.subagents.deploy({ name: 'agent', prompt: 'contacts', tools: ['crm'] }, { account: 'acme:live' })
    await first.subagents.deploy({ name: 'agent', prompt: 'charges', tools: ['payments'] }, { account: 'rival:test' })
    await first.subagents.delete('agent', { account: 'rival:test' })
    await first.close()

    const second = createTestRuntime({ tools, storage: sqliteStorage({ path: temp.file() }) })
    expect(await second.subagents.get('agent', { account: 'acme:live' })).toMatchObject({
      prompt: 'contacts',
      tools: ['crm'],
    })
    await expect(second.subagents.get('agent', { account: 'rival:test' })).rejects.toMatchObject({
      code: 'subagent_not_found',
    })
    await expect(second.subagents.get('agent')).rejects.toMatchObject({ code: 'subagent_not_found' })
    // The deleted name is free again in its own account only.
    expect(
      await second.subagents.deploy(
        { name: 'agent', prompt: 'refunds', tools: ['payments'] },
        { account: 'rival:test' },
      ),
    ).toMatchObject({ prompt: 'refunds' })
    expect((await second.subagents.list({}, { account: 'acme:live' })).data.map((subagent) => subagent.tools)).toEqual([
      ['crm'],
    ])
    await second.close()
  })
})
