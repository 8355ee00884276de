import type { Storage } from '@inboard/core'
import { migrate } from './migrations.js'
import { PostgresConnection } from './postgres-connection.js'
import { PostgresIdempotencyStorage } from './postgres-idempotency-storage.js'
import { PostgresKeyValueStore } from './postgres-key-value-store.js'
import { PostgresOutboxStorage } from './postgres-outbox-storage.js'
import type { PostgresPool } from './postgres-pool.js'
import { PostgresSubagentStorage } from './postgres-subagent-storage.js'
import { PostgresTaskStorage } from './postgres-task-storage.js'
import { DEFAULT_SCHEMA, quoteSchema } from './schema-name.js'

interface CommonOptions {
  /**
   * The Postgres schema that holds Inboard's tables; created on open. Processes that share a
   * schema share tasks, memory, credentials and the outbox. @default 'inboard'
   */
  schema?: string
}

/** Options of {@link postgresStorage}: a connection string, or a `pg` 8 pool the app already has. */
export type PostgresStorageOptions =
  | (CommonOptions & {
      /** `postgres://user:password@host:5432/database`; the storage creates and closes its own pool. */
      connectionString: string
      /** Connections in the pool the storage creates. @default 10 */
      poolSize?: number
    })
  | (CommonOptions & {
      /** A `pg` 8 `Pool` the app owns: the storage uses it and leaves it open on close. */
      pool: PostgresPool
    })

/**
 * Storage on Postgres for one runtime spread over many processes: tasks with their traces and
 * leases, subagents, execution memory, credentials, Idempotency-Key records and the webhook outbox
 * live in one schema, so what any process stored or learned is seen by all.
 *
 * @example
 * const runtime = createRuntime({ storage: postgresStorage({ connectionString: process.env.DATABASE_URL! }) })
 * await runtime.ready()
 */
export function postgresStorage(options: PostgresStorageOptions): Storage {
  const schemaName = options.schema ?? DEFAULT_SCHEMA
  const schema = quoteSchema(schemaName)
  const db =
    'pool' in options && options.pool !== undefined
      ? new PostgresConnection({ pool: options.pool }, 0)
      : new PostgresConnection(
          { connectionString: (options as { connectionString: string }).connectionString },
          (options as { poolSize?: number }).poolSize ?? 10,
        )
  let opening: Promise<void> | null = null
  let closing: Promise<void> | null = null
  return {
    tasks: new PostgresTaskStorage(db, schema),
    subagents: new PostgresSubagentStorage(db, schema),
    memory: new PostgresKeyValueStore(db, schema, 'memory'),
    credentials: new PostgresKeyValueStore(db, schema, 'credentials'),
    idempotency: new PostgresIdempotencyStorage(db, schema),
    outbox: new PostgresOutboxStorage(db, schema),
    webhookRoutes: new PostgresKeyValueStore(db, schema, 'webhook_routes'),
    open() {
      opening ??= (async () => {
        await db.open()
        await migrate(db, schemaName, schema)
      })()
      // A failed open may be retried (the server may come up later).
      opening.catch(() => {
        opening = null
      })
      return opening
    },
    close() {
      closing ??= db.close()
      return closing
    },
  }
}
