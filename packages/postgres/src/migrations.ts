import { InboardError } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

/**
 * The schema, one entry per version, oldest first. A released entry never changes: a new version
 * appends an entry. `$schema` stands for the quoted schema name.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE $schema.tasks (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    status text NOT NULL,
    version integer NOT NULL,
    owner text,
    lease_expires_at bigint,
    created_at bigint NOT NULL,
    ended_at bigint,
    sub_agent text,
    user_id text,
    account text,
    priority smallint NOT NULL,
    data json NOT NULL
  );
  -- Newest-first listing, alone and under each filter (createdAt, then insertion order, descending).
  CREATE INDEX tasks_newest ON $schema.tasks (created_at DESC, seq DESC);
  CREATE INDEX tasks_account_newest ON $schema.tasks (account, created_at DESC, seq DESC);
  CREATE INDEX tasks_status_newest ON $schema.tasks (status, created_at DESC, seq DESC);
  CREATE INDEX tasks_user_newest ON $schema.tasks (user_id, created_at DESC, seq DESC);
  CREATE INDEX tasks_sub_agent_newest ON $schema.tasks (sub_agent, created_at DESC, seq DESC);
  -- Lease scans (claims of tasks nobody holds) and retention.
  CREATE INDEX tasks_leases ON $schema.tasks (status, lease_expires_at);
  CREATE INDEX tasks_ended ON $schema.tasks (ended_at) WHERE ended_at IS NOT NULL;

  CREATE TABLE $schema.subagents (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    data json NOT NULL
  );

  CREATE TABLE $schema.key_values (
    namespace text NOT NULL,
    key text NOT NULL,
    value json NOT NULL,
    expires_at bigint,
    PRIMARY KEY (namespace, key)
  );

  CREATE TABLE $schema.idempotency (
    scope text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    response json,
    expires_at bigint NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_expiry ON $schema.idempotency (expires_at);

  CREATE TABLE $schema.outbox (
    id text PRIMARY KEY,
    event text NOT NULL,
    task_id text NOT NULL,
    url text NOT NULL,
    body text NOT NULL,
    attempts integer NOT NULL,
    created_at bigint NOT NULL,
    next_attempt_at bigint NOT NULL,
    owner text,
    lease_expires_at bigint
  );
  CREATE INDEX outbox_due ON $schema.outbox (next_attempt_at);
  `,
  // 2: subagents belong to an account (null: unscoped and prebuilt ones, which every existing row
  // becomes); a name is unique per account. Two indexes, because NULLs are distinct in a UNIQUE one.
  `
  ALTER TABLE $schema.subagents ADD COLUMN account text;
  ALTER TABLE $schema.subagents DROP CONSTRAINT subagents_pkey;
  ALTER TABLE $schema.subagents ADD PRIMARY KEY (seq);
  CREATE UNIQUE INDEX subagents_scoped ON $schema.subagents (account, id);
  CREATE UNIQUE INDEX subagents_unscoped ON $schema.subagents (id) WHERE account IS NULL;
  `,
  // 3: a write that changes a task's status or lease cannot be a heap-only update, so it adds an
  // entry to every index of the table, and each task is written three times. The listings by
  // account, user and subagent index only the tasks that have one, and the lease scan (claims
  // take pending and running tasks) only the tasks that are not finished: bench:scale on two
  // worker processes ran about 12% faster with them.
  `
  DROP INDEX $schema.tasks_account_newest;
  DROP INDEX $schema.tasks_user_newest;
  DROP INDEX $schema.tasks_sub_agent_newest;
  DROP INDEX $schema.tasks_leases;
  CREATE INDEX tasks_account_newest ON $schema.tasks (account, created_at DESC, seq DESC) WHERE account IS NOT NULL;
  CREATE INDEX tasks_user_newest ON $schema.tasks (user_id, created_at DESC, seq DESC) WHERE user_id IS NOT NULL;
  CREATE INDEX tasks_sub_agent_newest ON $schema.tasks (sub_agent, created_at DESC, seq DESC) WHERE sub_agent IS NOT NULL;
  CREATE INDEX tasks_leases ON $schema.tasks (status, lease_expires_at) WHERE status IN ('pending', 'running');
  `,
]

/** The schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Creates or upgrades the schema. Several processes may start at once: an advisory lock per schema
 * makes them take turns, and the ones that come second find nothing left to do.
 */
export async function migrate(connection: PostgresConnection, schema: string, quoted: string): Promise<void> {
  await connection.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inboard:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    )
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${quoted}.schema_migrations`,
    )
    const current = rows[0]?.version ?? 0
    if (current > SCHEMA_VERSION) {
      throw new InboardError(
        'storage_version_unsupported',
        `The Postgres schema "${schema}" at ${connection.host} is at version ${current}; this @inboard/postgres knows versions up to ${SCHEMA_VERSION}`,
        { suggestion: 'Upgrade @inboard/postgres to the version that wrote this schema, or use another schema.' },
      )
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1]!.replaceAll('$schema', quoted))
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version) VALUES ($1)`, [version])
    }
  })
}
