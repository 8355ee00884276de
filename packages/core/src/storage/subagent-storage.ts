/** A subagent as a {@link SubagentStorage} keeps it. Times are epoch milliseconds. */
export interface StoredSubagent {
  /** Its name, unique within its account. */
  id: string
  /**
   * The scope it belongs to (`runtime.subagents` callers' `scope.account`, `account:environment`
   * over HTTP), or null for subagents deployed without one and for prebuilt subagents.
   */
  account: string | null
  prompt: string
  type: 'custom' | 'prebuilt'
  /** Tools named at deploy time, or null when its tools follow from the prompt. */
  tools: string[] | null
  status: 'deployed' | 'deleted'
  createdAt: number
  updatedAt: number
  deletedAt: number | null
}

/** Which subagent: a name within an account (null for the unscoped ones). The primary key. */
export interface SubagentKey {
  account: string | null
  id: string
}

/** Filter of {@link SubagentStorage.list}. */
export interface StoredSubagentFilter {
  /** A string lists that account's subagents, `null` only the unscoped ones; `undefined` lists every account's. */
  account?: string | null | undefined
}

/**
 * Where subagents live. Subagents are few and read at start-up: the runtime loads them with
 * {@link SubagentStorage.list} when the storage opens and writes through on every change. Their
 * capabilities are not stored; they are computed from the registered tools. The same name may
 * exist once per account: `account` and `id` together are the key, and `null` is an account of
 * its own (not the empty string). Rejections as for tasks (`storage_unavailable`).
 *
 * What a database implementation needs: uniqueness of `(account, id)` that also holds for a null
 * account (a unique index on `(account, id)` plus a partial one on `id` where `account` is null),
 * and an insertion sequence for the listing order.
 */
export interface SubagentStorage {
  get(key: SubagentKey): Promise<StoredSubagent | null>
  /** Stored subagents matching `filter`, deleted ones included, oldest first (in the order they were first stored). */
  list(filter?: StoredSubagentFilter): Promise<StoredSubagent[]>
  /** Inserts the subagent, or replaces the one with its account and id in place (keeping its position in `list`). */
  put(subagent: StoredSubagent): Promise<void>
  /** Removes it for good (a deleted name deployed again is removed, then put anew at the end). */
  remove(key: SubagentKey): Promise<void>
}
