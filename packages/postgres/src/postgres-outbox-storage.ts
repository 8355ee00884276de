import type { OutboxClaimOptions, OutboxDelivery, OutboxStorage } from '@inboard/core'
import type { PostgresConnection } from './postgres-connection.js'

interface OutboxRow {
  id: string
  event: string
  task_id: string
  url: string
  body: string
  attempts: number
  created_at: string
  next_attempt_at: string
  owner: string | null
  lease_expires_at: string | null
}

function fromRow(row: OutboxRow): OutboxDelivery {
  return {
    id: row.id,
    event: row.event,
    taskId: row.task_id,
    url: row.url,
    body: row.body,
    attempts: row.attempts,
    createdAt: Number(row.created_at),
    nextAttemptAt: Number(row.next_attempt_at),
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
  }
}

/** The webhook outbox; claims use `FOR UPDATE SKIP LOCKED`, so each delivery goes to one process. */
export class PostgresOutboxStorage implements OutboxStorage {
  readonly #db: PostgresConnection
  readonly #table: string

  constructor(db: PostgresConnection, schema: string) {
    this.#db = db
    this.#table = `${schema}.outbox`
  }

  async put(delivery: OutboxDelivery): Promise<void> {
    await this.#db.query(
      `INSERT INTO ${this.#table} (id, event, task_id, url, body, attempts, created_at, next_attempt_at, owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET event = excluded.event, task_id = excluded.task_id, url = excluded.url, body = excluded.body,
         attempts = excluded.attempts, created_at = excluded.created_at, next_attempt_at = excluded.next_attempt_at,
         owner = excluded.owner, lease_expires_at = excluded.lease_expires_at`,
      [
        delivery.id,
        delivery.event,
        delivery.taskId,
        delivery.url,
        delivery.body,
        delivery.attempts,
        delivery.createdAt,
        delivery.nextAttemptAt,
        delivery.owner,
        delivery.leaseExpiresAt,
      ],
    )
  }

  async remove(id: string): Promise<void> {
    await this.#db.query(`DELETE FROM ${this.#table} WHERE id = $1`, [id])
  }

  async claim(options: OutboxClaimOptions): Promise<OutboxDelivery[]> {
    if (options.limit <= 0) return []
    const { rows } = await this.#db.query<OutboxRow>(
      `WITH picked AS (
         SELECT id FROM ${this.#table}
         WHERE next_attempt_at <= $1 AND (owner IS NULL OR lease_expires_at <= $2)
         ORDER BY next_attempt_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${this.#table} AS o SET owner = $4, lease_expires_at = $5
       FROM picked WHERE o.id = picked.id
       RETURNING o.*`,
      [options.dueBy, options.now, options.limit, options.owner, options.until],
    )
    return rows.map(fromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
  }
}
