import { createHash } from 'node:crypto'
import { InboardError, type Clock, type IdempotencyStorage, type Runtime, type TaskCreateInput } from '@inboard/core'
import { reply, type Reply } from '../request/reply.js'
import { readJsonBody } from '../request/read-json-body.js'
import { readQuery } from '../request/read-query.js'
import { webhookUrlProblem } from '../webhooks/address-guard.js'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js'
import { callerOf, scopeOf, type RouteContext, type RouteHandler } from './route-context.js'
import { webhookUrlSchema } from './request-schemas.js'
import type { OperationId } from './route-specs.js'

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

export interface TaskRouteDeps {
  runtime: Runtime
  clock: Clock
  maxBodyBytes: number
  idempotency: IdempotencyStorage
  webhooks: WebhookDispatcher | null
  allowPrivateWebhooks: boolean
}

type TaskOperation = Extract<
  OperationId,
  'createTask' | 'listTasks' | 'getTask' | 'cancelTask' | 'getTaskTrace' | 'sendTaskInput'
>

/** Handlers of the task endpoints. */
export function taskRoutes(deps: TaskRouteDeps): Record<TaskOperation, RouteHandler> {
  const { runtime } = deps
  // A malformed id is the runtime's task_not_found, like any unknown one.
  const taskId = (context: RouteContext): string => context.params.task_id ?? ''
  return {
    createTask: (context) => createTask(deps, context),
    async listTasks(context) {
      const query = readQuery(context.url, ['status', 'sub_agent', 'user_id', 'limit', 'offset'], ['limit', 'offset'])
      return reply(200, await runtime.tasks.list(query, scopeOf(callerOf(context))))
    },
    getTask: async (context) => reply(200, await runtime.tasks.get(taskId(context), scopeOf(callerOf(context)))),
    cancelTask: async (context) => reply(200, await runtime.tasks.cancel(taskId(context), scopeOf(callerOf(context)))),
    getTaskTrace: async (context) => reply(200, await runtime.tasks.trace(taskId(context), scopeOf(callerOf(context)))),
    async sendTaskInput(context) {
      const id = taskId(context)
      const scope = scopeOf(callerOf(context))
      // Unknown tasks are refused before the body is read.
      await runtime.tasks.get(id, scope)
      const body = await readJsonBody(context.request, deps.maxBodyBytes)
      return reply(200, await runtime.tasks.sendInput(id, body.value, scope))
    },
  }
}

async function createTask(deps: TaskRouteDeps, context: RouteContext): Promise<Reply> {
  const caller = callerOf(context)
  const key = context.request.headers.get('idempotency-key')
  if (key !== null && (key.length < 1 || key.length > 255)) {
    throw new InboardError('invalid_request', 'Idempotency-Key must be 1 to 255 characters', {
      param: 'Idempotency-Key',
    })
  }
  // HTTP joins repeated headers with ", ": two keys would otherwise become one new key, and a retry a duplicate.
  if (key?.includes(','))
    throw new InboardError('invalid_request', 'Send one Idempotency-Key header, without commas', {
      param: 'Idempotency-Key',
    })
  const body = await readJsonBody(context.request, deps.maxBodyBytes)
  const { webhook_url: webhookUrl, ...input } = body.value
  if (webhookUrl !== undefined) {
    // Accepting it and sending nothing would fail silently: without `webhooks` there is no secret to sign with.
    if (deps.webhooks === null) {
      throw new InboardError(
        'invalid_request',
        'Invalid webhook_url: webhooks are not configured on this server (createHandler has no webhooks option), so no events could be sent',
        { param: 'webhook_url' },
      )
    }
    checkWebhookUrl(webhookUrl, deps.allowPrivateWebhooks)
  }
  // A test key's tasks always run in test mode: its side effects stay in the sandbox. Asking for live is refused, not ignored.
  if (caller.environment === 'test') {
    if (input.mode === 'live')
      throw new InboardError(
        'live_mode_not_allowed',
        'A test key cannot create live tasks; use a live key (pk_live_…) or leave mode out',
        { param: 'mode' },
      )
    input.mode = 'test'
  }
  const create = async (): Promise<string> => {
    // Route the task's events before it can start, so none of them goes to the default endpoint.
    const onStored =
      typeof webhookUrl === 'string'
        ? (stored: { id: string }): Promise<void> | undefined => deps.webhooks?.routeTask(stored.id, webhookUrl)
        : undefined
    const task = await deps.runtime.tasks.create(
      input as TaskCreateInput,
      scopeOf(caller),
      onStored === undefined ? {} : { onStored },
    )
    return JSON.stringify(task)
  }
  if (key === null) return reply(201, await create())

  const scoped = { scope: `${caller.account}\u0000${caller.environment}`, key }
  const fingerprint = createHash('sha256').update(body.text).digest('hex')
  const now = deps.clock.now()
  const existing = await deps.idempotency.claim(
    scoped,
    { fingerprint, response: null, expiresAt: now + IDEMPOTENCY_TTL_MS },
    now,
  )
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw new InboardError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body; use a new key for a new request',
        { param: 'Idempotency-Key' },
      )
    }
    if (existing.response === null) {
      throw new InboardError(
        'idempotency_key_in_use',
        'A request with this Idempotency-Key is still in progress; retry once it has answered',
        { param: 'Idempotency-Key' },
      )
    }
    return reply(existing.response.status, existing.response.body, { 'Idempotent-Replayed': 'true' })
  }
  let task: string
  try {
    task = await create()
  } catch (error) {
    // Rejected requests are not remembered: the client may fix the body and reuse the key.
    await deps.idempotency.release(scoped)
    throw error
  }
  await deps.idempotency.complete(scoped, {
    fingerprint,
    response: { status: 201, body: task },
    expiresAt: now + IDEMPOTENCY_TTL_MS,
  })
  return reply(201, task)
}

function checkWebhookUrl(value: unknown, allowPrivate: boolean): void {
  const parsed = webhookUrlSchema.safeParse(value)
  if (!parsed.success)
    throw new InboardError(
      'invalid_request',
      'Invalid webhook_url: expected an http or https URL of at most 2048 characters',
      { param: 'webhook_url' },
    )
  const problem = webhookUrlProblem(parsed.data, allowPrivate)
  if (problem !== null)
    throw new InboardError('invalid_request', `Invalid webhook_url: it ${problem}`, { param: 'webhook_url' })
}
