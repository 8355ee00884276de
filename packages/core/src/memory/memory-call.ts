import type { CallSite } from '../runner/call-middleware.js'
import type { ExecutionMemory } from './execution-memory.js'
import type { MemoryScope } from './memory-store.js'

/** What memory tracks during one call. */
export interface CallState {
  key: string
  pacer: string
  /** First failure of the current retry streak, and its code. */
  failedAt: number | null
  failedCode: string | null
  retries: number
  waitedMs: number
  pacedRequests: number
}

/** One call as each learned fact's module sees it: the memory, the call site and what memory tracks of it. */
export interface MemoryCall {
  readonly memory: ExecutionMemory
  readonly site: CallSite
  readonly state: CallState
}

/** The scope a call learns into (built only when something is learned). */
export const scopeOf = (site: CallSite): MemoryScope => ({
  subagent: site.task.sub_agent,
  tool: site.tool,
  account: site.task.account,
})

/** How a trace note names where a fact came from. */
export const since = (taskId: string): string => `learned from ${taskId}`
