/** A response kept for replay. */
export interface StoredResponse {
  status: number
  /** The exact response body. */
  body: string
}

/** One Idempotency-Key: in progress until the first request answers, then its response. */
export interface IdempotencyRecord {
  /** SHA-256 (hex) of the request body; a different body under the same key is refused. */
  fingerprint: string
  /** Null while the first request is still being answered. */
  response: StoredResponse | null
  /** Epoch ms on the runtime's clock; an expired record counts as absent. */
  expiresAt: number
}

/** Which Idempotency-Key: keys of different callers never collide. */
export interface IdempotencyKey {
  /** The caller's scope (account and environment), opaque to the storage. */
  scope: string
  /** The `Idempotency-Key` header as sent (1 to 255 characters). */
  key: string
}

/**
 * Where `@inboard/http` keeps Idempotency-Key records, keyed by `(scope, key)`. Rejections as for
 * tasks (`storage_unavailable`). Implementations drop expired records as they go (or on a sweep)
 * and may bound how many they keep, forgetting the oldest completed records first.
 */
export interface IdempotencyStorage {
  /**
   * Stores `record` unless a live (unexpired at `now`) record exists for the key, and resolves
   * with that existing record if so, or null when `record` was stored. Atomic per key: of many
   * concurrent claims exactly one stores its record and the others get the winner's record (an
   * `INSERT … ON CONFLICT DO NOTHING`, replacing an expired row).
   */
  claim(id: IdempotencyKey, record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null>
  /** Replaces the in-progress record with the finished one. */
  complete(id: IdempotencyKey, record: IdempotencyRecord): Promise<void>
  /** Forgets the key, so a request that was refused is not remembered. */
  release(id: IdempotencyKey): Promise<void>
}
