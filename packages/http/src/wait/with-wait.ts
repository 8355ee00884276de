import { InboardError, type Clock, type Runtime, type Task, type TimerHandle } from '@inboard/core'
import { z } from 'zod'
import { reply, type Reply } from '../request/reply.js'
import { callerOf, scopeOf, type RouteHandler } from '../routes/route-context.js'

/** Longest `?wait=` in seconds: long enough to save a poll loop, short enough for proxies' idle timeouts. */
export const MAX_WAIT_SECONDS = 30

/** The `?wait=` query parameter, for the OpenAPI document. */
export const waitQuerySchema = z.object({
  wait: z
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .describe('Seconds to hold the response until the task is terminal or waiting (at most 30)'),
})

/**
 * Adds `?wait=N` to a route answering with a task: the answer comes when the task is terminal or
 * waiting, or after N seconds, whichever is first. Replayed idempotent responses are not held.
 */
export function withWait(runtime: Runtime, clock: Clock, handle: RouteHandler): RouteHandler {
  return async (context) => {
    const seconds = waitSeconds(context.url)
    const answer = await handle(context)
    if (seconds === 0 || answer.status >= 300 || answer.headers?.['Idempotent-Replayed'] !== undefined) return answer
    const task = taskOf(answer)
    if (task.status !== 'pending' && task.status !== 'running') return answer
    const scope = scopeOf(callerOf(context))
    let timer: { handle: TimerHandle } | undefined
    const timeout = new Promise<void>((resolve) => (timer = { handle: clock.setTimeout(resolve, seconds * 1000) }))
    try {
      await Promise.race([runtime.tasks.wait(task.id, { until: 'waiting' }, scope), timeout])
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer.handle)
    }
    return reply(answer.status, await Promise.resolve(runtime.tasks.get(task.id, scope)), answer.headers)
  }
}

function waitSeconds(url: URL): number {
  const values = url.searchParams.getAll('wait')
  if (values.length === 0) return 0
  const value = values[0]!
  if (values.length > 1 || !/^\d+(?:\.\d+)?$/.test(value) || Number(value) > MAX_WAIT_SECONDS) {
    throw new InboardError(
      'invalid_request',
      `Invalid wait: expected a number of seconds from 0 to ${MAX_WAIT_SECONDS}`,
      { param: 'wait' },
    )
  }
  return Number(value)
}

function taskOf(answer: Reply): Task {
  return (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body) as Task
}
