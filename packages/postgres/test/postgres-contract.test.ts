import type { Storage, StoredTask } from '@inboard/core'
import { postgresStorage } from '@inboard/postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropSchema, POSTGRES_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'

const missing = await serversMissing()

function task(id: string, overrides: Partial<StoredTask> = {}): StoredTask {
  return {
    id,
    status: 'pending',
    prompt: 'Send the report',
    subAgent: null,
    tool: null,
    userId: null,
    account: null,
    mode: 'live',
    priority: 5,
    metadata: {},
    timeoutMs: 300_000,
    createdAt: 1_000,
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

describe.skipIf(missing !== null)('postgresStorage keeps the storage contract', () => {
  const schema = uniqueName('inboard_contract')
  let storage: Storage
  beforeAll(async () => {
    storage = postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 4 })
    await storage.open()
    await storage.open()
  })
  afterAll(async () => {
    await storage.close()
    await dropSchema(schema)
  })

  it('stores a task with every field and reads back an equal copy', async () => {
    const full = task('task_full', {
      status: 'waiting',
      subAgent: 'mailer',
      userId: 'user_1',
      account: 'acct_1',
      metadata: { nested: { list: [1, 'two', null] }, nul: 'a\u0000b' },
      startedAt: 1_100,
      usedMs: 42,
      waiting: {
        reason: 'input_required',
        service: null,
        auth_url: null,
        message: 'Which address?',
        fields: [{ name: 'email', description: null, type: 'string' }],
      },
      steps: [{ tool: 'mail', action: 'send', status: 'interrupted', startedAt: 1_200, durationMs: 0, note: null }],
      progress: {
        history: [],
        messages: ['hi'],
        values: { email: 'a@b.c' },
        decisions: 2,
        held: null,
        approved: null,
        waitStartedAt: 1_300,
        inFlight: null,
      },
      memory: false,
      owner: 'proc_a',
      leaseExpiresAt: 31_000,
    })
    await storage.tasks.insert(full)
    const read = await storage.tasks.get('task_full')
    expect(read).toEqual(full)
    read!.metadata['changed'] = true
    expect((await storage.tasks.get('task_full'))!.metadata['changed']).toBeUndefined()
  })

  it('refuses a second insert of the same id with storage_conflict', async () => {
    await storage.tasks.insert(task('task_twice'))
    await expect(storage.tasks.insert(task('task_twice'))).rejects.toMatchObject({ code: 'storage_conflict' })
  })

  it('resolves null for unknown and malformed ids', async () => {
    await expect(storage.tasks.get('task_nope')).resolves.toBeNull()
    await expect(storage.tasks.get("'; DROP TABLE tasks; --")).resolves.toBeNull()
  })

  it('writes only against the current version and counts versions up', async () => {
    await storage.tasks.insert(task('task_versioned'))
    await expect(storage.tasks.update(task('task_versioned', { status: 'running', version: 99 }), 1)).resolves.toEqual({
      ok: true,
      version: 2,
    })
    await expect(storage.tasks.update(task('task_versioned', { status: 'failed' }), 1)).resolves.toEqual({
      ok: false,
      currentVersion: 2,
    })
    expect(await storage.tasks.get('task_versioned')).toMatchObject({ status: 'running', version: 2 })
    await expect(storage.tasks.update(task('task_gone'), 1)).resolves.toEqual({ ok: false, currentVersion: null })
  })

  it('answers each of many concurrent inserts, updates and reads as if it ran alone (they share statements)', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `task_batch_${i}`)
    await storage.tasks.insert(task('task_batch_taken'))
    // One duplicate among them refuses only itself.
    const inserted = await Promise.allSettled(
      [...ids, 'task_batch_taken'].map((id, i) =>
        storage.tasks.insert(task(id, { createdAt: 2_000 + i, metadata: { i } })),
      ),
    )
    expect(inserted.slice(0, -1).every((result) => result.status === 'fulfilled')).toBe(true)
    expect(inserted.at(-1)).toMatchObject({ status: 'rejected', reason: { code: 'storage_conflict' } })
    // Odd ones are written against a stale version and refused, with the version they found.
    const updated = await Promise.all(
      ids.map((id, i) =>
        storage.tasks.update(task(id, { status: 'running', metadata: { i, written: true } }), i % 2 === 0 ? 1 : 7),
      ),
    )
    expect(updated).toEqual(
      ids.map((_, i) => (i % 2 === 0 ? { ok: true, version: 2 } : { ok: false, currentVersion: 1 })),
    )
    const read = await Promise.all([...ids, 'task_batch_none'].map((id) => storage.tasks.get(id)))
    expect(read.map((stored) => stored && [stored.id, stored.status, stored.version, stored.metadata])).toEqual([
      ...ids.map((id, i) => (i % 2 === 0 ? [id, 'running', 2, { i, written: true }] : [id, 'pending', 1, { i }])),
      null,
    ])
  })

  it('lists newest first under each filter with an exact has_more', async () => {
    const scope = uniqueName('acct')
    for (let i = 0; i < 7; i++) {
      await storage.tasks.insert(
        task(`task_${scope}_${i}`, {
          account: scope,
          createdAt: 5_000 + Math.floor(i / 2),
          status: i % 2 === 0 ? 'pending' : 'complete',
          userId: i < 3 ? 'u1' : 'u2',
        }),
      )
    }
    const all = await storage.tasks.list({ account: scope }, { limit: 7, offset: 0 })
    expect(all.data.map((t) => t.id)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `task_${scope}_${i}`))
    expect(all.has_more).toBe(false)
    const firstPage = await storage.tasks.list({ account: scope }, { limit: 3, offset: 0 })
    expect(firstPage.has_more).toBe(true)
    const lastPage = await storage.tasks.list({ account: scope }, { limit: 3, offset: 4 })
    expect(lastPage).toMatchObject({ has_more: false })
    expect(lastPage.data).toHaveLength(3)
    const pending = await storage.tasks.list(
      { account: scope, status: 'pending', userId: 'u2' },
      { limit: 10, offset: 0 },
    )
    expect(pending.data.map((t) => t.id)).toEqual([`task_${scope}_6`, `task_${scope}_4`])
    const withoutAccount = await storage.tasks.list({ account: null, status: 'pending' }, { limit: 100, offset: 0 })
    expect(withoutAccount.data.every((t) => t.account === null)).toBe(true)
  })

  it('renews only the leases its owner still holds, without changing versions', async () => {
    await storage.tasks.insert(task('task_lease_a', { status: 'running', owner: 'proc_a', leaseExpiresAt: 10 }))
    await storage.tasks.insert(task('task_lease_b', { status: 'running', owner: 'proc_b', leaseExpiresAt: 10 }))
    await expect(storage.tasks.renew('proc_a', ['task_lease_a', 'task_lease_b', 'task_unknown'], 99)).resolves.toEqual([
      'task_lease_a',
    ])
    expect(await storage.tasks.get('task_lease_a')).toMatchObject({ leaseExpiresAt: 99, version: 1 })
    expect(await storage.tasks.get('task_lease_b')).toMatchObject({ leaseExpiresAt: 10, owner: 'proc_b' })
  })

  it('claims its own leases at once with includeOwn and others only once they expire', async () => {
    const owner = uniqueName('proc')
    await storage.tasks.insert(
      task(`task_${owner}_own`, { status: 'running', owner, leaseExpiresAt: 1e12, createdAt: 1 }),
    )
    await storage.tasks.insert(
      task(`task_${owner}_live`, { status: 'running', owner: 'someone', leaseExpiresAt: 1e12, createdAt: 1 }),
    )
    const claimed = await storage.tasks.claim({
      owner,
      statuses: ['running'],
      now: 2e11,
      until: 3e11,
      limit: 1000,
      includeOwn: true,
    })
    const ids = claimed.map((t) => t.id)
    expect(ids).toContain(`task_${owner}_own`)
    expect(ids).not.toContain(`task_${owner}_live`)
    const again = await storage.tasks.claim({
      owner: 'other',
      statuses: ['running'],
      now: 2e11,
      until: 3e11,
      limit: 1000,
    })
    expect(again.map((t) => t.id)).not.toContain(`task_${owner}_own`)
  })

  it('deletes by id and prunes finished tasks by age, then by count', async () => {
    await expect(storage.tasks.delete(['task_twice', 'task_unknown'])).resolves.toBe(1)
    const prefix = uniqueName('prune')
    for (let i = 0; i < 5; i++)
      await storage.tasks.insert(task(`task_${prefix}_${i}`, { status: 'complete', endedAt: 1e13 + i }))
    await storage.tasks.insert(task(`task_${prefix}_old`, { status: 'failed', endedAt: 5 }))
    const pruned = await storage.tasks.prune({ endedBefore: 100, maxFinished: 3 })
    expect(pruned).toBeGreaterThanOrEqual(3)
    await expect(storage.tasks.get(`task_${prefix}_old`)).resolves.toBeNull()
    await expect(storage.tasks.get(`task_${prefix}_4`)).resolves.not.toBeNull()
    await expect(storage.tasks.get(`task_${prefix}_0`)).resolves.toBeNull()
    await expect(storage.tasks.get('task_versioned')).resolves.not.toBeNull()
  })

  it('keeps subagents in first-stored order, replacing in place', async () => {
    const base = {
      account: null,
      prompt: 'Sends mail',
      type: 'custom' as const,
      tools: null,
      status: 'deployed' as const,
      createdAt: 1,
      updatedAt: 1,
      deletedAt: null,
    }
    await storage.subagents.put({ ...base, id: 'alpha' })
    await storage.subagents.put({ ...base, id: 'beta' })
    await storage.subagents.put({ ...base, id: 'alpha', prompt: 'Sends more mail', tools: ['mail'] })
    expect((await storage.subagents.list()).map((s) => [s.id, s.prompt])).toEqual([
      ['alpha', 'Sends more mail'],
      ['beta', 'Sends mail'],
    ])
    await storage.subagents.remove({ account: null, id: 'alpha' })
    await storage.subagents.put({ ...base, id: 'alpha' })
    expect((await storage.subagents.list()).map((s) => s.id)).toEqual(['beta', 'alpha'])
    await expect(storage.subagents.get({ account: null, id: 'gamma' })).resolves.toBeNull()
  })

  it('keeps memory and credentials apart, with expiry', async () => {
    await storage.memory.set('k', { limit: 10 })
    await storage.credentials.set('k', 'secret')
    await storage.memory.set('short', 1, 1)
    expect(await storage.memory.get('k')).toEqual({ limit: 10 })
    expect(await storage.credentials.get('k')).toBe('secret')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await storage.memory.get('short')).toBeUndefined()
    expect(await storage.memory.delete('k')).toBe(true)
    expect(await storage.memory.delete('k')).toBe(false)
    await storage.credentials.clear?.()
    expect(await storage.credentials.get('k')).toBeUndefined()
  })

  it('lets exactly one of many concurrent idempotency claims win, and the others read its record', async () => {
    const id = { scope: 'acct_1:live', key: uniqueName('key') }
    const records = Array.from({ length: 12 }, (_, i) => ({ fingerprint: `f${i}`, response: null, expiresAt: 1e13 }))
    const answers = await Promise.all(records.map(async (record) => storage.idempotency.claim(id, record, 1_000)))
    const winners = answers.filter((answer) => answer === null)
    expect(winners).toHaveLength(1)
    const winner = records[answers.indexOf(null)]!
    for (const answer of answers) if (answer !== null) expect(answer.fingerprint).toBe(winner.fingerprint)
    await storage.idempotency.complete(id, { ...winner, response: { status: 201, body: '{"id":"task_1"}' } })
    await expect(storage.idempotency.claim(id, records[0]!, 2_000)).resolves.toMatchObject({
      response: { status: 201, body: '{"id":"task_1"}' },
    })
    await expect(storage.idempotency.claim({ ...id, scope: 'other' }, records[0]!, 2_000)).resolves.toBeNull()
    await storage.idempotency.release(id)
    await expect(storage.idempotency.claim(id, records[1]!, 2_000)).resolves.toBeNull()
    await expect(
      storage.idempotency.claim(
        { scope: 'x', key: 'expiring' },
        { fingerprint: 'a', response: null, expiresAt: 3_000 },
        2_000,
      ),
    ).resolves.toBeNull()
    await expect(
      storage.idempotency.claim(
        { scope: 'x', key: 'expiring' },
        { fingerprint: 'b', response: null, expiresAt: 9_000 },
        3_000,
      ),
    ).resolves.toBeNull()
  })

  it('keeps outbox deliveries until removed and re-offers them once a lease expires', async () => {
    const delivery = {
      id: uniqueName('evt'),
      event: 'task.complete',
      taskId: 'task_1',
      url: 'https://example.test/hook',
      body: '{"a":1}',
      attempts: 0,
      createdAt: 1,
      nextAttemptAt: 100,
      owner: null,
      leaseExpiresAt: null,
    }
    await storage.outbox.put(delivery)
    await expect(
      storage.outbox.claim({ owner: 'a', now: 50, until: 1_000, dueBy: 50, limit: 10 }),
    ).resolves.not.toContainEqual(expect.objectContaining({ id: delivery.id }))
    const first = await storage.outbox.claim({ owner: 'a', now: 200, until: 1_000, dueBy: 200, limit: 100 })
    expect(first.find((d) => d.id === delivery.id)).toMatchObject({
      owner: 'a',
      leaseExpiresAt: 1_000,
      body: '{"a":1}',
    })
    expect(
      (await storage.outbox.claim({ owner: 'b', now: 500, until: 2_000, dueBy: 500, limit: 100 })).map((d) => d.id),
    ).not.toContain(delivery.id)
    expect(
      (await storage.outbox.claim({ owner: 'b', now: 1_000, until: 2_000, dueBy: 1_000, limit: 100 })).map((d) => d.id),
    ).toContain(delivery.id)
    await storage.outbox.put({ ...delivery, attempts: 1, nextAttemptAt: 5_000, owner: null, leaseExpiresAt: null })
    await storage.outbox.remove(delivery.id)
    expect(
      (await storage.outbox.claim({ owner: 'c', now: 1e13, until: 1e13, dueBy: 1e13, limit: 100 })).map((d) => d.id),
    ).not.toContain(delivery.id)
  })
})
