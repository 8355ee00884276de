import type { StoredSubagent, SubagentStorage } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

/** Subagents as JSON rows; `seq` keeps the order they were first stored in. */
export class PostgresSubagentStorage implements SubagentStorage {
  readonly #db: PostgresConnection
  readonly #table: string

  constructor(db: PostgresConnection, schema: string) {
    this.#db = db
    this.#table = `${schema}.subagents`
  }

  async get(id: string): Promise<StoredSubagent | null> {
    const { rows } = await this.#db.query<{ data: StoredSubagent }>(`SELECT data FROM ${this.#table} WHERE id = $1`, [id])
    return rows[0]?.data ?? null
  }

  async list(): Promise<StoredSubagent[]> {
    const { rows } = await this.#db.query<{ data: StoredSubagent }>(`SELECT data FROM ${this.#table} ORDER BY seq`)
    return rows.map((row) => row.data)
  }

  async put(subagent: StoredSubagent): Promise<void> {
    await this.#db.query(`INSERT INTO ${this.#table} (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, [subagent.id, JSON.stringify(subagent)])
  }

  async remove(id: string): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE id = $1`, [id])
  }
}
