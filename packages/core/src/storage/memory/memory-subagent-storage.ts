import type { StoredSubagent, SubagentStorage } from '../subagent-storage.js'

const copy = (subagent: StoredSubagent): StoredSubagent => ({ ...subagent, tools: subagent.tools === null ? null : [...subagent.tools] })

/** Subagents in a map, whose insertion order is the listing order. */
export class MemorySubagentStorage implements SubagentStorage {
  readonly #subagents = new Map<string, StoredSubagent>()

  async get(id: string): Promise<StoredSubagent | null> {
    const subagent = this.#subagents.get(id)
    return subagent ? copy(subagent) : null
  }

  async list(): Promise<StoredSubagent[]> {
    return [...this.#subagents.values()].map(copy)
  }

  async put(subagent: StoredSubagent): Promise<void> {
    this.#subagents.set(subagent.id, copy(subagent))
  }

  async remove(id: string): Promise<void> {
    this.#subagents.delete(id)
  }
}
