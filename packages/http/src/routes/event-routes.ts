import { EVENT_TYPES, InboardError, type Runtime } from '@inboard/core'
import { z } from 'zod'
import type { EventHub } from '../events/event-hub.js'
import type { Reply } from '../request/reply.js'
import { readQuery } from '../request/read-query.js'
import { callerOf, scopeOf, type RouteContext, type RouteHandler } from './route-context.js'

const TASK_ID = /^task_[0-9A-Za-z]{1,64}$/
const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TYPES)
const STREAM_HEADERS = { 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' }
const EVENT_STREAM = 'text/event-stream; charset=utf-8'

/** The query of `GET /events`, for the OpenAPI document. */
export const eventStreamQuerySchema = z.object({
  task_id: z.string().optional().describe("Only this task's events"),
  type: z.string().optional().describe('Comma-separated event types, e.g. task.complete,task.failed'),
})

/** Handlers of `GET /events` and `GET /tasks/:task_id/events` (Server-Sent Events). */
export function eventRoutes(
  runtime: Runtime,
  hub: EventHub,
): Record<'streamEvents' | 'streamTaskEvents', RouteHandler> {
  return {
    streamEvents(context) {
      const caller = callerOf(context)
      const query = readQuery(context.url, ['task_id', 'type'])
      const taskId = query.task_id === undefined ? null : String(query.task_id)
      if (taskId !== null && !TASK_ID.test(taskId))
        throw new InboardError('invalid_request', 'Invalid task_id: expected a task id (task_…)', { param: 'task_id' })
      return stream(
        hub.open({
          key: caller.id,
          scope: scopeOf(caller).account!,
          afterId: lastEventId(context),
          types: typesOf(query.type),
          task: null,
          taskId,
        }),
      )
    },
    async streamTaskEvents(context) {
      const caller = callerOf(context)
      const id = context.params.task_id ?? ''
      const scope = scopeOf(caller)
      // The runtime rejects malformed ids as task_not_found, like ids it does not know.
      const task = await runtime.tasks.get(id, scope)
      return stream(
        hub.open({
          key: caller.id,
          scope: scope.account!,
          afterId: lastEventId(context),
          types: null,
          task,
          taskId: id,
        }),
      )
    },
  }
}

function stream(body: ReadableStream<Uint8Array>): Reply {
  return { status: 200, body, headers: STREAM_HEADERS, contentType: EVENT_STREAM }
}

function typesOf(value: string | number | undefined): ReadonlySet<string> | null {
  if (value === undefined) return null
  const types = String(value)
    .split(',')
    .map((type) => type.trim())
  const unknown = types.find((type) => !EVENT_TYPE_NAMES.has(type))
  if (unknown !== undefined)
    throw new InboardError(
      'invalid_request',
      `Invalid type: "${unknown.slice(0, 50)}" is not an event type; give a comma-separated list of ${EVENT_TYPES.join(', ')}`,
      { param: 'type' },
    )
  return new Set(types)
}

/** `Last-Event-ID`, as EventSource sends it on reconnect (ids are positive integers). */
function lastEventId(context: RouteContext): number | null {
  const header = context.request.headers.get('last-event-id')
  if (header === null || header.trim() === '') return null
  if (!/^\d{1,15}$/.test(header.trim()))
    throw new InboardError('invalid_request', 'Invalid Last-Event-ID: expected an event id from this stream', {
      param: 'Last-Event-ID',
    })
  return Number(header.trim())
}
