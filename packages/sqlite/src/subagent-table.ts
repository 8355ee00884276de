import type BetterSqlite3 from 'better-sqlite3'
import type { StoredSubagent, SubagentStorage } from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

/** The `subagents` table: one JSON document per subagent, listed in the order first stored. */
export class SubagentTable implements SubagentStorage {
  readonly #connection: Connection
  readonly #statements: () => ReturnType<typeof prepare>

  constructor(connection: Connection) {
    this.#connection = connection
    this.#statements = preparedLazily(connection, prepare)
  }

  get(id: string): Promise<StoredSubagent | null> {
    return this.#connection.read(() => {
      const record = this.#statements().get.get(id) as string | undefined
      return record === undefined ? null : (JSON.parse(record) as StoredSubagent)
    })
  }

  list(): Promise<StoredSubagent[]> {
    return this.#connection.read(() => (this.#statements().list.all() as string[]).map((record) => JSON.parse(record) as StoredSubagent))
  }

  put(subagent: StoredSubagent): Promise<void> {
    const record = JSON.stringify(subagent)
    return this.#connection.write(() => {
      this.#statements().put.run(subagent.id, record)
    })
  }

  remove(id: string): Promise<void> {
    return this.#connection.write(() => {
      this.#statements().remove.run(id)
    })
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    get: db.prepare('SELECT record FROM subagents WHERE id = ?').pluck(),
    list: db.prepare('SELECT record FROM subagents ORDER BY seq').pluck(),
    // ON CONFLICT keeps the row (and its seq), so a replaced subagent keeps its place in the list.
    put: db.prepare('INSERT INTO subagents (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record'),
    remove: db.prepare('DELETE FROM subagents WHERE id = ?'),
  }
}
