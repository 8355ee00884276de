import { postgresStorage } from '@inboard/postgres'
import { describeStorageConformance } from '@inboard/core/testing'
import pg from 'pg'
import { afterAll, describe, it } from 'vitest'
import { dropSchema, POSTGRES_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'

const missing = await serversMissing()

if (missing === null) {
  // This file's own schema. The suite wants an empty database for every test: migrating a schema
  // per test costs about a second, so each test empties the tables instead, and the schema is
  // dropped at the end.
  const schema = uniqueName('inboard_conformance')
  afterAll(async () => dropSchema(schema))
  describeStorageConformance(
    'postgresStorage',
    () => postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 4 }),
    {
      cleanup: async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL })
        await client.connect()
        await client.query(
          `TRUNCATE "${schema}".tasks, "${schema}".subagents, "${schema}".key_values, "${schema}".idempotency, "${schema}".outbox RESTART IDENTITY`,
        )
        await client.end()
      },
    },
  )
} else {
  describe.skip('postgresStorage (storage conformance)', () => {
    it(`needs Postgres: ${missing}`, () => undefined)
  })
}
