import { postgresStorage, SCHEMA_VERSION } from '@inboard/postgres'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, POSTGRES_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'

const missing = await serversMissing()
const schema = uniqueName('inboard_pg_subagents')
afterAll(async () => {
  if (missing === null) await dropSchema(schema)
})

/**
 * A schema as version 1 left it: subagents keyed by name alone, their JSON without an account, and
 * every task index over all rows.
 */
async function writeVersionOneSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  await client.query(`CREATE SCHEMA "${schema}"`)
  await client.query(
    `CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  )
  await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (1)`)
  await client.query(
    `CREATE TABLE "${schema}".subagents (id text PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY, data json NOT NULL)`,
  )
  await client.query(
    `CREATE TABLE "${schema}".tasks (id text PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY, status text NOT NULL,
       version integer NOT NULL, owner text, lease_expires_at bigint, created_at bigint NOT NULL, ended_at bigint,
       sub_agent text, user_id text, account text, priority smallint NOT NULL, data json NOT NULL)`,
  )
  for (const [name, columns] of [
    ['tasks_account_newest', 'account, created_at DESC, seq DESC'],
    ['tasks_user_newest', 'user_id, created_at DESC, seq DESC'],
    ['tasks_sub_agent_newest', 'sub_agent, created_at DESC, seq DESC'],
    ['tasks_leases', 'status, lease_expires_at'],
  ])
    await client.query(`CREATE INDEX ${name} ON "${schema}".tasks (${columns})`)
  for (const id of ['crm', 'mail']) {
    const data = {
      id,
      prompt: `${id} work`,
      type: 'custom',
      tools: null,
      status: 'deployed',
      createdAt: 1,
      updatedAt: 1,
      deletedAt: null,
    }
    await client.query(`INSERT INTO "${schema}".subagents (id, data) VALUES ($1, $2)`, [id, JSON.stringify(data)])
  }
  await client.end()
}

describe.skipIf(missing !== null)('a Postgres schema written by version 1', () => {
  it('is migrated: subagents become unscoped in their old order, each account gets its own names, and task indexes cover only the rows they serve', async () => {
    await writeVersionOneSchema()
    const storage = postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 2 })
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
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    const partial = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname IN ('tasks_account_newest', 'tasks_leases') ORDER BY indexname`,
      [schema],
    )
    expect(partial.rows.map((row) => [row.indexname, /WHERE (.*)$/.exec(row.indexdef)?.[1]])).toEqual([
      ['tasks_account_newest', '(account IS NOT NULL)'],
      ['tasks_leases', "(status = ANY (ARRAY['pending'::text, 'running'::text]))"],
    ])
    const { rows } = await client.query<{ version: number }>(
      `SELECT max(version) AS version FROM "${schema}".schema_migrations`,
    )
    await client.end()
    expect(rows[0]!.version).toBe(SCHEMA_VERSION)
  })
})
