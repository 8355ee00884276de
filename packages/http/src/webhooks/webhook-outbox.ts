/** One event on its way to one endpoint. The body is fixed once, so every attempt is identical. */
export interface WebhookDelivery {
  /** The event id, also `webhook-id`. */
  id: string
  event: string
  task_id: string
  url: string
  /** The exact JSON that is signed and sent. */
  body: string
  /** Attempts made so far. */
  attempts: number
  /** Epoch ms on the runtime's clock. */
  created_at: number
  next_attempt_at: number
}

/**
 * Where deliveries wait between attempts. The in-memory default loses them on restart; a durable
 * implementation (a table, a Redis hash) keeps them, and the dispatcher reloads `pending()` when a
 * handler is created.
 */
export interface WebhookOutbox {
  put(delivery: WebhookDelivery): void | Promise<void>
  remove(id: string): void | Promise<void>
  pending(): readonly WebhookDelivery[] | Promise<readonly WebhookDelivery[]>
}

/** The default outbox: a map. */
export class MemoryWebhookOutbox implements WebhookOutbox {
  readonly #deliveries = new Map<string, WebhookDelivery>()

  put(delivery: WebhookDelivery): void {
    this.#deliveries.set(delivery.id, { ...delivery })
  }

  remove(id: string): void {
    this.#deliveries.delete(id)
  }

  pending(): WebhookDelivery[] {
    return [...this.#deliveries.values()].map((delivery) => ({ ...delivery }))
  }
}
