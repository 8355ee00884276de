import type BetterSqlite3 from 'better-sqlite3'
import {
  InboardError,
  type Page,
  type PageRequest,
  type StoredTask,
  type StoredTaskFilter,
  type TaskClaimOptions,
  type TaskPruneOptions,
  type TaskStatus,
  type TaskStorage,
  type TaskUpdateResult,
} from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

/** A row of `tasks`: the queried fields as columns, everything else as one JSON document. */
interface TaskRow {
  seq: number
  created_at: number
  version: number
  owner: string | null
  lease_expires_at: number | null
  record: string
}

const STATUSES: ReadonlySet<string> = new Set<TaskStatus>([
  'pending',
  'running',
  'waiting',
  'complete',
  'failed',
  'cancelled',
])
const COLUMNS = 'seq, created_at, version, owner, lease_expires_at, record'

/**
 * The JSON part of a row. It also carries the fields that live in their own columns (version,
 * owner, lease), which reading takes from the columns: copying the task without them cost more
 * than the few bytes they add.
 */
function serialise(task: StoredTask): string {
  return JSON.stringify(task)
}

function deserialise(row: TaskRow): StoredTask {
  const task = JSON.parse(row.record) as StoredTask
  task.version = row.version
  task.owner = row.owner
  task.leaseExpiresAt = row.lease_expires_at
  return task
}

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && String(Reflect.get(error, 'code')).startsWith('SQLITE_CONSTRAINT')

/**
 * The `tasks` table. Writes go through the connection's group commit; reads wait for writes
 * already issued, so a caller always reads what it wrote.
 */
export class TaskTable implements TaskStorage {
  readonly #connection: Connection
  readonly #lists = new Map<string, BetterSqlite3.Statement>()
  readonly #statements: () => ReturnType<typeof prepare>

  constructor(connection: Connection) {
    this.#connection = connection
    this.#statements = preparedLazily(connection, prepare)
  }

  insert(task: StoredTask): Promise<void> {
    // Positional parameters: binding by name cost about 1 µs more per statement.
    const params = [
      task.id,
      task.status,
      task.subAgent,
      task.userId,
      task.account,
      task.createdAt,
      task.endedAt,
      task.version,
      task.owner,
      task.leaseExpiresAt,
      serialise(task),
    ]
    return this.#connection.write(() => {
      try {
        this.#statements().insert.run(params)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new InboardError('storage_conflict', `A task with id ${task.id} is already stored`, { cause: error })
        throw error
      }
    })
  }

  get(id: string): Promise<StoredTask | null> {
    return this.#connection.read(() => {
      const row = this.#statements().get.get(id) as TaskRow | undefined
      return row === undefined ? null : deserialise(row)
    })
  }

  update(task: StoredTask, expectedVersion: number): Promise<TaskUpdateResult> {
    const record = serialise(task)
    const state = [task.status, task.endedAt, expectedVersion, task.owner, task.leaseExpiresAt, record, task.id]
    const identity = [task.subAgent, task.userId, task.account, task.createdAt]
    return this.#connection.write((): TaskUpdateResult => {
      const s = this.#statements()
      // Who a task belongs to and when it was created do not change once it runs: leaving those
      // columns out of the UPDATE spares their indexes a page write per commit. The first statement
      // applies only when they are unchanged; the second writes them too.
      if (
        s.updateState.run(...state, expectedVersion, ...identity).changes === 1 ||
        s.update.run(...identity, ...state, expectedVersion).changes === 1
      )
        return { ok: true, version: expectedVersion + 1 }
      const current = s.version.get(task.id) as { version: number } | undefined
      return { ok: false, currentVersion: current?.version ?? null }
    })
  }

  list(filter: StoredTaskFilter, page: PageRequest): Promise<Page<StoredTask>> {
    const { sql, params } = listQuery(filter)
    return this.#connection.read(() => {
      let statement = this.#lists.get(sql)
      if (statement === undefined) this.#lists.set(sql, (statement = this.#connection.db.prepare(sql)))
      const rows = statement.all({ ...params, limit: page.limit + 1, offset: page.offset }) as TaskRow[]
      const has_more = rows.length > page.limit
      if (has_more) rows.pop()
      return { data: rows.map(deserialise), has_more }
    })
  }

  delete(ids: readonly string[]): Promise<number> {
    const json = JSON.stringify(ids)
    return this.#connection.write(() => this.#statements().delete.run(json).changes)
  }

  prune(options: TaskPruneOptions): Promise<number> {
    return this.#connection.write(() => {
      const s = this.#statements()
      const expired = s.pruneEnded.run(options.endedBefore).changes
      const { finished } = s.finished.get() as { finished: number }
      const surplus = finished - Math.max(0, Math.floor(options.maxFinished))
      return surplus > 0 ? expired + s.pruneOldest.run(surplus).changes : expired
    })
  }

  claim(options: TaskClaimOptions): Promise<StoredTask[]> {
    const statuses = options.statuses.filter((status) => STATUSES.has(status))
    if (statuses.length === 0 || options.limit <= 0) return this.#connection.read(() => [])
    const params = {
      statuses: JSON.stringify(statuses),
      owner: options.owner,
      now: options.now,
      until: options.until,
      limit: options.limit,
      own: options.includeOwn === true ? 1 : 0,
      exclude: JSON.stringify(options.exclude ?? []),
    }
    return this.#connection.write(() => {
      const rows = this.#statements().claim.all(params) as TaskRow[]
      // RETURNING yields rows in no promised order; claims are handed out oldest first.
      return rows.sort((a, b) => a.created_at - b.created_at || a.seq - b.seq).map(deserialise)
    })
  }

  renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    const params = { owner, ids: JSON.stringify(ids), until }
    return this.#connection.write(() => (this.#statements().renew.all(params) as { id: string }[]).map((row) => row.id))
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO tasks (id, status, sub_agent, user_id, account, created_at, ended_at, version, owner, lease_expires_at, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare(`SELECT ${COLUMNS} FROM tasks WHERE id = ?`),
    version: db.prepare('SELECT version FROM tasks WHERE id = ?'),
    // Parameters: status, ended_at, expected version, owner, lease_expires_at, record, id, expected
    // version, then sub_agent, user_id, account, created_at.
    updateState: db.prepare(
      `UPDATE tasks SET status = ?, ended_at = ?, version = ? + 1, owner = ?, lease_expires_at = ?, record = ?
       WHERE id = ? AND version = ? AND sub_agent IS ? AND user_id IS ? AND account IS ? AND created_at = ?`,
    ),
    // Parameters: sub_agent, user_id, account, created_at, then as updateState's first seven, then
    // the expected version.
    update: db.prepare(
      `UPDATE tasks SET sub_agent = ?, user_id = ?, account = ?, created_at = ?, status = ?, ended_at = ?,
         version = ? + 1, owner = ?, lease_expires_at = ?, record = ?
       WHERE id = ? AND version = ?`,
    ),
    delete: db.prepare('DELETE FROM tasks WHERE id IN (SELECT value FROM json_each(?))'),
    // Only finished tasks have an end time, so this reads the partial index `tasks_by_end` from its
    // start: the runtime prunes after every finished task, and a scan by status cost ~0.5 ms a task.
    pruneEnded: db.prepare('DELETE FROM tasks WHERE ended_at IS NOT NULL AND ended_at < ?'),
    finished: db.prepare('SELECT finished FROM task_counts WHERE id = 1'),
    pruneOldest: db.prepare(
      `DELETE FROM tasks WHERE seq IN (
         SELECT seq FROM tasks WHERE ended_at IS NOT NULL ORDER BY ended_at, seq LIMIT ?)`,
    ),
    claim: db.prepare(
      `UPDATE tasks SET owner = @owner, lease_expires_at = @until, version = version + 1
       WHERE seq IN (
         SELECT seq FROM tasks
         WHERE status IN (SELECT value FROM json_each(@statuses))
           AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now OR (@own = 1 AND owner = @owner))
           AND id NOT IN (SELECT value FROM json_each(@exclude))
         ORDER BY created_at, seq LIMIT @limit)
       RETURNING ${COLUMNS}`,
    ),
    renew: db.prepare(
      `UPDATE tasks SET lease_expires_at = @until
       WHERE owner = @owner AND id IN (SELECT value FROM json_each(@ids))
       RETURNING id`,
    ),
  }
}

/** The listing query for one combination of filters (at most 16 distinct statements, cached). */
function listQuery(filter: StoredTaskFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = []
  const params: Record<string, unknown> = {}
  if (filter.status !== undefined) {
    where.push('status = @status')
    params['status'] = filter.status
  }
  if (filter.subAgent !== undefined) {
    where.push('sub_agent = @sub_agent')
    params['sub_agent'] = filter.subAgent
  }
  if (filter.userId !== undefined) {
    where.push('user_id = @user_id')
    params['user_id'] = filter.userId
  }
  if (filter.account === null) where.push('account IS NULL')
  else if (filter.account !== undefined) {
    where.push('account = @account')
    params['account'] = filter.account
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  return {
    sql: `SELECT ${COLUMNS} FROM tasks ${clause} ORDER BY created_at DESC, seq DESC LIMIT @limit OFFSET @offset`,
    params,
  }
}
