import { InboardError } from '../errors/inboard-error.js'
import type { ExecutionMemory } from './execution-memory.js'
import {
  MEMORY_SCHEMA_VERSION,
  memoryExportSchema,
  type MemoryEntry,
  type MemoryExport,
  type MemoryKind,
} from './memory-entry.js'
import { firstIssue } from '@inboard/tools/internal'

/** One subagent's memory at a glance, as listed by `runtime.memory.list()`. */
export interface MemorySummary {
  /** The subagent, or null for tasks that ran without one. */
  sub_agent: string | null
  tools: string[]
  entries: number
  kinds: Partial<Record<MemoryKind, number>>
}

/**
 * `runtime.memory`: what execution memory learned, inspectable and resettable. Every entry carries
 * its provenance (the task that taught it, when, and the evidence).
 *
 * @example
 * const entries = await runtime.memory.get('crm-agent')
 * await runtime.memory.reset('crm-agent', { tool: 'crm' })
 */
export interface MemoryApi {
  /** Whether the runtime learns and applies memory (`createRuntime({ memory: { enabled } })`). */
  readonly enabled: boolean
  /**
   * A subagent's entries (null: tasks that ran without a subagent), by tool. With `account`, only
   * what tasks of that account taught, plus what tasks without an account taught.
   */
  get(subagent: string | null, options?: { account?: string }): Promise<MemoryEntry[]>
  /** Every subagent that has memory, with counts. */
  list(): Promise<MemorySummary[]>
  /** Forgets a subagent's memory, or only what it learned about one tool, or for one account. */
  reset(subagent: string | null, options?: { tool?: string; account?: string }): Promise<{ deleted: number }>
  /** Every entry as JSON, for backups or to seed another runtime. */
  export(): Promise<MemoryExport>
  /** Adds entries from {@link MemoryApi.export}; an entry with the same scope and id is replaced. */
  import(data: unknown): Promise<{ imported: number }>
}

const byScope = (a: MemoryEntry, b: MemoryEntry): number =>
  a.tool.localeCompare(b.tool) || (a.account ?? '').localeCompare(b.account ?? '') || a.id.localeCompare(b.id)

export function createMemoryApi(memory: ExecutionMemory, enabled: boolean): MemoryApi {
  const store = memory.store
  return {
    enabled,
    async get(subagent, options = {}) {
      await store.ready()
      const visible = (entry: MemoryEntry): boolean =>
        options.account === undefined || entry.account === null || entry.account === options.account
      return store
        .entries(subagent)
        .filter(visible)
        .sort(byScope)
        .map((entry) => structuredClone(entry))
    },
    async list() {
      await store.ready()
      const summaries = new Map<string | null, MemorySummary>()
      for (const entry of store.entries()) {
        let summary = summaries.get(entry.sub_agent)
        if (!summary) {
          summary = { sub_agent: entry.sub_agent, tools: [], entries: 0, kinds: {} }
          summaries.set(entry.sub_agent, summary)
        }
        if (!summary.tools.includes(entry.tool)) summary.tools.push(entry.tool)
        summary.entries++
        summary.kinds[entry.kind] = (summary.kinds[entry.kind] ?? 0) + 1
      }
      return [...summaries.values()].sort((a, b) => (a.sub_agent ?? '').localeCompare(b.sub_agent ?? ''))
    },
    async reset(subagent, options = {}) {
      await store.ready()
      const removed = store.reset(subagent, options.tool, options.account)
      memory.forgotten(removed)
      await store.flush()
      return { deleted: removed.length }
    },
    async export() {
      await store.ready()
      return {
        version: MEMORY_SCHEMA_VERSION,
        exported_at: new Date(memory.clock.now()).toISOString(),
        entries: store
          .entries()
          .sort(byScope)
          .map((entry) => structuredClone(entry)),
      }
    },
    async import(data) {
      const parsed = memoryExportSchema.safeParse(data)
      if (!parsed.success) {
        const { path, message } = firstIssue(parsed.error)
        throw new InboardError('invalid_request', `Invalid memory export at ${path || 'the root'}: ${message}`)
      }
      await store.ready()
      for (const entry of parsed.data.entries) store.put(structuredClone<MemoryEntry>(entry))
      await store.flush()
      return { imported: parsed.data.entries.length }
    },
  }
}
