import type { StoredSubagent, StoredSubagentFilter, SubagentKey, SubagentStorage } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

interface Row {
  account: string | null
  data: StoredSubagent
}

// The account column is the truth: rows written before version 2 have none in their JSON.
const fromRow = (row: Row): StoredSubagent => ({ ...row.data, account: row.account })

/** Subagents as JSON rows, one per name and account; `seq` keeps the order they were first stored in. */
export class PostgresSubagentStorage implements SubagentStorage {
  readonly #db: PostgresConnection
  readonly #table: string

  constructor(db: PostgresConnection, schema: string) {
    this.#db = db
    this.#table = `${schema}.subagents`
  }

  async get(key: SubagentKey): Promise<StoredSubagent | null> {
    const { rows } = await this.#db.query<Row>(
      `SELECT account, data FROM ${this.#table} WHERE account IS NOT DISTINCT FROM $1 AND id = $2`,
      [key.account, key.id],
    )
    return rows[0] === undefined ? null : fromRow(rows[0])
  }

  async list(filter: StoredSubagentFilter = {}): Promise<StoredSubagent[]> {
    const { rows } =
      filter.account === undefined
        ? await this.#db.query<Row>(`SELECT account, data FROM ${this.#table} ORDER BY seq`)
        : await this.#db.query<Row>(
            `SELECT account, data FROM ${this.#table} WHERE account IS NOT DISTINCT FROM $1 ORDER BY seq`,
            [filter.account],
          )
    return rows.map(fromRow)
  }

  async put(subagent: StoredSubagent): Promise<void> {
    // The conflict target names the unique index that applies: NULLs never conflict in (account, id).
    const target = subagent.account === null ? '(id) WHERE account IS NULL' : '(account, id)'
    await this.#db.query(
      `INSERT INTO ${this.#table} (account, id, data) VALUES ($1, $2, $3) ON CONFLICT ${target} DO UPDATE SET data = excluded.data`,
      [subagent.account, subagent.id, JSON.stringify(subagent)],
    )
  }

  async remove(key: SubagentKey): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE account IS NOT DISTINCT FROM $1 AND id = $2`, [
      key.account,
      key.id,
    ])
  }
}
