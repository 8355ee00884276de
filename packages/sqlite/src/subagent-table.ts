import type BetterSqlite3 from 'better-sqlite3'
import type { StoredSubagent, StoredSubagentFilter, SubagentKey, SubagentStorage } from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

interface Row {
  account: string | null
  record: string
}

// The account column is the truth: rows written before version 2 have none in their JSON.
const fromRow = (row: Row): StoredSubagent => ({ ...(JSON.parse(row.record) as StoredSubagent), account: row.account })

/** The `subagents` table: one JSON document per subagent and account, listed in the order first stored. */
export class SubagentTable implements SubagentStorage {
  readonly #connection: Connection
  readonly #statements: () => ReturnType<typeof prepare>

  constructor(connection: Connection) {
    this.#connection = connection
    this.#statements = preparedLazily(connection, prepare)
  }

  get(key: SubagentKey): Promise<StoredSubagent | null> {
    return this.#connection.read(() => {
      const row = this.#statements().get.get(key.account, key.id) as Row | undefined
      return row === undefined ? null : fromRow(row)
    })
  }

  list(filter: StoredSubagentFilter = {}): Promise<StoredSubagent[]> {
    return this.#connection.read(() => {
      const statements = this.#statements()
      const rows = filter.account === undefined ? statements.list.all() : statements.listAccount.all(filter.account)
      return (rows as Row[]).map(fromRow)
    })
  }

  put(subagent: StoredSubagent): Promise<void> {
    const record = JSON.stringify(subagent)
    return this.#connection.write(() => {
      const statements = this.#statements()
      if (subagent.account === null) statements.putUnscoped.run(subagent.id, record)
      else statements.put.run(subagent.account, subagent.id, record)
    })
  }

  remove(key: SubagentKey): Promise<void> {
    return this.#connection.write(() => {
      this.#statements().remove.run(key.account, key.id)
    })
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    // IS compares NULL as a value: the unscoped subagents are an account of their own.
    get: db.prepare('SELECT account, record FROM subagents WHERE account IS ? AND id = ?'),
    list: db.prepare('SELECT account, record FROM subagents ORDER BY seq'),
    listAccount: db.prepare('SELECT account, record FROM subagents WHERE account IS ? ORDER BY seq'),
    // ON CONFLICT keeps the row (and its seq), so a replaced subagent keeps its place in the list.
    put: db.prepare(
      'INSERT INTO subagents (account, id, record) VALUES (?, ?, ?) ON CONFLICT (account, id) DO UPDATE SET record = excluded.record',
    ),
    putUnscoped: db.prepare(
      'INSERT INTO subagents (account, id, record) VALUES (NULL, ?, ?) ON CONFLICT (id) WHERE account IS NULL DO UPDATE SET record = excluded.record',
    ),
    remove: db.prepare('DELETE FROM subagents WHERE account IS ? AND id = ?'),
  }
}
