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
   * The most records kept. Past it the oldest completed records are forgotten first (a retry with
   * their key then runs again), then the oldest in progress. @default 10_000
   */
  maxRecords?: number
}

/** The default store: a map, pruned of expired records as it is used and bounded by `maxRecords`. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>()
  readonly #maxRecords: number

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const max = options.maxRecords ?? 10_000
    if (!Number.isInteger(max) || max <= 0) throw new TypeError(`maxRecords must be a positive integer, got ${String(options.maxRecords)}`)
    this.#maxRecords = max
  }

  claim(key: string, record: IdempotencyRecord, now: number): IdempotencyRecord | undefined {
    this.#prune(now)
    const existing = this.#records.get(key)
    if (existing && existing.expiresAt > now) return existing
    this.#records.delete(key)
    this.#records.set(key, record)
    this.#evict(key)
    return undefined
  }

  complete(key: string, record: IdempotencyRecord): void {
    this.#records.set(key, record)
  }

  release(key: string): void {
    this.#records.delete(key)
  }

  get size(): number {
    return this.#records.size
  }

  /** Records expire in insertion order (one fixed lifetime), so the oldest are at the front. */
  #prune(now: number): void {
    for (const [key, record] of this.#records) {
      if (record.expiresAt > now) break
      this.#records.delete(key)
    }
  }

  /** Over the cap: drops the oldest completed records, then (if all are in progress) the oldest others, never `keep`. */
  #evict(keep: string): void {
    let excess = this.#records.size - this.#maxRecords
    if (excess <= 0) return
    for (const [key, record] of this.#records) {
      if (excess === 0) return
      if (record.response !== null && key !== keep) {
        this.#records.delete(key)
        excess--
      }
    }
    for (const key of this.#records.keys()) {
      if (excess === 0) return
      if (key !== keep) {
        this.#records.delete(key)
        excess--
      }
    }
  }
}
