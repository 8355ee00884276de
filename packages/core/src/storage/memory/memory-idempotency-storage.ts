import type { IdempotencyKey, IdempotencyRecord, IdempotencyStorage } from '../idempotency-storage.js'

/** Expired records of every scope are swept after this many claims (each claim prunes its own scope). */
const SWEEP_EVERY = 1_000

/**
 * Idempotency records in a map per scope (the handler's scope is an account and environment),
 * pruned of expired records as it is used and bounded by `maxRecords` per scope, so one account's
 * keys cannot push out another's: past the cap that scope's oldest completed records are forgotten
 * first (a retry with their key then runs again), then its oldest in progress.
 */
export class MemoryIdempotencyStorage implements IdempotencyStorage {
  readonly #scopes = new Map<string, Map<string, IdempotencyRecord>>()
  readonly #maxRecords: number
  #claims = 0

  constructor(maxRecords: number) {
    if (!Number.isInteger(maxRecords) || maxRecords <= 0)
      throw new TypeError(`maxRecords must be a positive integer, got ${String(maxRecords)}`)
    this.#maxRecords = maxRecords
  }

  async claim(id: IdempotencyKey, record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    if (++this.#claims % SWEEP_EVERY === 0) for (const scope of this.#scopes.keys()) this.#prune(scope, now)
    this.#prune(id.scope, now)
    let records = this.#scopes.get(id.scope)
    const existing = records?.get(id.key)
    if (existing && existing.expiresAt > now) return { ...existing }
    if (!records) this.#scopes.set(id.scope, (records = new Map<string, IdempotencyRecord>()))
    records.delete(id.key)
    records.set(id.key, { ...record })
    this.#evict(records, id.key)
    return null
  }

  async complete(id: IdempotencyKey, record: IdempotencyRecord): Promise<void> {
    let records = this.#scopes.get(id.scope)
    if (!records) this.#scopes.set(id.scope, (records = new Map<string, IdempotencyRecord>()))
    records.set(id.key, { ...record })
  }

  async release(id: IdempotencyKey): Promise<void> {
    const records = this.#scopes.get(id.scope)
    records?.delete(id.key)
    if (records?.size === 0) this.#scopes.delete(id.scope)
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
