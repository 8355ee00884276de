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

/** The default store: a map, pruned of expired records as it is used. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>()

  claim(key: string, record: IdempotencyRecord, now: number): IdempotencyRecord | undefined {
    this.#prune(now)
    const existing = this.#records.get(key)
    if (existing && existing.expiresAt > now) return existing
    this.#records.delete(key)
    this.#records.set(key, record)
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
}
