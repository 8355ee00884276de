import {
  subagentDeploySchema,
  subagentListSchema,
  subagentUpdateSchema,
  taskInputSchema,
  taskListSchema,
  type InboardErrorCode,
} from '@inboard/core'
import { z } from 'zod'
import {
  memoryResetQuerySchema,
  memoryResetSchema,
  oauthCallbackQuerySchema,
  pageSchema,
  subagentListItemSchema,
  subagentMemorySchema,
  subagentSchema,
  taskListItemSchema,
  taskSchema,
  traceSchema,
} from '../openapi/response-schemas.js'
import { waitQuerySchema } from '../wait/with-wait.js'
import { eventStreamQuerySchema } from './event-routes.js'
import { taskCreateBodySchema } from './request-schemas.js'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** One endpoint: what the router registers and what the OpenAPI document describes. */
export interface RouteSpec {
  method: HttpMethod
  /** Below the prefix, with `:param` segments. */
  path: string
  summary: string
  /** Needs an API key (and counts against its rate limit). */
  auth: boolean
  body?: z.ZodType
  query?: z.ZodType
  success: { status: number; description: string; schema: z.ZodType; contentType?: string }
  errors: readonly InboardErrorCode[]
}

const AUTH_ERRORS = ['missing_api_key', 'invalid_api_key', 'rate_limit_exceeded'] as const
const BODY_ERRORS = ['invalid_request', 'unsupported_media_type', 'payload_too_large'] as const

/** Every route, keyed by operation id. */
export const ROUTE_SPECS = {
  deploySubagent: {
    method: 'POST',
    path: '/subagents',
    summary: 'Deploy a subagent',
    auth: true,
    body: subagentDeploySchema,
    success: { status: 201, description: 'The deployed subagent', schema: subagentSchema },
    errors: [...AUTH_ERRORS, ...BODY_ERRORS, 'subagent_already_exists'],
  },
  listSubagents: {
    method: 'GET',
    path: '/subagents',
    summary: 'List subagents, newest first',
    auth: true,
    query: subagentListSchema,
    success: { status: 200, description: 'A page of subagents', schema: pageSchema(subagentListItemSchema) },
    errors: [...AUTH_ERRORS, 'invalid_request'],
  },
  getSubagent: {
    method: 'GET',
    path: '/subagents/:subagent_id',
    summary: 'Get a subagent',
    auth: true,
    success: { status: 200, description: 'The subagent', schema: subagentSchema },
    errors: [...AUTH_ERRORS, 'subagent_not_found'],
  },
  updateSubagent: {
    method: 'PATCH',
    path: '/subagents/:subagent_id',
    summary: "Update a subagent's prompt; its tools are recomputed",
    auth: true,
    body: subagentUpdateSchema,
    success: { status: 200, description: 'The updated subagent', schema: subagentSchema },
    errors: [...AUTH_ERRORS, ...BODY_ERRORS, 'subagent_not_found', 'subagent_read_only'],
  },
  deleteSubagent: {
    method: 'DELETE',
    path: '/subagents/:subagent_id',
    summary: 'Delete a subagent; its running tasks finish',
    auth: true,
    success: { status: 200, description: 'The deleted subagent', schema: subagentSchema },
    errors: [...AUTH_ERRORS, 'subagent_not_found', 'subagent_read_only'],
  },
  getSubagentMemory: {
    method: 'GET',
    path: '/subagents/:subagent_id/memory',
    summary:
      'What a subagent learned from its tasks (scopes, rate limits, renames, sizes, retries, plans), with provenance',
    auth: true,
    success: {
      status: 200,
      description: "The subagent's memory entries visible to the caller's account",
      schema: subagentMemorySchema,
    },
    errors: [...AUTH_ERRORS, 'subagent_not_found'],
  },
  resetSubagentMemory: {
    method: 'DELETE',
    path: '/subagents/:subagent_id/memory',
    summary: "Forget what a subagent learned for the caller's account, or only about one tool",
    auth: true,
    query: memoryResetQuerySchema,
    success: { status: 200, description: 'How many entries were forgotten', schema: memoryResetSchema },
    errors: [...AUTH_ERRORS, 'invalid_request', 'subagent_not_found'],
  },
  createTask: {
    method: 'POST',
    path: '/tasks',
    summary: 'Create a task',
    auth: true,
    body: taskCreateBodySchema,
    query: waitQuerySchema,
    success: {
      status: 201,
      description: 'The task as it is now: running, or pending when queued for capacity',
      schema: taskSchema,
    },
    errors: [
      ...AUTH_ERRORS,
      ...BODY_ERRORS,
      'subagent_not_found',
      'prompt_too_long',
      'idempotency_key_reused',
      'idempotency_key_in_use',
      'runtime_closed',
    ],
  },
  listTasks: {
    method: 'GET',
    path: '/tasks',
    summary: 'List tasks, newest first (items omit result, error and prompt)',
    auth: true,
    query: taskListSchema,
    success: { status: 200, description: 'A page of tasks', schema: pageSchema(taskListItemSchema) },
    errors: [...AUTH_ERRORS, 'invalid_request'],
  },
  getTask: {
    method: 'GET',
    path: '/tasks/:task_id',
    summary: 'Get a task, with its result or error when finished',
    auth: true,
    query: waitQuerySchema,
    success: { status: 200, description: 'The task', schema: taskSchema },
    errors: [...AUTH_ERRORS, 'task_not_found'],
  },
  cancelTask: {
    method: 'POST',
    path: '/tasks/:task_id/cancel',
    summary: 'Cancel a pending, running or waiting task',
    auth: true,
    success: { status: 200, description: 'The cancelled task', schema: taskSchema },
    errors: [...AUTH_ERRORS, 'task_not_found', 'task_already_complete'],
  },
  getTaskTrace: {
    method: 'GET',
    path: '/tasks/:task_id/trace',
    summary: "Get a task's step-by-step trace (readable while it runs)",
    auth: true,
    success: { status: 200, description: 'The trace', schema: traceSchema },
    errors: [...AUTH_ERRORS, 'task_not_found'],
  },
  sendTaskInput: {
    method: 'POST',
    path: '/tasks/:task_id/input',
    summary: 'Send a message, values or an approval to a waiting task',
    auth: true,
    body: taskInputSchema,
    success: { status: 200, description: 'The task, back in line to run', schema: taskSchema },
    errors: [...AUTH_ERRORS, ...BODY_ERRORS, 'task_not_found', 'task_not_waiting', 'task_already_complete'],
  },
  streamEvents: {
    method: 'GET',
    path: '/events',
    summary:
      "Server-Sent Events of the key's account and environment (the runtime.on union); Last-Event-ID replays kept events",
    auth: true,
    query: eventStreamQuerySchema,
    success: {
      status: 200,
      description:
        'An event stream: one `id:`, `event:` and `data:` (the event as JSON) per event, `: ping` heartbeats',
      schema: z.string(),
      contentType: 'text/event-stream',
    },
    errors: [...AUTH_ERRORS, 'invalid_request'],
  },
  streamTaskEvents: {
    method: 'GET',
    path: '/tasks/:task_id/events',
    summary: 'Server-Sent Events of one task: its history so far, then live events; ends after the terminal event',
    auth: true,
    success: {
      status: 200,
      description: 'An event stream, as GET /events',
      schema: z.string(),
      contentType: 'text/event-stream',
    },
    errors: [...AUTH_ERRORS, 'invalid_request', 'task_not_found'],
  },
  oauthCallback: {
    method: 'GET',
    path: '/oauth/callback',
    summary: "OAuth 2.0 redirect target: completes the end user's consent and resumes waiting tasks",
    auth: false,
    query: oauthCallbackQuerySchema,
    success: {
      status: 200,
      description: 'An HTML page telling the user they can close the window',
      schema: z.string(),
      contentType: 'text/html',
    },
    errors: ['invalid_request', 'route_not_found'],
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    auth: false,
    success: { status: 200, description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
    errors: [],
  },
} as const satisfies Record<string, RouteSpec>

export type OperationId = keyof typeof ROUTE_SPECS
