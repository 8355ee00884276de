/** A response kept for replay. */
export interface StoredResponse {
  status: number
  body: string
}

/** One Idempotency-Key: in progress until the first request answers, then its response. */
export interface IdempotencyRecord {
  /** SHA-256 of the request body; a different body under the same key is refused. */
  fingerprint: string
  response: StoredResponse | null
  /** Epoch milliseconds on the runtime's clock. */
  expiresAt: number
}

/**
 * Where Idempotency-Key records live. `claim` must be atomic for its key: of many concurrent claims
 * exactly one stores its record, the others get the record that won. The in-memory default is;
 * a shared store should use an atomic insert (SET NX, INSERT … ON CONFLICT DO NOTHING).
 */
export interface IdempotencyStore {
  /** Stores `record` unless a live record exists for `key`; returns the existing one if so. */
  claim(key: string, record: IdempotencyRecord, now: number): IdempotencyRecord | undefined | Promise<IdempotencyRecord | undefined>
  /** Replaces the in-progress record with the finished one. */
  complete(key: string, record: IdempotencyRecord): void | Promise<void>
  /** Drops the record, so a request that was rejected is not remembered. */
  release(key: string): void | Promise<void>
}

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * The most records kept per account and environment. Past it that account's oldest completed
   * records are forgotten first (a retry with their key then runs again), then its oldest in
   * progress; other accounts' records are never touched. @default 10_000
   */
  maxRecords?: number
}

/** Expired records of every account are swept after this many claims (each claim prunes its own account). */
const SWEEP_EVERY = 1_000

/**
 * The default store: a map per account and environment (the part of the key before its last NUL,
 * as the handler builds keys), pruned of expired records as it is used and bounded by `maxRecords`
 * each, so one account's keys cannot push out another's.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #scopes = new Map<string, Map<string, IdempotencyRecord>>()
  readonly #maxRecords: number
  #claims = 0

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const max = options.maxRecords ?? 10_000
    if (!Number.isInteger(max) || max <= 0) throw new TypeError(`maxRecords must be a positive integer, got ${String(options.maxRecords)}`)
    this.#maxRecords = max
  }

  claim(key: string, record: IdempotencyRecord, now: number): IdempotencyRecord | undefined {
    if (++this.#claims % SWEEP_EVERY === 0) for (const scope of this.#scopes.keys()) this.#prune(scope, now)
    const scope = scopeOfKey(key)
    this.#prune(scope, now)
    let records = this.#scopes.get(scope)
    const existing = records?.get(key)
    if (existing && existing.expiresAt > now) return existing
    if (!records) this.#scopes.set(scope, (records = new Map()))
    records.delete(key)
    records.set(key, record)
    this.#evict(records, key)
    return undefined
  }

  complete(key: string, record: IdempotencyRecord): void {
    const scope = scopeOfKey(key)
    let records = this.#scopes.get(scope)
    if (!records) this.#scopes.set(scope, (records = new Map()))
    records.set(key, record)
  }

  release(key: string): void {
    const scope = scopeOfKey(key)
    const records = this.#scopes.get(scope)
    records?.delete(key)
    if (records?.size === 0) this.#scopes.delete(scope)
  }

  get size(): number {
    let size = 0
    for (const records of this.#scopes.values()) size += records.size
    return size
  }

  /** Records expire in insertion order (one fixed lifetime), so the oldest are at the front. */
  #prune(scope: string, now: number): void {
    const records = this.#scopes.get(scope)
    if (!records) return
    for (const [key, record] of records) {
      if (record.expiresAt > now) break
      records.delete(key)
    }
    if (records.size === 0) this.#scopes.delete(scope)
  }

  /** Over the cap: drops the oldest completed records, then (if all are in progress) the oldest others, never `keep`. */
  #evict(records: Map<string, IdempotencyRecord>, keep: string): void {
    let excess = records.size - this.#maxRecords
    if (excess <= 0) return
    for (const [key, record] of records) {
      if (excess === 0) return
      if (record.response !== null && key !== keep) {
        records.delete(key)
        excess--
      }
    }
    for (const key of records.keys()) {
      if (excess === 0) return
      if (key !== keep) {
        records.delete(key)
        excess--
      }
    }
  }
}

/** `account\0environment\0key` → `account\0environment`; a key without NUL is its own scope's. */
function scopeOfKey(key: string): string {
  const end = key.lastIndexOf('\u0000')
  return end < 0 ? '' : key.slice(0, end)
}
