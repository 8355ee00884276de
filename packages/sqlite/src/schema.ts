import type BetterSqlite3 from 'better-sqlite3'

/**
 * One step from version `index` to `index + 1`. Migrations only ever append: a released step is
 * never edited, so every file walks the same path whatever version it starts from.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    sub_agent TEXT,
    user_id TEXT,
    account TEXT,
    created_at INTEGER NOT NULL,
    ended_at INTEGER,
    version INTEGER NOT NULL,
    owner TEXT,
    lease_expires_at INTEGER,
    record TEXT NOT NULL
  );
  -- seq is the rowid: always above every row present when inserted (no AUTOINCREMENT, which costs
  -- a write to sqlite_sequence per insert), so it orders tasks created in the same millisecond.
  -- Newest first is ORDER BY created_at DESC, seq DESC; the rowid ends every index, so the indexes
  -- below yield rows in that order without a sort. Every index costs each commit a page write, so
  -- there is one per common listing (all tasks, one account as over HTTP, one status, one end
  -- user); a sub_agent filter is applied while walking one of them.
  CREATE INDEX tasks_by_created ON tasks (created_at);
  CREATE INDEX tasks_by_account ON tasks (account, created_at);
  -- Also the index of lease claims: pending and running tasks are a small part of the table.
  CREATE INDEX tasks_by_status ON tasks (status, created_at);
  CREATE INDEX tasks_by_user ON tasks (user_id, created_at);
  -- Retention: only finished tasks have an end time, and only they are pruned.
  CREATE INDEX tasks_by_end ON tasks (ended_at) WHERE ended_at IS NOT NULL;

  CREATE TABLE subagents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL
  );

  CREATE TABLE key_values (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (namespace, key)
  ) WITHOUT ROWID;

  CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

  CREATE TABLE webhook_outbox (
    id TEXT PRIMARY KEY,
    next_attempt_at INTEGER NOT NULL,
    owner TEXT,
    lease_expires_at INTEGER,
    delivery TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX webhook_outbox_by_due ON webhook_outbox (next_attempt_at);
  `,
  // 2: subagents belong to an account (null: unscoped and prebuilt ones, which every existing row
  // becomes); a name is unique per account. SQLite cannot drop the old UNIQUE (id), so the table is
  // rebuilt, keeping seq (the listing order). Two indexes, because NULLs are distinct in a UNIQUE one.
  `
  CREATE TABLE subagents_by_account (
    seq INTEGER PRIMARY KEY,
    account TEXT,
    id TEXT NOT NULL,
    record TEXT NOT NULL
  );
  INSERT INTO subagents_by_account (seq, account, id, record) SELECT seq, NULL, id, record FROM subagents;
  DROP TABLE subagents;
  ALTER TABLE subagents_by_account RENAME TO subagents;
  CREATE UNIQUE INDEX subagents_by_scope ON subagents (account, id);
  CREATE UNIQUE INDEX subagents_unscoped ON subagents (id) WHERE account IS NULL;
  `,
  // 3: how many finished tasks the file holds, kept by triggers, so that retention deletes only
  // the oldest surplus instead of walking every finished task on each prune.
  `
  CREATE TABLE task_counts (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    finished INTEGER NOT NULL
  );
  INSERT INTO task_counts (id, finished) SELECT 1, COUNT(*) FROM tasks WHERE ended_at IS NOT NULL;
  CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks WHEN new.ended_at IS NOT NULL
  BEGIN UPDATE task_counts SET finished = finished + 1 WHERE id = 1; END;
  CREATE TRIGGER tasks_count_update AFTER UPDATE OF ended_at ON tasks WHEN (old.ended_at IS NULL) <> (new.ended_at IS NULL)
  BEGIN UPDATE task_counts SET finished = finished + (CASE WHEN new.ended_at IS NULL THEN -1 ELSE 1 END) WHERE id = 1; END;
  CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks WHEN old.ended_at IS NOT NULL
  BEGIN UPDATE task_counts SET finished = finished - 1 WHERE id = 1; END;
  `,
  // 4: the account and user indexes hold only the tasks that have one: those are the ones their
  // filters (\`account = ?\`, \`user_id = ?\`) look up, and a task without either no longer costs
  // two index entries on every insert.
  `
  DROP INDEX IF EXISTS tasks_by_account;
  CREATE INDEX tasks_by_account ON tasks (account, created_at) WHERE account IS NOT NULL;
  DROP INDEX IF EXISTS tasks_by_user;
  CREATE INDEX tasks_by_user ON tasks (user_id, created_at) WHERE user_id IS NOT NULL;
  `,
]

/**
 * The schema this version of the package writes, stored in SQLite's `user_version`. A file with a
 * higher number was written by a newer release and is refused rather than guessed at.
 */
export const SCHEMA_VERSION = MIGRATIONS.length

/** What {@link migrate} found and did. */
export interface MigrationResult {
  from: number
  to: number
}

/**
 * Brings the file to {@link SCHEMA_VERSION} inside one immediate transaction, so two processes
 * opening a new file at once cannot both create the tables. Returns the version found, or the
 * newer version number when the file is ahead of this code (nothing is changed then).
 */
export function migrate(db: BetterSqlite3.Database): MigrationResult {
  return db
    .transaction((): MigrationResult => {
      const from = db.pragma('user_version', { simple: true }) as number
      if (from > SCHEMA_VERSION) return { from, to: from }
      for (let version = from; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version]!)
      // Written even when nothing changed: it is the write that proves the file is writable now,
      // rather than at the first task.
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
      return { from, to: SCHEMA_VERSION }
    })
    .immediate()
}
