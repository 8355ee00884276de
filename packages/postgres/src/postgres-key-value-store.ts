import type { KeyValueStore } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

/**
 * One namespace of the `key_values` table (`memory`, `credentials`). Expiry is checked on read with
 * the wall clock, as keyv does, so every process agrees on what has expired.
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
      `SELECT value FROM ${this.#table} WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [this.#namespace, key, Date.now()],
    )
    return rows[0]?.value
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const expiresAt = ttlMs === undefined || ttlMs <= 0 ? null : Date.now() + ttlMs
    await this.#db.query(
      `INSERT INTO ${this.#table} (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [this.#namespace, key, JSON.stringify(value ?? null), expiresAt],
    )
    return true
  }

  async delete(key: string): Promise<boolean> {
    const { rowCount } = await this.#db.query(`DELETE FROM ${this.#table} WHERE namespace = $1 AND key = $2`, [this.#namespace, key])
    return (rowCount ?? 0) > 0
  }

  async clear(): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE namespace = $1`, [this.#namespace])
  }
}
