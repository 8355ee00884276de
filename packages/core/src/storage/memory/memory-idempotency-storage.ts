import type { IdempotencyKey, IdempotencyRecord, IdempotencyStorage } from '../idempotency-storage.js'

const keyOf = (id: IdempotencyKey): string => `${id.scope}\u0000${id.key}`

/**
 * Idempotency records in a map, pruned of expired records as it is used and bounded by
 * `maxRecords`: past it the oldest completed records are forgotten first (a retry with their key
 * then runs again), then the oldest in progress.
 */
export class MemoryIdempotencyStorage implements IdempotencyStorage {
  readonly #records = new Map<string, IdempotencyRecord>()
  readonly #maxRecords: number

  constructor(maxRecords: number) {
    this.#maxRecords = maxRecords
  }

  async claim(id: IdempotencyKey, record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    this.#prune(now)
    const key = keyOf(id)
    const existing = this.#records.get(key)
    if (existing && existing.expiresAt > now) return { ...existing }
    this.#records.delete(key)
    this.#records.set(key, { ...record })
    this.#evict(key)
    return null
  }

  async complete(id: IdempotencyKey, record: IdempotencyRecord): Promise<void> {
    this.#records.set(keyOf(id), { ...record })
  }

  async release(id: IdempotencyKey): Promise<void> {
    this.#records.delete(keyOf(id))
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
