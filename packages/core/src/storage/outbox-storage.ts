/** One webhook event on its way to one endpoint. The body is fixed once, so every attempt is identical. */
export interface OutboxDelivery {
  /** The event id (`webhook-id`), the same on every attempt and after a restart; the primary key. */
  id: string
  /** The event type, e.g. `task.complete`. */
  event: string
  taskId: string
  url: string
  /** The exact JSON that is signed and sent. */
  body: string
  /** Attempts made so far. */
  attempts: number
  /** Epoch ms on the runtime's clock. */
  createdAt: number
  /** When the next attempt is due (epoch ms). */
  nextAttemptAt: number
  /** The process that will attempt it, or null. */
  owner: string | null
  /** Epoch ms at which another process may claim it; null when there is no owner. */
  leaseExpiresAt: number | null
}

/** Options of {@link OutboxStorage.claim}. */
export interface OutboxClaimOptions {
  owner: string
  /** A lease with `leaseExpiresAt <= now` has expired. */
  now: number
  /** The claimed deliveries' new `leaseExpiresAt`. */
  until: number
  /** Only deliveries with `nextAttemptAt <= dueBy`. */
  dueBy: number
  /** At most this many, earliest `nextAttemptAt` first. */
  limit: number
}

/**
 * Where webhook deliveries wait between attempts, so that deliveries pending at a crash are sent
 * after it (at least once, with the same event id). Rejections as for tasks (`storage_unavailable`).
 */
export interface OutboxStorage {
  /** Inserts the delivery or replaces the one with its id (after an attempt, with new counts and times). */
  put(delivery: OutboxDelivery): Promise<void>
  /** Forgets a delivery (delivered, abandoned or dropped); an unknown id is ignored. */
  remove(id: string): Promise<void>
  /**
   * Takes deliveries that are due and that nobody holds (owner null, or lease expired at `now`):
   * sets their `owner` and `leaseExpiresAt = until` atomically per delivery, so that only one
   * process attempts each, and resolves with them as stored after the claim.
   */
  claim(options: OutboxClaimOptions): Promise<OutboxDelivery[]>
}
