import { createHash } from 'node:crypto'
import { InboardError } from '@inboard/core'
import type {
  Page,
  PageRequest,
  StoredTask,
  StoredTaskFilter,
  TaskClaimOptions,
  TaskPruneOptions,
  TaskStorage,
  TaskUpdateResult,
} from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'
import type { PreparedStatement } from './postgres-pool.js'
import { StatementBatch } from './statement-batch.js'

/** A `tasks` row: the columns that are queried, and the rest of the task as JSON. */
interface TaskRow {
  id: string
  status: StoredTask['status']
  version: number
  owner: string | null
  lease_expires_at: string | null
  created_at: string
  ended_at: string | null
  sub_agent: string | null
  user_id: string | null
  account: string | null
  priority: number
  data: TaskData
}

type TaskData = Omit<
  StoredTask,
  | 'id'
  | 'status'
  | 'version'
  | 'owner'
  | 'leaseExpiresAt'
  | 'createdAt'
  | 'endedAt'
  | 'subAgent'
  | 'userId'
  | 'account'
  | 'priority'
>

const TERMINAL = ['complete', 'failed', 'cancelled']

// bigint columns arrive as strings (pg does not narrow int8 to number by default).
function toNumber(value: string | null): number | null {
  return value === null ? null : Number(value)
}

function fromRow(row: TaskRow): StoredTask {
  return {
    ...row.data,
    id: row.id,
    status: row.status,
    version: row.version,
    owner: row.owner,
    leaseExpiresAt: toNumber(row.lease_expires_at),
    createdAt: Number(row.created_at),
    endedAt: toNumber(row.ended_at),
    subAgent: row.sub_agent,
    userId: row.user_id,
    account: row.account,
    priority: row.priority,
  }
}

function dataOf(task: StoredTask): string {
  const {
    id: _id,
    status: _s,
    version: _v,
    owner: _o,
    leaseExpiresAt: _l,
    createdAt: _c,
    endedAt: _e,
    subAgent: _a,
    userId: _u,
    account: _ac,
    priority: _p,
    ...data
  } = task
  return JSON.stringify(data)
}

/** The columns a task is written to, in the order of the statements' parameters. */
const COLUMNS = [
  'id',
  'version',
  'status',
  'owner',
  'lease_expires_at',
  'created_at',
  'ended_at',
  'sub_agent',
  'user_id',
  'account',
  'priority',
  'data',
] as const
/** Their types as arrays, for `unnest` (JSON travels as text and is cast when written). */
const UNNEST_TYPES = [
  'text',
  'int',
  'text',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'text',
  'text',
  'text',
  'smallint',
  'text',
]

/** `$1::text[], $2::int[], …` */
function arrayParams(types: readonly string[]): string {
  return types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')
}

/** Rows of values to one array per column. */
function columnsOf(rows: unknown[][]): unknown[][] {
  return COLUMNS.map((_, column) => rows.map((row) => row[column]))
}

/** Column values in the order of {@link COLUMNS}, after `id` and `version`. */
function values(task: StoredTask): unknown[] {
  return [
    task.status,
    task.owner,
    task.leaseExpiresAt,
    task.createdAt,
    task.endedAt,
    task.subAgent,
    task.userId,
    task.account,
    task.priority,
    dataOf(task),
  ]
}

type Statement = Pick<PreparedStatement, 'name' | 'text'>

/** A statement named after its text, so two storages on one pool (other schemas) never share a name. */
function statement(text: string): Statement {
  return { text, name: `inboard_${createHash('sha256').update(text).digest('hex').slice(0, 24)}` }
}

/** Tasks in one table, listed through its indexes and claimed with `FOR UPDATE SKIP LOCKED`. */
export class PostgresTaskStorage implements TaskStorage {
  readonly #db: PostgresConnection
  readonly #table: string

  // Group commit: a task's writes never overlap (the runtime sends one at a time), so each batch
  // holds distinct tasks; under load, tens of them share one statement and one commit. One batch
  // of a kind in flight at a time: a write waits at most one round trip, and each statement is a
  // wake-up and a commit for the server, which on a small machine cost more than the wait
  // (bench:scale, 2 cores: about 35% less Postgres CPU per task than with three in flight).
  readonly #inserts = new StatementBatch<StoredTask, Error | null>((tasks) => this.#insertBatch(tasks), {
    maxInFlight: 1,
    maxSize: 200,
    keyOf: (task) => task.id,
  })
  readonly #updates = new StatementBatch<{ task: StoredTask; expected: number }, TaskUpdateResult>(
    (writes) => this.#updateBatch(writes),
    {
      maxInFlight: 1,
      maxSize: 200,
      keyOf: (write) => write.task.id,
    },
  )

  readonly #gets = new StatementBatch<string, StoredTask | null>((ids) => this.#getBatch(ids), {
    maxInFlight: 1,
    maxSize: 200,
    keyOf: (id) => id,
  })

  /**
   * The statements every task runs, prepared once per connection (their parameters are arrays, so
   * any batch size fits); they name their columns, so a column a later version adds changes no
   * prepared result.
   */
  readonly #hot: { insert: Statement; update: Statement; get: Statement }

  constructor(db: PostgresConnection, schema: string) {
    this.#db = db
    this.#table = `${schema}.tasks`
    this.#hot = {
      insert: statement(
        `INSERT INTO ${this.#table} (${COLUMNS.join(', ')})
         SELECT ${COLUMNS.slice(0, -1).join(', ')}, data::json FROM unnest(${arrayParams(UNNEST_TYPES)}) AS v(${COLUMNS.join(', ')})`,
      ),
      update: statement(
        `UPDATE ${this.#table} AS t
         SET version = t.version + 1, status = v.status, owner = v.owner, lease_expires_at = v.lease_expires_at, created_at = v.created_at,
             ended_at = v.ended_at, sub_agent = v.sub_agent, user_id = v.user_id, account = v.account, priority = v.priority, data = v.data::json
         FROM unnest(${arrayParams(UNNEST_TYPES)}) AS v(${COLUMNS.join(', ')})
         WHERE t.id = v.id AND t.version = v.version
         RETURNING t.id, t.version`,
      ),
      get: statement(`SELECT ${COLUMNS.join(', ')} FROM ${this.#table} WHERE id = ANY($1::text[])`),
    }
  }

  async insert(task: StoredTask): Promise<void> {
    const error = await this.#inserts.push(task)
    if (error !== null) throw error
  }

  /** Inserts a batch in one statement; when one of them is refused, each alone, so only that one fails. */
  async #insertBatch(tasks: StoredTask[]): Promise<(Error | null)[]> {
    if (tasks.length > 1) {
      try {
        await this.#db.query(
          this.#hot.insert.text,
          columnsOf(tasks.map((task) => [task.id, task.version, ...values(task)])),
          this.#hot.insert.name,
        )
        return tasks.map(() => null)
      } catch {
        // One bad row (a duplicate id) refuses the statement: find it by inserting each alone.
      }
    }
    return Promise.all(
      tasks.map((task) =>
        this.#insertOne(task).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      ),
    )
  }

  async #insertOne(task: StoredTask): Promise<void> {
    try {
      await this.#db.query(
        `INSERT INTO ${this.#table} (${COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [task.id, task.version, ...values(task)],
      )
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505')
        throw new InboardError('storage_conflict', `A task with id ${task.id} already exists`, { cause: error })
      throw error
    }
  }

  get(id: string): Promise<StoredTask | null> {
    return this.#gets.push(id)
  }

  async #getBatch(ids: string[]): Promise<(StoredTask | null)[]> {
    const { rows } = await this.#db.query<TaskRow>(this.#hot.get.text, [ids], this.#hot.get.name)
    const found = new Map(rows.map((row) => [row.id, row]))
    return ids.map((id) => {
      const row = found.get(id)
      return row === undefined ? null : fromRow(row)
    })
  }

  update(task: StoredTask, expectedVersion: number): Promise<TaskUpdateResult> {
    return this.#updates.push({ task, expected: expectedVersion })
  }

  /** Compare-and-set writes of a batch in one statement; the versions of the refused ones in a second. */
  async #updateBatch(writes: { task: StoredTask; expected: number }[]): Promise<TaskUpdateResult[]> {
    const { rows } = await this.#db.query<{ id: string; version: number }>(
      this.#hot.update.text,
      columnsOf(writes.map(({ task, expected }) => [task.id, expected, ...values(task)])),
      this.#hot.update.name,
    )
    const written = new Map(rows.map((row) => [row.id, row.version]))
    const refused = writes.filter(({ task }) => !written.has(task.id)).map(({ task }) => task.id)
    const current = new Map<string, number>()
    if (refused.length > 0) {
      const found = await this.#db.query<{ id: string; version: number }>(
        `SELECT id, version FROM ${this.#table} WHERE id = ANY($1::text[])`,
        [refused],
      )
      for (const row of found.rows) current.set(row.id, row.version)
    }
    return writes.map(({ task }) => {
      const version = written.get(task.id)
      return version === undefined ? { ok: false, currentVersion: current.get(task.id) ?? null } : { ok: true, version }
    })
  }

  async list(filter: StoredTaskFilter, page: PageRequest): Promise<Page<StoredTask>> {
    const where: string[] = []
    const params: unknown[] = []
    const equals = (column: string, value: unknown): void => {
      params.push(value)
      where.push(`${column} = $${params.length}`)
    }
    if (filter.status !== undefined) equals('status', filter.status)
    if (filter.subAgent !== undefined) equals('sub_agent', filter.subAgent)
    if (filter.userId !== undefined) equals('user_id', filter.userId)
    if (filter.account === null) where.push('account IS NULL')
    else if (filter.account !== undefined) equals('account', filter.account)
    params.push(page.limit + 1, page.offset)
    const { rows } = await this.#db.query<TaskRow>(
      `SELECT * FROM ${this.#table} ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY created_at DESC, seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    )
    const hasMore = rows.length > page.limit
    return { data: rows.slice(0, page.limit).map(fromRow), has_more: hasMore }
  }

  async delete(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0
    const { rowCount } = await this.#db.query(`DELETE FROM ${this.#table} WHERE id = ANY($1::text[])`, [ids])
    return rowCount ?? 0
  }

  async prune(options: TaskPruneOptions): Promise<number> {
    const old = await this.#db.query(`DELETE FROM ${this.#table} WHERE status = ANY($1::text[]) AND ended_at < $2`, [
      TERMINAL,
      options.endedBefore,
    ])
    const over = await this.#db.query(
      `DELETE FROM ${this.#table} WHERE id IN (
         SELECT id FROM ${this.#table} WHERE status = ANY($1::text[]) ORDER BY ended_at DESC NULLS LAST, seq DESC OFFSET $2
       )`,
      [TERMINAL, options.maxFinished],
    )
    return (old.rowCount ?? 0) + (over.rowCount ?? 0)
  }

  async claim(options: TaskClaimOptions): Promise<StoredTask[]> {
    if (options.limit <= 0 || options.statuses.length === 0) return []
    // SKIP LOCKED: processes claiming at once each take different rows instead of queueing on the
    // same ones; a row another claim already changed is re-checked against the WHERE before it is taken.
    const { rows } = await this.#db.query<TaskRow>(
      `WITH picked AS (
         SELECT id FROM ${this.#table}
         WHERE status = ANY($1::text[])
           AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $2 ${options.includeOwn === true ? 'OR owner = $4' : ''})
           AND NOT (id = ANY($6::text[]))
         ORDER BY created_at, seq
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${this.#table} AS t SET owner = $4, lease_expires_at = $5, version = t.version + 1
       FROM picked WHERE t.id = picked.id
       RETURNING t.*`,
      [options.statuses, options.now, options.limit, options.owner, options.until, options.exclude ?? []],
    )
    return rows.map(fromRow).sort((a, b) => a.createdAt - b.createdAt)
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    if (ids.length === 0) return []
    const { rows } = await this.#db.query<{ id: string }>(
      `UPDATE ${this.#table} SET lease_expires_at = $3 WHERE owner = $1 AND id = ANY($2::text[]) RETURNING id`,
      [owner, ids, until],
    )
    return rows.map((row) => row.id)
  }
}
