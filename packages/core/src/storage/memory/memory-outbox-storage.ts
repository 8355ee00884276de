import type { OutboxClaimOptions, OutboxDelivery, OutboxStorage } from '../outbox-storage.js'

/** Webhook deliveries in a map. */
export class MemoryOutboxStorage implements OutboxStorage {
  readonly #deliveries = new Map<string, OutboxDelivery>()

  async put(delivery: OutboxDelivery): Promise<void> {
    this.#deliveries.set(delivery.id, { ...delivery })
  }

  async remove(id: string): Promise<void> {
    this.#deliveries.delete(id)
  }

  async claim(options: OutboxClaimOptions): Promise<OutboxDelivery[]> {
    const free = [...this.#deliveries.values()]
      .filter(
        (delivery) =>
          delivery.nextAttemptAt <= options.dueBy &&
          (delivery.owner === null || (delivery.leaseExpiresAt ?? 0) <= options.now),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, options.limit)
    for (const delivery of free) {
      delivery.owner = options.owner
      delivery.leaseExpiresAt = options.until
    }
    return free.map((delivery) => ({ ...delivery }))
  }
}
