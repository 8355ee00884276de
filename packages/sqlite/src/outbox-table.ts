import type BetterSqlite3 from 'better-sqlite3'
import type { OutboxClaimOptions, OutboxDelivery, OutboxStorage } from '@inboard/core'
import { preparedLazily, type Connection } from './connection.js'

interface OutboxRow {
  owner: string | null
  lease_expires_at: number | null
  delivery: string
}

function toDelivery(row: OutboxRow): OutboxDelivery {
  const delivery = JSON.parse(row.delivery) as OutboxDelivery
  delivery.owner = row.owner
  delivery.leaseExpiresAt = row.lease_expires_at
  return delivery
}

/** The `webhook_outbox` table: deliveries waiting for their next attempt, kept across restarts. */
export class OutboxTable implements OutboxStorage {
  readonly #connection: Connection
  readonly #statements: () => ReturnType<typeof prepare>

  constructor(connection: Connection) {
    this.#connection = connection
    this.#statements = preparedLazily(connection, prepare)
  }

  put(delivery: OutboxDelivery): Promise<void> {
    const { owner, leaseExpiresAt, ...rest } = delivery
    const params = {
      id: delivery.id,
      next_attempt_at: delivery.nextAttemptAt,
      owner,
      lease_expires_at: leaseExpiresAt,
      delivery: JSON.stringify(rest),
    }
    return this.#connection.write(() => {
      this.#statements().put.run(params)
    })
  }

  remove(id: string): Promise<void> {
    return this.#connection.write(() => {
      this.#statements().remove.run(id)
    })
  }

  claim(options: OutboxClaimOptions): Promise<OutboxDelivery[]> {
    const params = {
      owner: options.owner,
      until: options.until,
      due_by: options.dueBy,
      now: options.now,
      limit: options.limit,
    }
    return this.#connection.write(() => {
      const rows = this.#statements().claim.all(params) as (OutboxRow & { next_attempt_at: number })[]
      return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at).map(toDelivery)
    })
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    put: db.prepare(
      `INSERT INTO webhook_outbox (id, next_attempt_at, owner, lease_expires_at, delivery) VALUES (@id, @next_attempt_at, @owner, @lease_expires_at, @delivery)
       ON CONFLICT (id) DO UPDATE SET next_attempt_at = excluded.next_attempt_at, owner = excluded.owner,
         lease_expires_at = excluded.lease_expires_at, delivery = excluded.delivery`,
    ),
    remove: db.prepare('DELETE FROM webhook_outbox WHERE id = ?'),
    claim: db.prepare(
      `UPDATE webhook_outbox SET owner = @owner, lease_expires_at = @until
       WHERE id IN (
         SELECT id FROM webhook_outbox
         WHERE next_attempt_at <= @due_by AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)
         ORDER BY next_attempt_at LIMIT @limit)
       RETURNING next_attempt_at, owner, lease_expires_at, delivery`,
    ),
  }
}
