import type { KeyValueStore } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

/** The server's clock in epoch milliseconds: one clock for every process, whatever theirs say. */
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`

/**
 * One namespace of the `key_values` table (`memory`, `credentials`). Expiry is set and checked on
 * the database server's clock, so every process agrees on what has expired.
 */
export class PostgresKeyValueStore implements KeyValueStore {
  readonly #db: PostgresConnection
  readonly #table: string
  readonly #namespace: string

  constructor(db: PostgresConnection, schema: string, namespace: string) {
    this.#db = db
    this.#table = `${schema}.key_values`
    this.#namespace = namespace
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const { rows } = await this.#db.query<{ value: T }>(
      `SELECT value FROM ${this.#table} WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > ${NOW_MS})`,
      [this.#namespace, key],
    )
    return rows[0]?.value
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const ttl = ttlMs === undefined || ttlMs <= 0 ? null : Math.ceil(ttlMs)
    await this.#db.query(
      `INSERT INTO ${this.#table} (namespace, key, value, expires_at) VALUES ($1, $2, $3, ${NOW_MS} + $4::bigint)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [this.#namespace, key, JSON.stringify(value ?? null), ttl],
    )
    return true
  }

  async delete(key: string): Promise<boolean> {
    const { rowCount } = await this.#db.query(`DELETE FROM ${this.#table} WHERE namespace = $1 AND key = $2`, [
      this.#namespace,
      key,
    ])
    return (rowCount ?? 0) > 0
  }

  async clear(): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE namespace = $1`, [this.#namespace])
  }
}
