import { INBOARD_ERROR_CODES, memoryEntrySchema, taskStatusSchema } from '@inboard/core'
import { z } from 'zod'

/** Response shapes, for the OpenAPI document and for conformance tests. */
const iso = z.string().describe('ISO-8601 UTC timestamp')

export const errorBodySchema = z.object({
  error: z.object({ code: z.enum(INBOARD_ERROR_CODES), message: z.string(), param: z.string().optional() }),
})

export const taskErrorSchema = z.object({
  code: z.enum(INBOARD_ERROR_CODES),
  message: z.string(),
  tool: z.string().nullable(),
  recoverable: z.boolean(),
  suggestion: z.string().nullable(),
})

export const taskWaitingSchema = z.object({
  reason: z.enum(['oauth_consent_required', 'input_required', 'approval_required']),
  service: z.string().nullable(),
  auth_url: z.string().nullable(),
  message: z.string(),
  fields: z
    .array(z.object({ name: z.string(), description: z.string().nullable(), type: z.string().nullable() }))
    .optional(),
  request: z.object({ tool: z.string(), capability: z.string(), input: z.unknown() }).optional(),
})

export const taskListItemSchema = z.object({
  id: z.string(),
  status: taskStatusSchema,
  sub_agent: z.string().nullable(),
  tool: z.string().nullable(),
  user_id: z.string().nullable(),
  mode: z.enum(['live', 'test']),
  priority: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: iso,
  started_at: iso.optional(),
  completed_at: iso.optional(),
  failed_at: iso.optional(),
  cancelled_at: iso.optional(),
  waiting: taskWaitingSchema.optional(),
})

const tokenUsageSchema = z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() })

export const taskSchema = taskListItemSchema.extend({
  prompt: z.string(),
  result: z.unknown().optional(),
  error: taskErrorSchema.optional(),
  usage: tokenUsageSchema.optional().describe('Tokens of the model calls the planner made; absent when it made none'),
})

export const traceSchema = z.object({
  task_id: z.string(),
  sub_agent: z.string().nullable(),
  steps: z.array(
    z.object({
      tool: z.string(),
      action: z.string(),
      status: z.enum(['running', 'complete', 'failed', 'skipped', 'waiting', 'interrupted']),
      duration_ms: z.number(),
      started_at: iso,
      note: z.string().optional(),
      model: z.string().optional(),
      usage: tokenUsageSchema.optional(),
    }),
  ),
  total_duration_ms: z.number(),
})

export const subagentListItemSchema = z.object({
  id: z.string(),
  type: z.enum(['custom', 'prebuilt']),
  tools: z.array(z.string()),
  tools_available: z.number().int(),
  status: z.enum(['deployed', 'deleted']),
  created_at: iso,
  updated_at: iso,
  deleted_at: iso.optional(),
})

export const subagentSchema = subagentListItemSchema.extend({
  prompt: z.string(),
  capabilities: z.array(z.string()).describe('The capabilities the subagent may call (`tool.capability`), sorted'),
})

/** `{ data, has_more }` of a list endpoint. */
export function pageSchema<T extends z.ZodType>(item: T): z.ZodObject<{ data: z.ZodArray<T>; has_more: z.ZodBoolean }> {
  return z.object({ data: z.array(item), has_more: z.boolean() })
}

export const oauthCallbackQuerySchema = z.object({
  state: z.string(),
  code: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
})

/** `GET /v1/subagents/:id/memory`: what the subagent learned, each entry with its provenance. */
export const subagentMemorySchema = z.object({ sub_agent: z.string(), entries: z.array(memoryEntrySchema) })

/** `DELETE /v1/subagents/:id/memory`: how many entries were forgotten. */
export const memoryResetSchema = z.object({ sub_agent: z.string(), deleted: z.number().int() })

/** The query of `DELETE /v1/subagents/:id/memory`: forget only what was learned about one tool. */
export const memoryResetQuerySchema = z.object({ tool: z.string().min(1).max(64).optional() })
