import type { IdempotencyKey, IdempotencyRecord, IdempotencyStorage, StoredResponse } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

interface IdempotencyRow {
  fingerprint: string
  response: StoredResponse | null
  expires_at: string
}

/** How often expired records are swept out, at most. */
const SWEEP_EVERY_MS = 60_000

/** Idempotency-Key records; a claim is one atomic upsert that only replaces an expired row. */
export class PostgresIdempotencyStorage implements IdempotencyStorage {
  readonly #db: PostgresConnection
  readonly #table: string
  #sweptAt = 0

  constructor(db: PostgresConnection, schema: string) {
    this.#db = db
    this.#table = `${schema}.idempotency`
  }

  async claim(id: IdempotencyKey, record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    await this.#sweep(now)
    const params = [
      id.scope,
      id.key,
      record.fingerprint,
      record.response === null ? null : JSON.stringify(record.response),
      record.expiresAt,
      now,
    ]
    // Two tries: when a concurrent claim commits the row while this statement waits on it, the
    // statement's snapshot predates that row; the second statement sees it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { rows } = await this.#db.query<IdempotencyRow & { stored: boolean }>(
        `WITH stored AS (
           INSERT INTO ${this.#table} AS i (scope, key, fingerprint, response, expires_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, response = excluded.response, expires_at = excluded.expires_at
           WHERE i.expires_at <= $6
           RETURNING 1
         )
         SELECT EXISTS (SELECT 1 FROM stored) AS stored, i.fingerprint, i.response, i.expires_at
         FROM (SELECT 1) AS one LEFT JOIN ${this.#table} AS i ON i.scope = $1 AND i.key = $2 AND i.expires_at > $6`,
        params,
      )
      const row = rows[0]
      if (row === undefined || row.stored) return null
      if (row.fingerprint !== null)
        return { fingerprint: row.fingerprint, response: row.response, expiresAt: Number(row.expires_at) }
    }
    return null
  }

  async complete(id: IdempotencyKey, record: IdempotencyRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO ${this.#table} (scope, key, fingerprint, response, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, response = excluded.response, expires_at = excluded.expires_at`,
      [
        id.scope,
        id.key,
        record.fingerprint,
        record.response === null ? null : JSON.stringify(record.response),
        record.expiresAt,
      ],
    )
  }

  async release(id: IdempotencyKey): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE scope = $1 AND key = $2`, [id.scope, id.key])
  }

  async #sweep(now: number): Promise<void> {
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return
    this.#sweptAt = now
    await this.#db.query(`DELETE FROM ${this.#table} WHERE expires_at <= $1`, [now])
  }
}
