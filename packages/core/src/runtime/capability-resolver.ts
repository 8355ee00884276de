import type { CapabilityInfo } from '../planner/planner.js'
import type { TaskCapabilities } from '../runner/task-runner.js'
import type { SubagentRegistry } from '../subagents/subagent-registry.js'
import type { TaskRecord } from '../task/task-record.js'
import type { CapabilityIndex } from './capability-index.js'

/** What each task may call: its subagent's capabilities, or every registered one without a subagent. Cached. */
export class CapabilityResolver {
  readonly #index: CapabilityIndex
  readonly #subagents: SubagentRegistry
  readonly #cache = new WeakMap<ReadonlySet<string>, TaskCapabilities>()
  #all: TaskCapabilities | null = null

  constructor(index: CapabilityIndex, subagents: SubagentRegistry) {
    this.#index = index
    this.#subagents = subagents
  }

  capabilitiesFor(record: TaskRecord): TaskCapabilities {
    const subagent = record.subAgent === null ? undefined : this.#subagents.peek(record.account, record.subAgent)
    if (!subagent) return (this.#all ??= this.#build([...this.#index.all()].map((entry) => entry.info.id)))
    // An update replaces the subagent's id set, so the set itself is the cache key.
    let value = this.#cache.get(subagent.capabilityIds)
    if (!value) {
      value = this.#build([...subagent.capabilityIds])
      this.#cache.set(subagent.capabilityIds, value)
    }
    return value
  }

  /** Forgets the list of every capability after a tool was added. */
  invalidate(): void {
    this.#all = null
  }

  #build(ids: string[]): TaskCapabilities {
    const infos: CapabilityInfo[] = []
    for (const id of ids) {
      const entry = this.#index.get(id)
      if (entry) infos.push(entry.info)
    }
    return { infos, allowed: new Set(ids) }
  }
}
