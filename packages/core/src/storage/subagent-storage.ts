/** A subagent as a {@link SubagentStorage} keeps it. Times are epoch milliseconds. */
export interface StoredSubagent {
  /** Its name; the primary key. */
  id: string
  prompt: string
  type: 'custom' | 'prebuilt'
  /** Tools named at deploy time, or null when its tools follow from the prompt. */
  tools: string[] | null
  status: 'deployed' | 'deleted'
  createdAt: number
  updatedAt: number
  deletedAt: number | null
}

/**
 * Where subagents live. Subagents are few and read at start-up: the runtime loads them with
 * {@link SubagentStorage.list} when the storage opens and writes through on every change. Their
 * capabilities are not stored; they are computed from the registered tools. Rejections as for
 * tasks (`storage_unavailable`).
 */
export interface SubagentStorage {
  get(id: string): Promise<StoredSubagent | null>
  /** Every stored subagent, deleted ones included, oldest first (in the order they were first stored). */
  list(): Promise<StoredSubagent[]>
  /** Inserts the subagent, or replaces the one with its id in place (keeping its position in `list`). */
  put(subagent: StoredSubagent): Promise<void>
  /** Removes it for good (a deleted name deployed again is removed, then put anew at the end). */
  remove(id: string): Promise<void>
}
