import type { StoredSubagent, StoredSubagentFilter, SubagentKey, SubagentStorage } from '../subagent-storage.js'

const copy = (subagent: StoredSubagent): StoredSubagent => ({
  ...subagent,
  tools: subagent.tools === null ? null : [...subagent.tools],
})

/** One map key per (account, id); JSON keeps a null account apart from any string. */
const keyOf = (key: SubagentKey): string => JSON.stringify([key.account, key.id])

/** Subagents in a map, whose insertion order is the listing order. */
export class MemorySubagentStorage implements SubagentStorage {
  readonly #subagents = new Map<string, StoredSubagent>()

  async get(key: SubagentKey): Promise<StoredSubagent | null> {
    const subagent = this.#subagents.get(keyOf(key))
    return subagent ? copy(subagent) : null
  }

  async list(filter: StoredSubagentFilter = {}): Promise<StoredSubagent[]> {
    const all = [...this.#subagents.values()]
    return (filter.account === undefined ? all : all.filter((subagent) => subagent.account === filter.account)).map(
      copy,
    )
  }

  async put(subagent: StoredSubagent): Promise<void> {
    this.#subagents.set(keyOf(subagent), copy(subagent))
  }

  async remove(key: SubagentKey): Promise<void> {
    this.#subagents.delete(keyOf(key))
  }
}
