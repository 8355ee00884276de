import type BetterSqlite3 from 'better-sqlite3'
import type { IdempotencyKey, IdempotencyRecord, IdempotencyStorage } from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

interface IdempotencyRow {
  fingerprint: string
  response: string | null
  expires_at: number
}

/** How often (in claims) expired records are swept out. */
const SWEEP_EVERY = 256

/**
 * The `idempotency` table. A claim reads and inserts inside one write of the group commit, which
 * holds SQLite's write lock: of many concurrent claims of a key, in this process or another,
 * exactly one stores its record.
 */
export class IdempotencyTable implements IdempotencyStorage {
  readonly #connection: Connection
  readonly #statements: () => ReturnType<typeof prepare>
  #claims = 0

  constructor(connection: Connection) {
    this.#connection = connection
    this.#statements = preparedLazily(connection, prepare)
  }

  claim(id: IdempotencyKey, record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const params = paramsOf(id, record)
    const sweep = ++this.#claims % SWEEP_EVERY === 0
    return this.#connection.write((): IdempotencyRecord | null => {
      const s = this.#statements()
      if (sweep) s.sweep.run(now)
      const row = s.get.get(id.scope, id.key) as IdempotencyRow | undefined
      if (row !== undefined && row.expires_at > now) return toRecord(row)
      s.put.run(params)
      return null
    })
  }

  complete(id: IdempotencyKey, record: IdempotencyRecord): Promise<void> {
    const params = paramsOf(id, record)
    return this.#connection.write(() => {
      this.#statements().put.run(params)
    })
  }

  release(id: IdempotencyKey): Promise<void> {
    return this.#connection.write(() => {
      this.#statements().remove.run(id.scope, id.key)
    })
  }
}

function paramsOf(id: IdempotencyKey, record: IdempotencyRecord): Record<string, unknown> {
  return {
    scope: id.scope,
    key: id.key,
    fingerprint: record.fingerprint,
    response: record.response === null ? null : JSON.stringify(record.response),
    expires_at: record.expiresAt,
  }
}

function toRecord(row: IdempotencyRow): IdempotencyRecord {
  return {
    fingerprint: row.fingerprint,
    response: row.response === null ? null : (JSON.parse(row.response) as IdempotencyRecord['response']),
    expiresAt: row.expires_at,
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    get: db.prepare('SELECT fingerprint, response, expires_at FROM idempotency WHERE scope = ? AND key = ?'),
    put: db.prepare(
      `INSERT INTO idempotency (scope, key, fingerprint, response, expires_at) VALUES (@scope, @key, @fingerprint, @response, @expires_at)
       ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, response = excluded.response, expires_at = excluded.expires_at`,
    ),
    remove: db.prepare('DELETE FROM idempotency WHERE scope = ? AND key = ?'),
    sweep: db.prepare('DELETE FROM idempotency WHERE expires_at <= ?'),
  }
}
