import { createHash } from 'node:crypto'
import { InboardError, type Clock, type Runtime, type TaskCreateInput } from '@inboard/core'
import type { IdempotencyStore } from '../idempotency/idempotency-store.js'
import { reply, type Reply } from '../request/reply.js'
import { readJsonBody } from '../request/read-json-body.js'
import { readQuery } from '../request/read-query.js'
import { webhookUrlProblem } from '../webhooks/address-guard.js'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js'
import { callerOf, idParam, scopeOf, type RouteContext, type RouteHandler } from './route-context.js'
import { webhookUrlSchema } from './request-schemas.js'
import type { OperationId } from './route-specs.js'

/** Same shape as the runtime's task ids; anything else is a 404 without a lookup. */
const TASK_ID = /^task_[0-9A-Za-z]{1,64}$/
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

export interface TaskRouteDeps {
  runtime: Runtime
  clock: Clock
  maxBodyBytes: number
  idempotency: IdempotencyStore
  webhooks: WebhookDispatcher | null
  allowPrivateWebhooks: boolean
}

type TaskOperation = Extract<OperationId, 'createTask' | 'listTasks' | 'getTask' | 'cancelTask' | 'getTaskTrace' | 'sendTaskInput'>

/** Handlers of the task endpoints. */
export function taskRoutes(deps: TaskRouteDeps): Record<TaskOperation, RouteHandler> {
  const { runtime } = deps
  const taskId = (context: RouteContext): string => {
    const id = context.params.task_id ?? ''
    return idParam(context, 'task_id', TASK_ID, new InboardError('task_not_found', `No task with id "${id.slice(0, 100)}"`))
  }
  return {
    createTask: (context) => createTask(deps, context),
    listTasks(context) {
      const query = readQuery(context.url, ['status', 'sub_agent', 'user_id', 'limit', 'offset'], ['limit', 'offset'])
      return reply(200, runtime.tasks.list(query, scopeOf(callerOf(context))))
    },
    getTask: (context) => reply(200, runtime.tasks.get(taskId(context), scopeOf(callerOf(context)))),
    cancelTask: (context) => reply(200, runtime.tasks.cancel(taskId(context), scopeOf(callerOf(context)))),
    getTaskTrace: (context) => reply(200, runtime.tasks.trace(taskId(context), scopeOf(callerOf(context)))),
    async sendTaskInput(context) {
      const id = taskId(context)
      const body = await readJsonBody(context.request, deps.maxBodyBytes)
      return reply(200, runtime.tasks.sendInput(id, body.value, scopeOf(callerOf(context))))
    },
  }
}

async function createTask(deps: TaskRouteDeps, context: RouteContext): Promise<Reply> {
  const caller = callerOf(context)
  const key = context.request.headers.get('idempotency-key')
  if (key !== null && (key.length < 1 || key.length > 255)) {
    throw new InboardError('invalid_request', 'Idempotency-Key must be 1 to 255 characters', { param: 'Idempotency-Key' })
  }
  // HTTP joins repeated headers with ", ": two keys would otherwise become one new key, and a retry a duplicate.
  if (key?.includes(',')) throw new InboardError('invalid_request', 'Send one Idempotency-Key header, without commas', { param: 'Idempotency-Key' })
  const body = await readJsonBody(context.request, deps.maxBodyBytes)
  const { webhook_url: webhookUrl, ...input } = body.value
  if (webhookUrl !== undefined) {
    // Accepting it and sending nothing would fail silently: without `webhooks` there is no secret to sign with.
    if (deps.webhooks === null) {
      throw new InboardError('invalid_request', 'Invalid webhook_url: webhooks are not configured on this server (createHandler has no webhooks option), so no events could be sent', { param: 'webhook_url' })
    }
    checkWebhookUrl(webhookUrl, deps.allowPrivateWebhooks)
  }
  // A test key's tasks always run in test mode: its side effects stay in the sandbox. Asking for live is refused, not ignored.
  if (caller.environment === 'test') {
    if (input.mode === 'live') throw new InboardError('live_mode_not_allowed', 'A test key cannot create live tasks; use a live key (pk_live_…) or leave mode out', { param: 'mode' })
    input.mode = 'test'
  }
  const create = (): string => {
    const task = deps.runtime.tasks.create(input as TaskCreateInput, scopeOf(caller))
    if (typeof webhookUrl === 'string') deps.webhooks?.routeTask(task.id, webhookUrl)
    return JSON.stringify(task)
  }
  if (key === null) return reply(201, create())

  const scoped = `${caller.account}\u0000${caller.environment}\u0000${key}`
  const fingerprint = createHash('sha256').update(body.text).digest('hex')
  const now = deps.clock.now()
  const existing = await deps.idempotency.claim(scoped, { fingerprint, response: null, expiresAt: now + IDEMPOTENCY_TTL_MS }, now)
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw new InboardError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body; use a new key for a new request', { param: 'Idempotency-Key' })
    }
    if (existing.response === null) {
      throw new InboardError('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry once it has answered', { param: 'Idempotency-Key' })
    }
    return reply(existing.response.status, existing.response.body, { 'Idempotent-Replayed': 'true' })
  }
  let task: string
  try {
    task = create()
  } catch (error) {
    // Rejected requests are not remembered: the client may fix the body and reuse the key.
    await deps.idempotency.release(scoped)
    throw error
  }
  await deps.idempotency.complete(scoped, { fingerprint, response: { status: 201, body: task }, expiresAt: now + IDEMPOTENCY_TTL_MS })
  return reply(201, task)
}

function checkWebhookUrl(value: unknown, allowPrivate: boolean): void {
  const parsed = webhookUrlSchema.safeParse(value)
  if (!parsed.success) throw new InboardError('invalid_request', 'Invalid webhook_url: expected an http or https URL of at most 2048 characters', { param: 'webhook_url' })
  const problem = webhookUrlProblem(parsed.data, allowPrivate)
  if (problem !== null) throw new InboardError('invalid_request', `Invalid webhook_url: it ${problem}`, { param: 'webhook_url' })
}
