import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Storage } from '../storage/storage.js'
import type { StoredTask } from '../storage/stored-task.js'
import type { OutboxDelivery } from '../storage/outbox-storage.js'

/** Options of {@link describeStorageConformance}. */
export interface StorageConformanceOptions {
  /** Called after each test with the storage it used, once it is closed (delete files, drop schemas). @default none */
  cleanup?: (storage: Storage) => void | Promise<void>
}

let sequence = 0

/** A complete stored task; every field can be overridden. */
function task(overrides: Partial<StoredTask> = {}): StoredTask {
  sequence++
  return {
    id: `task_conformance${sequence}x${Math.random().toString(36).slice(2, 10)}`,
    status: 'pending',
    prompt: `prompt ${sequence}`,
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

function delivery(overrides: Partial<OutboxDelivery> = {}): OutboxDelivery {
  sequence++
  return {
    id: `evt_conformance${sequence}`,
    event: 'task.complete',
    taskId: 'task_x',
    url: 'https://example.com/hook',
    body: '{"ok":true}',
    attempts: 0,
    createdAt: 1_000,
    nextAttemptAt: 1_000,
    owner: null,
    leaseExpiresAt: null,
    ...overrides,
  }
}

const ids = (tasks: readonly { id: string }[]): string[] => tasks.map((entry) => entry.id)

/**
 * The storage contract as a vitest suite: call it at the top level of a test file with a factory
 * that returns a fresh, unopened storage (an empty database) each time. Every storage Inboard
 * ships runs it; so should yours.
 *
 * @example
 * describeStorageConformance('sqliteStorage', () => sqliteStorage({ path: tempFile() }))
 */
export function describeStorageConformance(
  name: string,
  factory: () => Storage | Promise<Storage>,
  options: StorageConformanceOptions = {},
): void {
  describe(`${name} (storage conformance)`, () => {
    let storage: Storage

    beforeEach(async () => {
      storage = await factory()
      await storage.open()
    })

    afterEach(async () => {
      await storage.close()
      await options.cleanup?.(storage)
    })

    describe('lifecycle', () => {
      it('opens again without harm and keeps what it holds', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        await storage.open()
        expect(await storage.tasks.get(stored.id)).toMatchObject({ id: stored.id, version: 1 })
      })
    })

    describe('tasks: reads and writes', () => {
      it('gives back every field of an inserted task', async () => {
        const stored = task({
          status: 'waiting',
          subAgent: 'crm-agent',
          tool: 'crm',
          userId: 'user_1',
          account: 'acct_1:live',
          mode: 'test',
          priority: 9,
          metadata: { nested: { list: [1, 'two', null, true] }, unicode: 'é — ✓' },
          timeoutMs: 1_500,
          createdAt: 1_700_000_000_123,
          startedAt: 1_700_000_000_200,
          usedMs: 77,
          error: null,
          waiting: {
            reason: 'input_required',
            service: null,
            auth_url: null,
            message: 'Which stage?',
            fields: [{ name: 'stage', description: 'deal stage', type: 'string' }],
          },
          steps: [
            {
              tool: 'planner',
              action: 'plan',
              status: 'complete',
              startedAt: 1_700_000_000_200,
              durationMs: 3,
              note: 'call crm.fetch',
            },
            {
              tool: 'crm',
              action: 'fetch',
              status: 'interrupted',
              startedAt: 1_700_000_000_203,
              durationMs: 0,
              note: null,
            },
          ],
          progress: {
            history: [
              {
                tool: 'crm',
                capability: 'fetch',
                input: { q: 'x' },
                status: 'complete',
                output: { rows: [{ id: 1 }] },
              },
            ],
            messages: ['first'],
            values: { stage: 'won' },
            decisions: 2,
            held: [{ tool: 'crm', capability: 'update', input: { id: 1 } }],
            approved: null,
            waitStartedAt: 1_700_000_000_250,
            inFlight: {
              call: { tool: 'crm', capability: 'fetch', input: { q: 'y' } },
              idempotencyKey: 'task_x-c1',
              startedAt: 1_700_000_000_240,
            },
          },
          memory: false,
          owner: 'runtime_a',
          leaseExpiresAt: 1_700_000_030_000,
        })
        await storage.tasks.insert(stored)
        expect(await storage.tasks.get(stored.id)).toEqual(stored)
      })

      it('keeps results of every JSON type and errors of failed tasks', async () => {
        const results: unknown[] = [{ a: [1, { b: 'c' }] }, [1, 2], 'text', 0, false, null]
        for (const result of results) {
          const stored = task({ status: 'complete', result, endedAt: 2_000 })
          await storage.tasks.insert(stored)
          expect((await storage.tasks.get(stored.id))?.result).toEqual(result)
        }
        const failed = task({
          status: 'failed',
          endedAt: 2_000,
          error: {
            code: 'transient',
            message: 'upstream down',
            tool: 'crm',
            recoverable: true,
            suggestion: 'Retry later',
          },
        })
        await storage.tasks.insert(failed)
        expect((await storage.tasks.get(failed.id))?.error).toEqual(failed.error)
      })

      it('answers null for an unknown or malformed id', async () => {
        expect(await storage.tasks.get('task_doesnotexist')).toBeNull()
        expect(await storage.tasks.get("'; drop table tasks; --")).toBeNull()
      })

      it('refuses a second task with the same id', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        await expect(storage.tasks.insert({ ...stored, prompt: 'other' })).rejects.toMatchObject({
          code: 'storage_conflict',
        })
        expect((await storage.tasks.get(stored.id))?.prompt).toBe(stored.prompt)
      })

      it('keeps no reference to objects passed in or handed out', async () => {
        const stored = task({
          steps: [{ tool: 't', action: 'a', status: 'running', startedAt: 1, durationMs: 0, note: null }],
        })
        await storage.tasks.insert(stored)
        stored.steps[0]!.status = 'complete'
        stored.prompt = 'changed after insert'
        const read = (await storage.tasks.get(stored.id))!
        expect(read.steps[0]!.status).toBe('running')
        read.steps.push({ tool: 'x', action: 'y', status: 'complete', startedAt: 2, durationMs: 1, note: null })
        expect((await storage.tasks.get(stored.id))!.steps).toHaveLength(1)
      })
    })

    describe('tasks: versions', () => {
      it('writes an update made against the current version and counts the version up', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        expect(await storage.tasks.update({ ...stored, status: 'running', startedAt: 1_500 }, 1)).toEqual({
          ok: true,
          version: 2,
        })
        expect(await storage.tasks.update({ ...stored, status: 'complete', endedAt: 1_600, result: 'r' }, 2)).toEqual({
          ok: true,
          version: 3,
        })
        expect(await storage.tasks.get(stored.id)).toMatchObject({
          status: 'complete',
          startedAt: null,
          endedAt: 1_600,
          result: 'r',
          version: 3,
        })
      })

      it('refuses an update made against a stale version and writes nothing', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        await storage.tasks.update({ ...stored, status: 'running' }, 1)
        expect(await storage.tasks.update({ ...stored, status: 'cancelled', endedAt: 5 }, 1)).toEqual({
          ok: false,
          currentVersion: 2,
        })
        expect(await storage.tasks.get(stored.id)).toMatchObject({ status: 'running', version: 2 })
      })

      it('sets the version itself, whatever the written task says', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        expect(await storage.tasks.update({ ...stored, version: 99 }, 1)).toEqual({ ok: true, version: 2 })
        expect((await storage.tasks.get(stored.id))?.version).toBe(2)
      })

      it('refuses an update of a task that does not exist', async () => {
        expect(await storage.tasks.update(task(), 1)).toEqual({ ok: false, currentVersion: null })
      })

      it('lets exactly one of two concurrent updates against the same version through', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        const outcomes = await Promise.all([
          storage.tasks.update({ ...stored, prompt: 'a' }, 1),
          storage.tasks.update({ ...stored, prompt: 'b' }, 1),
        ])
        expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
        const winner = outcomes[0].ok ? 'a' : 'b'
        expect((await storage.tasks.get(stored.id))?.prompt).toBe(winner)
      })
    })

    describe('tasks: listing', () => {
      it('lists newest first, later insertions first among equal creation times', async () => {
        const a = task({ createdAt: 100 })
        const b = task({ createdAt: 300 })
        const c = task({ createdAt: 200 })
        const d = task({ createdAt: 300 })
        for (const entry of [a, b, c, d]) await storage.tasks.insert(entry)
        expect(ids((await storage.tasks.list({}, { limit: 10, offset: 0 })).data)).toEqual([d.id, b.id, c.id, a.id])
      })

      it('pages with an exact has_more', async () => {
        const all = Array.from({ length: 5 }, (_, i) => task({ createdAt: 1_000 + i }))
        for (const entry of all) await storage.tasks.insert(entry)
        const newest = ids(all).reverse()
        expect(await storage.tasks.list({}, { limit: 2, offset: 0 })).toMatchObject({ has_more: true })
        expect(ids((await storage.tasks.list({}, { limit: 2, offset: 1 })).data)).toEqual(newest.slice(1, 3))
        expect((await storage.tasks.list({}, { limit: 2, offset: 3 })).has_more).toBe(false)
        expect((await storage.tasks.list({}, { limit: 5, offset: 0 })).has_more).toBe(false)
        expect((await storage.tasks.list({}, { limit: 4, offset: 0 })).has_more).toBe(true)
        expect(await storage.tasks.list({}, { limit: 3, offset: 5 })).toEqual({ data: [], has_more: false })
      })

      it('filters by status, subagent, user and account, together', async () => {
        const entries = [
          task({ status: 'pending', subAgent: 'crm', userId: 'u1', account: 'acct_a', createdAt: 1 }),
          task({ status: 'complete', subAgent: 'crm', userId: 'u2', account: 'acct_a', createdAt: 2, endedAt: 3 }),
          task({ status: 'pending', subAgent: 'mail', userId: 'u1', account: 'acct_b', createdAt: 3 }),
          task({ status: 'pending', subAgent: null, userId: 'u1', account: null, createdAt: 4 }),
        ]
        for (const entry of entries) await storage.tasks.insert(entry)
        const list = async (filter: Parameters<Storage['tasks']['list']>[0]): Promise<string[]> =>
          ids((await storage.tasks.list(filter, { limit: 10, offset: 0 })).data)
        const [first, second, third, fourth] = ids(entries)
        expect(await list({ status: 'pending' })).toEqual([fourth, third, first])
        expect(await list({ subAgent: 'crm' })).toEqual([second, first])
        expect(await list({ userId: 'u1', status: 'pending' })).toEqual([fourth, third, first])
        expect(await list({ account: 'acct_a' })).toEqual([second, first])
        expect(await list({ account: null })).toEqual([fourth])
        expect(await list({ account: 'acct_a', userId: 'u1' })).toEqual([first])
        expect(await list({ status: 'running' })).toEqual([])
      })

      it('sees status changes in filtered listings', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        await storage.tasks.update({ ...stored, status: 'waiting' }, 1)
        expect(ids((await storage.tasks.list({ status: 'waiting' }, { limit: 10, offset: 0 })).data)).toEqual([
          stored.id,
        ])
        expect((await storage.tasks.list({ status: 'pending' }, { limit: 10, offset: 0 })).data).toEqual([])
      })

      it('sees a subagent, user and account set by an update in filtered listings', async () => {
        const stored = task()
        await storage.tasks.insert(stored)
        const routed = { ...stored, status: 'running' as const, subAgent: 'crm', userId: 'u9', account: 'acct_z' }
        expect(await storage.tasks.update(routed, 1)).toEqual({ ok: true, version: 2 })
        const filter = { subAgent: 'crm', userId: 'u9', account: 'acct_z' }
        expect(ids((await storage.tasks.list(filter, { limit: 10, offset: 0 })).data)).toEqual([stored.id])
        // Against a stale version, neither the state nor who the task belongs to changes.
        expect(await storage.tasks.update({ ...routed, subAgent: 'mail' }, 1)).toEqual({ ok: false, currentVersion: 2 })
        expect(await storage.tasks.get(stored.id)).toMatchObject({ subAgent: 'crm', version: 2 })
      })
    })

    describe('tasks: deleting and retention', () => {
      it('deletes tasks by id and ignores unknown ids', async () => {
        const [a, b] = [task(), task()]
        await storage.tasks.insert(a)
        await storage.tasks.insert(b)
        expect(await storage.tasks.delete([a.id, 'task_unknown'])).toBe(1)
        expect(await storage.tasks.get(a.id)).toBeNull()
        expect(ids((await storage.tasks.list({}, { limit: 10, offset: 0 })).data)).toEqual([b.id])
      })

      it('prunes finished tasks past their age, then the oldest past the count, never live ones', async () => {
        const live = task({ status: 'running', createdAt: 1 })
        const ended = [10, 20, 30, 40].map((endedAt) => task({ status: 'complete', createdAt: endedAt - 5, endedAt }))
        for (const entry of [live, ...ended]) await storage.tasks.insert(entry)
        expect(await storage.tasks.prune({ endedBefore: 15, maxFinished: 100 })).toBe(1)
        expect(await storage.tasks.prune({ endedBefore: 0, maxFinished: 2 })).toBe(1)
        expect(ids((await storage.tasks.list({}, { limit: 10, offset: 0 })).data)).toEqual([
          ended[3]!.id,
          ended[2]!.id,
          live.id,
        ])
        expect(await storage.tasks.prune({ endedBefore: 1_000, maxFinished: 0 })).toBe(2)
        expect(await storage.tasks.get(live.id)).not.toBeNull()
      })

      it('prunes tasks that ended through an update', async () => {
        const stored = task({ status: 'running' })
        await storage.tasks.insert(stored)
        await storage.tasks.update({ ...stored, status: 'failed', endedAt: 50 }, 1)
        expect(await storage.tasks.prune({ endedBefore: 51, maxFinished: 100 })).toBe(1)
        expect(await storage.tasks.get(stored.id)).toBeNull()
      })
    })

    describe('tasks: leases', () => {
      it('claims unowned and expired tasks in the given statuses, oldest first, and counts their version up', async () => {
        const unowned = task({ status: 'pending', createdAt: 1 })
        const expired = task({ status: 'running', createdAt: 2, owner: 'dead', leaseExpiresAt: 500 })
        const held = task({ status: 'running', createdAt: 3, owner: 'alive', leaseExpiresAt: 5_000 })
        const waiting = task({ status: 'waiting', createdAt: 4 })
        const done = task({ status: 'complete', createdAt: 5, endedAt: 6 })
        for (const entry of [unowned, expired, held, waiting, done]) await storage.tasks.insert(entry)
        const claimed = await storage.tasks.claim({
          owner: 'me',
          statuses: ['pending', 'running'],
          now: 1_000,
          until: 31_000,
          limit: 10,
        })
        expect(ids(claimed)).toEqual([unowned.id, expired.id])
        expect(claimed[1]).toMatchObject({ owner: 'me', leaseExpiresAt: 31_000, version: 2, status: 'running' })
        expect(await storage.tasks.get(held.id)).toMatchObject({ owner: 'alive', version: 1 })
        expect(await storage.tasks.get(expired.id)).toMatchObject({ owner: 'me', leaseExpiresAt: 31_000, version: 2 })
      })

      it('counts a lease that ends exactly now as expired', async () => {
        const stored = task({ status: 'running', owner: 'dead', leaseExpiresAt: 1_000 })
        await storage.tasks.insert(stored)
        expect(
          ids(await storage.tasks.claim({ owner: 'me', statuses: ['running'], now: 1_000, until: 2_000, limit: 10 })),
        ).toEqual([stored.id])
      })

      it('claims a task nobody owns whatever its lease says', async () => {
        const stored = task({ status: 'pending', owner: null, leaseExpiresAt: 5_000 })
        await storage.tasks.insert(stored)
        expect(
          ids(await storage.tasks.claim({ owner: 'me', statuses: ['pending'], now: 1_000, until: 9_000, limit: 10 })),
        ).toEqual([stored.id])
      })

      it('claims at most the limit', async () => {
        for (let i = 0; i < 5; i++) await storage.tasks.insert(task({ createdAt: i }))
        expect(
          await storage.tasks.claim({ owner: 'me', statuses: ['pending'], now: 0, until: 10, limit: 3 }),
        ).toHaveLength(3)
        expect(
          await storage.tasks.claim({ owner: 'other', statuses: ['pending'], now: 0, until: 10, limit: 10 }),
        ).toHaveLength(2)
      })

      it('never gives one task to two concurrent claims', async () => {
        for (let i = 0; i < 20; i++) await storage.tasks.insert(task({ createdAt: i }))
        const [a, b] = await Promise.all([
          storage.tasks.claim({ owner: 'a', statuses: ['pending'], now: 0, until: 10, limit: 20 }),
          storage.tasks.claim({ owner: 'b', statuses: ['pending'], now: 0, until: 10, limit: 20 }),
        ])
        const all = [...ids(a), ...ids(b)]
        expect(new Set(all).size).toBe(all.length)
        expect(all).toHaveLength(20)
      })

      it("refuses the previous owner's write after a claim", async () => {
        const stored = task({ status: 'running', owner: 'dead', leaseExpiresAt: 1 })
        await storage.tasks.insert(stored)
        await storage.tasks.claim({ owner: 'me', statuses: ['running'], now: 10, until: 100, limit: 1 })
        expect(await storage.tasks.update({ ...stored, status: 'complete', endedAt: 11 }, 1)).toEqual({
          ok: false,
          currentVersion: 2,
        })
      })

      it('claims its own tasks only when asked to', async () => {
        const stored = task({ status: 'running', owner: 'me', leaseExpiresAt: 5_000 })
        await storage.tasks.insert(stored)
        expect(
          await storage.tasks.claim({ owner: 'me', statuses: ['running'], now: 1_000, until: 9_000, limit: 10 }),
        ).toEqual([])
        expect(
          ids(
            await storage.tasks.claim({
              owner: 'me',
              statuses: ['running'],
              now: 1_000,
              until: 9_000,
              limit: 10,
              includeOwn: true,
            }),
          ),
        ).toEqual([stored.id])
      })

      it('hands a same-owner restart its own running and pending tasks, page by page, each once', async () => {
        // What a process killed while accepting tasks leaves behind: its own leases, still current.
        const own = Array.from({ length: 7 }, (_, i) =>
          task({ status: i % 3 === 0 ? 'running' : 'pending', createdAt: i, owner: 'me', leaseExpiresAt: 50_000 }),
        )
        const waiting = task({ status: 'waiting', createdAt: 2, owner: 'me', leaseExpiresAt: 50_000 })
        const theirs = task({ status: 'running', createdAt: 3, owner: 'other', leaseExpiresAt: 50_000 })
        for (const entry of [...own, waiting, theirs]) await storage.tasks.insert(entry)
        const claimed: string[] = []
        for (let page = 0; page < 10; page++) {
          const batch = await storage.tasks.claim({
            owner: 'me',
            statuses: ['pending', 'running'],
            now: 1_000,
            until: 31_000,
            limit: 3,
            includeOwn: true,
            exclude: claimed,
          })
          claimed.push(...ids(batch))
          if (batch.length < 3) break
        }
        expect(claimed).toEqual(ids(own))
        for (const entry of own)
          expect(await storage.tasks.get(entry.id)).toMatchObject({
            status: entry.status,
            owner: 'me',
            leaseExpiresAt: 31_000,
            version: 2,
          })
        expect(await storage.tasks.get(waiting.id)).toMatchObject({ owner: 'me', leaseExpiresAt: 50_000, version: 1 })
        expect(await storage.tasks.get(theirs.id)).toMatchObject({ owner: 'other', version: 1 })
      })

      it('claims no task it is told to exclude, whether unowned, expired or its own', async () => {
        const unowned = task({ status: 'pending', createdAt: 1 })
        const expired = task({ status: 'running', createdAt: 2, owner: 'dead', leaseExpiresAt: 500 })
        const mine = task({ status: 'running', createdAt: 3, owner: 'me', leaseExpiresAt: 5_000 })
        const left = task({ status: 'pending', createdAt: 4 })
        for (const entry of [unowned, expired, mine, left]) await storage.tasks.insert(entry)
        const claimed = await storage.tasks.claim({
          owner: 'me',
          statuses: ['pending', 'running'],
          now: 1_000,
          until: 9_000,
          limit: 10,
          includeOwn: true,
          exclude: [unowned.id, expired.id, mine.id, 'task_gone'],
        })
        expect(ids(claimed)).toEqual([left.id])
        expect(await storage.tasks.get(expired.id)).toMatchObject({ owner: 'dead', version: 1 })
      })

      it('renews only the leases the owner holds, without changing versions', async () => {
        const mine = task({ status: 'running', owner: 'me', leaseExpiresAt: 1_000 })
        const theirs = task({ status: 'running', owner: 'other', leaseExpiresAt: 1_000 })
        await storage.tasks.insert(mine)
        await storage.tasks.insert(theirs)
        expect(await storage.tasks.renew('me', [mine.id, theirs.id, 'task_gone'], 9_000)).toEqual([mine.id])
        expect(await storage.tasks.get(mine.id)).toMatchObject({ leaseExpiresAt: 9_000, version: 1 })
        expect(await storage.tasks.get(theirs.id)).toMatchObject({ leaseExpiresAt: 1_000, owner: 'other' })
        expect(
          await storage.tasks.update({ ...mine, leaseExpiresAt: 9_000, status: 'complete', endedAt: 2 }, 1),
        ).toEqual({ ok: true, version: 2 })
      })

      it('lets a renewed lease keep a task from claims', async () => {
        const stored = task({ status: 'running', owner: 'me', leaseExpiresAt: 1_000 })
        await storage.tasks.insert(stored)
        await storage.tasks.renew('me', [stored.id], 5_000)
        expect(
          await storage.tasks.claim({ owner: 'other', statuses: ['running'], now: 2_000, until: 9_000, limit: 10 }),
        ).toEqual([])
      })
    })

    describe('subagents', () => {
      const base = {
        account: null,
        type: 'custom' as const,
        tools: null,
        status: 'deployed' as const,
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
      }

      it('stores, replaces in place, lists oldest first and removes subagents', async () => {
        await storage.subagents.put({ ...base, id: 'first', prompt: 'one' })
        await storage.subagents.put({ ...base, id: 'second', prompt: 'two', tools: ['crm', 'mail'], type: 'prebuilt' })
        await storage.subagents.put({ ...base, id: 'first', prompt: 'one, updated', updatedAt: 5 })
        expect((await storage.subagents.list()).map((subagent) => subagent.id)).toEqual(['first', 'second'])
        expect(await storage.subagents.get({ account: null, id: 'first' })).toEqual({
          ...base,
          id: 'first',
          prompt: 'one, updated',
          updatedAt: 5,
        })
        expect(await storage.subagents.get({ account: null, id: 'second' })).toMatchObject({
          tools: ['crm', 'mail'],
          type: 'prebuilt',
        })
        await storage.subagents.put({
          ...base,
          id: 'second',
          prompt: 'two',
          status: 'deleted',
          deletedAt: 9,
          updatedAt: 9,
        })
        expect(await storage.subagents.get({ account: null, id: 'second' })).toMatchObject({
          status: 'deleted',
          deletedAt: 9,
        })
        await storage.subagents.remove({ account: null, id: 'first' })
        expect(await storage.subagents.get({ account: null, id: 'first' })).toBeNull()
        await storage.subagents.put({ ...base, id: 'first', prompt: 'again' })
        expect((await storage.subagents.list()).map((subagent) => subagent.id)).toEqual(['second', 'first'])
      })

      it('keeps one subagent per name in each account, a null account being one of its own', async () => {
        await storage.subagents.put({ ...base, id: 'crm', prompt: 'unscoped' })
        await storage.subagents.put({ ...base, account: 'acme:live', id: 'crm', prompt: 'acme live' })
        await storage.subagents.put({ ...base, account: 'acme:test', id: 'crm', prompt: 'acme test' })
        await storage.subagents.put({ ...base, account: '', id: 'crm', prompt: 'empty account' })
        await storage.subagents.put({ ...base, account: 'acme:live', id: 'crm', prompt: 'acme live, updated' })
        expect(await storage.subagents.get({ account: 'acme:live', id: 'crm' })).toEqual({
          ...base,
          account: 'acme:live',
          id: 'crm',
          prompt: 'acme live, updated',
        })
        expect(await storage.subagents.get({ account: null, id: 'crm' })).toMatchObject({
          account: null,
          prompt: 'unscoped',
        })
        expect(await storage.subagents.get({ account: '', id: 'crm' })).toMatchObject({
          account: '',
          prompt: 'empty account',
        })
        expect(await storage.subagents.get({ account: 'other', id: 'crm' })).toBeNull()
        const prompts = (subagents: { prompt: string }[]): string[] => subagents.map((subagent) => subagent.prompt)
        expect(prompts(await storage.subagents.list())).toEqual([
          'unscoped',
          'acme live, updated',
          'acme test',
          'empty account',
        ])
        expect(prompts(await storage.subagents.list({ account: 'acme:live' }))).toEqual(['acme live, updated'])
        expect(prompts(await storage.subagents.list({ account: null }))).toEqual(['unscoped'])
        expect(prompts(await storage.subagents.list({ account: '' }))).toEqual(['empty account'])
        await storage.subagents.remove({ account: 'acme:test', id: 'crm' })
        await storage.subagents.remove({ account: null, id: 'crm' })
        expect(prompts(await storage.subagents.list())).toEqual(['acme live, updated', 'empty account'])
        await storage.subagents.put({ ...base, id: 'crm', prompt: 'unscoped again' })
        expect(prompts(await storage.subagents.list())).toEqual([
          'acme live, updated',
          'empty account',
          'unscoped again',
        ])
      })
    })

    describe('key-value stores', () => {
      for (const which of ['memory', 'credentials'] as const) {
        it(`stores, replaces and deletes values in ${which}`, async () => {
          const store = storage[which]
          expect(await store.get('missing')).toBeUndefined()
          await store.set('k', { nested: [1, 'a'] })
          expect(await store.get('k')).toEqual({ nested: [1, 'a'] })
          await store.set('k', 'replaced')
          expect(await store.get('k')).toBe('replaced')
          expect(await store.delete('k')).toBe(true)
          expect(await store.delete('k')).toBe(false)
          expect(await store.get('k')).toBeUndefined()
        })

        it(`expires values in ${which} after their ttl`, async () => {
          const store = storage[which]
          // Wide enough for a database on a busy machine: two round trips must fit in the ttl.
          await store.set('short', 'v', 500)
          await store.set('long', 'v', 60_000)
          expect(await store.get('short')).toBe('v')
          await new Promise((resolve) => setTimeout(resolve, 600))
          expect(await store.get('short')).toBeUndefined()
          expect(await store.get('long')).toBe('v')
        })
      }

      it('keeps memory and credentials apart', async () => {
        await storage.memory.set('same-key', 'memory')
        await storage.credentials.set('same-key', 'credentials')
        expect(await storage.memory.get('same-key')).toBe('memory')
        expect(await storage.credentials.get('same-key')).toBe('credentials')
      })
    })

    describe('idempotency', () => {
      const id = { scope: 'acct_a:live', key: 'key-1' }
      const record = (fingerprint: string, expiresAt: number) => ({ fingerprint, response: null, expiresAt })

      it('stores the first claim and answers later claims with it', async () => {
        expect(await storage.idempotency.claim(id, record('f1', 1_000), 0)).toBeNull()
        expect(await storage.idempotency.claim(id, record('f2', 1_000), 10)).toEqual(record('f1', 1_000))
      })

      it('keeps keys of different scopes apart', async () => {
        await storage.idempotency.claim(id, record('f1', 1_000), 0)
        expect(await storage.idempotency.claim({ ...id, scope: 'acct_b:live' }, record('f2', 1_000), 0)).toBeNull()
      })

      it('replaces an expired record', async () => {
        await storage.idempotency.claim(id, record('f1', 1_000), 0)
        expect(await storage.idempotency.claim(id, record('f2', 3_000), 1_000)).toBeNull()
        expect(await storage.idempotency.claim(id, record('f3', 3_000), 1_001)).toMatchObject({ fingerprint: 'f2' })
      })

      it('completes a record with its response and forgets a released one', async () => {
        await storage.idempotency.claim(id, record('f1', 1_000), 0)
        const done = { fingerprint: 'f1', response: { status: 201, body: '{"id":"task_1"}' }, expiresAt: 1_000 }
        await storage.idempotency.complete(id, done)
        expect(await storage.idempotency.claim(id, record('f1', 1_000), 1)).toEqual(done)
        await storage.idempotency.release(id)
        expect(await storage.idempotency.claim(id, record('f9', 1_000), 2)).toBeNull()
      })

      it('lets exactly one of many concurrent claims win', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => storage.idempotency.claim(id, record(`f${i}`, 1_000), 0)),
        )
        expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(1)
        const winner = outcomes.findIndex((outcome) => outcome === null)
        for (const outcome of outcomes) if (outcome !== null) expect(outcome.fingerprint).toBe(`f${winner}`)
      })
    })

    describe('outbox', () => {
      it('claims due deliveries nobody holds, earliest first, and keeps them from other claims until the lease ends', async () => {
        const late = delivery({ nextAttemptAt: 300 })
        const early = delivery({ nextAttemptAt: 100 })
        const future = delivery({ nextAttemptAt: 10_000 })
        for (const entry of [late, early, future]) await storage.outbox.put(entry)
        const claimed = await storage.outbox.claim({ owner: 'a', now: 500, until: 1_500, dueBy: 500, limit: 10 })
        expect(ids(claimed)).toEqual([early.id, late.id])
        expect(claimed[0]).toMatchObject({ owner: 'a', leaseExpiresAt: 1_500, body: early.body, attempts: 0 })
        expect(await storage.outbox.claim({ owner: 'b', now: 600, until: 1_600, dueBy: 600, limit: 10 })).toEqual([])
        expect(
          ids(await storage.outbox.claim({ owner: 'b', now: 1_500, until: 2_500, dueBy: 1_500, limit: 10 })),
        ).toEqual([early.id, late.id])
      })

      it('replaces a delivery on put and forgets a removed one', async () => {
        const entry = delivery()
        await storage.outbox.put(entry)
        await storage.outbox.put({ ...entry, attempts: 2, nextAttemptAt: 50, owner: 'a', leaseExpiresAt: 40 })
        expect(await storage.outbox.claim({ owner: 'b', now: 100, until: 200, dueBy: 100, limit: 10 })).toEqual([
          { ...entry, attempts: 2, nextAttemptAt: 50, owner: 'b', leaseExpiresAt: 200 },
        ])
        await storage.outbox.remove(entry.id)
        await storage.outbox.remove('evt_unknown')
        expect(await storage.outbox.claim({ owner: 'c', now: 1_000, until: 2_000, dueBy: 1_000, limit: 10 })).toEqual(
          [],
        )
      })

      it('never gives one delivery to two concurrent claims', async () => {
        for (let i = 0; i < 10; i++) await storage.outbox.put(delivery({ nextAttemptAt: i }))
        const [a, b] = await Promise.all([
          storage.outbox.claim({ owner: 'a', now: 100, until: 200, dueBy: 100, limit: 10 }),
          storage.outbox.claim({ owner: 'b', now: 100, until: 200, dueBy: 100, limit: 10 }),
        ])
        expect(a.length + b.length).toBe(10)
        expect(new Set([...ids(a), ...ids(b)]).size).toBe(10)
      })
    })
  })
}
