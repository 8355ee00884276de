import type BetterSqlite3 from 'better-sqlite3'
import type { KeyValueStore } from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

/** Which part of `key_values` a store sees. */
export type KeyValueNamespace = 'memory' | 'credentials'

/**
 * A {@link KeyValueStore} on one namespace of the `key_values` table. Values are stored as JSON;
 * expiry is checked on read against the wall clock (as Keyv does) and expired rows are deleted
 * when they are found.
 */
export class KeyValueTable implements KeyValueStore {
  readonly #connection: Connection
  readonly #namespace: KeyValueNamespace
  readonly #statements: () => ReturnType<typeof prepare>

  constructor(connection: Connection, namespace: KeyValueNamespace) {
    this.#connection = connection
    this.#namespace = namespace
    this.#statements = preparedLazily(connection, prepare)
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.#connection.read(() => {
      const row = this.#statements().get.get(this.#namespace, key) as
        { value: string; expires_at: number | null } | undefined
      if (row === undefined) return undefined
      const now = Date.now()
      if (row.expires_at !== null && row.expires_at <= now) {
        void this.#connection
          .write(() => this.#statements().deleteExpired.run(this.#namespace, key, now))
          .catch(() => undefined)
        return undefined
      }
      return JSON.parse(row.value) as T
    })
  }

  set(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const json = JSON.stringify(value ?? null)
    const expiresAt = typeof ttlMs === 'number' && Number.isFinite(ttlMs) && ttlMs > 0 ? Date.now() + ttlMs : null
    return this.#connection.write(() => {
      this.#statements().set.run(this.#namespace, key, json, expiresAt)
      return true
    })
  }

  delete(key: string): Promise<boolean> {
    return this.#connection.write(() => this.#statements().delete.run(this.#namespace, key).changes > 0)
  }

  clear(): Promise<void> {
    return this.#connection.write(() => {
      this.#statements().clear.run(this.#namespace)
    })
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    get: db.prepare('SELECT value, expires_at FROM key_values WHERE namespace = ? AND key = ?'),
    set: db.prepare(
      `INSERT INTO key_values (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    delete: db.prepare('DELETE FROM key_values WHERE namespace = ? AND key = ?'),
    deleteExpired: db.prepare('DELETE FROM key_values WHERE namespace = ? AND key = ? AND expires_at <= ?'),
    clear: db.prepare('DELETE FROM key_values WHERE namespace = ?'),
  }
}
