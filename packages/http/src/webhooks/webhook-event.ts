import { randomBytes } from 'node:crypto'
import type { RuntimeEvent, TaskError, TraceStep } from '@inboard/core'

/** Events sent as webhooks. `task.cancelled` only when the app opts in. */
export type WebhookEventType = 'task.complete' | 'task.failed' | 'task.progress' | 'task.waiting' | 'task.cancelled'

/** The body of every webhook: a stable `id` shared by every attempt, so receivers can dedupe. */
export interface WebhookEvent {
  id: string
  event: WebhookEventType
  task_id: string
  timestamp: string
  /**
   * `task.complete`: the result itself. `task.failed`: `{ error }`. `task.waiting`:
   * `{ reason, service, auth_url, message }`. `task.progress`: `{ step }`. `task.cancelled`:
   * `{ status, cancelled_at }`.
   */
  data: unknown
}

export type WebhookFailedData = { error: TaskError }
export type WebhookProgressData = { step: TraceStep }

/** A new event id, `evt_` and 24 base64url characters. */
export function newEventId(): string {
  return `evt_${randomBytes(18).toString('base64url')}`
}

/** The webhook for a runtime event, or null for events that are not sent. */
export function toWebhookEvent(event: RuntimeEvent, sendCancelled: boolean): WebhookEvent | null {
  const base = { id: newEventId(), task_id: event.task_id, timestamp: event.timestamp }
  switch (event.type) {
    case 'task.complete':
      return { ...base, event: event.type, data: event.task.result ?? null }
    case 'task.failed':
      return { ...base, event: event.type, data: { error: event.task.error ?? null } }
    case 'task.waiting': {
      const waiting = event.task.waiting
      return {
        ...base,
        event: event.type,
        data: {
          reason: waiting?.reason ?? null,
          service: waiting?.service ?? null,
          auth_url: waiting?.auth_url ?? null,
          message: waiting?.message ?? '',
        },
      }
    }
    case 'task.progress':
      return { ...base, event: event.type, data: { step: event.step } }
    case 'task.cancelled':
      return sendCancelled
        ? {
            ...base,
            event: event.type,
            data: { status: 'cancelled', cancelled_at: event.task.cancelled_at ?? event.timestamp },
          }
        : null
    default:
      return null
  }
}
