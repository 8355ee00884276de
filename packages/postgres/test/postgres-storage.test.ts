import { createServer } from 'node:net'
import type { StoredTask } from '@inboard/core'
import { InboardError } from '@inboard/core'
import { postgresStorage, SCHEMA_VERSION } from '@inboard/postgres'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, POSTGRES_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'

const missing = await serversMissing()
const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

function freshSchema(): string {
  const schema = uniqueName('inboard_pg')
  schemas.push(schema)
  return schema
}

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

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('an unreachable Postgres', () => {
  it('rejects open() with storage_unavailable naming the host', async () => {
    const port = await closedPort()
    const storage = postgresStorage({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` })
    const error: unknown = await storage.open().catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(InboardError)
    expect(error).toMatchObject({ code: 'storage_unavailable', recoverable: true })
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
    await storage.close()
  })
})

describe.skipIf(missing !== null)('postgresStorage on a real server', () => {
  it('refuses a schema written by a newer version with storage_version_unsupported', async () => {
    const schema = freshSchema()
    const first = postgresStorage({ connectionString: POSTGRES_URL, schema })
    await first.open()
    await first.close()
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [SCHEMA_VERSION + 1])
    await client.end()
    const second = postgresStorage({ connectionString: POSTGRES_URL, schema })
    await expect(second.open()).rejects.toMatchObject({ code: 'storage_version_unsupported' })
    await second.close()
  })

  it('works on a pg Pool the app owns and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 })
    const storage = postgresStorage({ pool, schema: freshSchema() })
    await storage.open()
    await storage.tasks.insert(task('task_on_app_pool'))
    await storage.close()
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one')
    expect(rows[0]!.one).toBe(1)
    await pool.end()
  })

  it('migrates once when several processes open the same schema at the same moment', async () => {
    const schema = freshSchema()
    const storages = Array.from({ length: 5 }, () =>
      postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 2 }),
    )
    await Promise.all(storages.map(async (storage) => storage.open()))
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM "${schema}".schema_migrations`)
    await client.end()
    expect(Number(rows[0]!.count)).toBe(SCHEMA_VERSION)
    await Promise.all(storages.map(async (storage) => storage.close()))
  })

  it('hands each expired task to exactly one of many concurrent claimers', async () => {
    const schema = freshSchema()
    const storages = Array.from({ length: 4 }, () =>
      postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 3 }),
    )
    await Promise.all(storages.map(async (storage) => storage.open()))
    const ids = Array.from({ length: 200 }, (_, i) => `task_claim${String(i).padStart(4, '0')}`)
    await Promise.all(
      ids.map(async (id, i) =>
        storages[0]!.tasks.insert(
          task(id, { createdAt: 1_000 + i, status: 'running', owner: 'dead', leaseExpiresAt: 5_000 }),
        ),
      ),
    )
    const claims = await Promise.all(
      storages.flatMap((storage, s) =>
        Array.from({ length: 6 }, async (_, c) =>
          storage.tasks.claim({
            owner: `p${s}c${c}`,
            statuses: ['pending', 'running'],
            now: 10_000,
            until: 40_000,
            limit: 20,
          }),
        ),
      ),
    )
    const claimed = claims.flat()
    expect(new Set(claimed.map((t) => t.id)).size).toBe(claimed.length)
    expect(claimed.length).toBe(ids.length)
    expect(claimed.every((t) => t.version === 2 && t.leaseExpiresAt === 40_000)).toBe(true)
    // The previous owner's late write is refused: its version is stale.
    await expect(storages[1]!.tasks.update(task(ids[0]!, { status: 'complete' }), 1)).resolves.toEqual({
      ok: false,
      currentVersion: 2,
    })
    await Promise.all(storages.map(async (storage) => storage.close()))
  })

  it('hands each due webhook delivery to exactly one process', async () => {
    const schema = freshSchema()
    const storages = Array.from({ length: 3 }, () =>
      postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 3 }),
    )
    await Promise.all(storages.map(async (storage) => storage.open()))
    for (let i = 0; i < 60; i++) {
      await storages[0]!.outbox.put({
        id: `evt_${i}`,
        event: 'task.complete',
        taskId: `task_${i}`,
        url: 'https://example.test/hook',
        body: '{}',
        attempts: 0,
        createdAt: 1,
        nextAttemptAt: 1,
        owner: null,
        leaseExpiresAt: null,
      })
    }
    const claims = await Promise.all(
      storages.flatMap((storage, s) =>
        [0, 1, 2].map(async (c) =>
          storage.outbox.claim({ owner: `p${s}c${c}`, now: 10, until: 30_000, dueBy: 10, limit: 10 }),
        ),
      ),
    )
    const claimed = claims.flat().map((delivery) => delivery.id)
    expect(claimed.length).toBe(60)
    expect(new Set(claimed).size).toBe(60)
    await Promise.all(storages.map(async (storage) => storage.close()))
  })

  it('survives its connections being dropped: writes fail as recoverable, then succeed again after reconnecting', async () => {
    const schema = freshSchema()
    const application = uniqueName('inboard_drop')
    const storage = postgresStorage({
      connectionString: `${POSTGRES_URL}?application_name=${application}`,
      schema,
      poolSize: 3,
    })
    await storage.open()
    await Promise.all([1, 2, 3].map(async (i) => storage.tasks.insert(task(`task_before${i}`))))
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    const { rows } = await admin.query<{ killed: boolean }>(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1',
      [application],
    )
    await admin.end()
    expect(rows.length).toBeGreaterThan(0)

    const failures: unknown[] = []
    let stored = false
    for (let attempt = 0; attempt < 100 && !stored; attempt++) {
      try {
        await storage.tasks.insert(task(`task_after${attempt}`))
        stored = true
      } catch (error) {
        failures.push(error)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    expect(stored).toBe(true)
    for (const failure of failures) expect(failure).toMatchObject({ code: 'storage_unavailable', recoverable: true })
    expect((await storage.tasks.get('task_before1'))?.id).toBe('task_before1')
    await storage.close()
  })
})
