import { z } from 'zod'
import { SUBAGENT_ID, TASK_ID } from '../ids.js'

/** Longest prompt a task accepts (reference: 10,000 characters). */
export const MAX_PROMPT_LENGTH = 10_000

/** True for values that survive a JSON round trip unchanged (plain data, finite numbers, no cycles). */
function isJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1))
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJson(item, depth + 1))
  }
  return false
}

/** An object of JSON values, typed loosely so callers can pass `Record<string, unknown>`. */
const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => isJson(value), 'must be a JSON object (plain data, finite numbers, at most 64 levels deep)')

/** Limits of a task's `metadata`, as payment APIs have them: it labels a task, it does not carry data. */
export const METADATA_LIMITS = {
  /** Most keys. */
  maxKeys: 50,
  /** Longest key, in characters. */
  maxKeyLength: 40,
  /** Longest value, in characters: a string's length, or the length of any other value as JSON. */
  maxValueLength: 500,
} as const

const valueLength = (value: unknown): number =>
  typeof value === 'string' ? value.length : (JSON.stringify(value)?.length ?? 0)

/** `metadata`: a JSON object within {@link METADATA_LIMITS}. (`@inboard/http` refuses over-wide bodies before this runs.) */
const metadataSchema = jsonObject.superRefine((metadata, ctx) => {
  const keys = Object.keys(metadata).length
  if (keys > METADATA_LIMITS.maxKeys) {
    ctx.addIssue({ code: 'custom', message: `metadata has ${keys} keys; at most ${METADATA_LIMITS.maxKeys}` })
    return
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length > METADATA_LIMITS.maxKeyLength) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `metadata keys are at most ${METADATA_LIMITS.maxKeyLength} characters (this one has ${key.length})`,
      })
      return
    }
    const length = valueLength(value)
    if (length > METADATA_LIMITS.maxValueLength) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `metadata values are at most ${METADATA_LIMITS.maxValueLength} characters (this one has ${length})`,
      })
      return
    }
  }
})

/** Input of `runtime.tasks.create()` and the body of `POST /v1/tasks`. */
export const taskCreateSchema = z.strictObject({
  prompt: z.string().min(1, 'prompt must not be empty'),
  sub_agent: z.string().regex(SUBAGENT_ID, 'sub_agent is not a valid subagent id').nullish(),
  user_id: z.string().min(1).max(255).nullish(),
  metadata: metadataSchema.optional(),
  mode: z.enum(['live', 'test']).optional(),
  priority: z.number().int().min(1).max(10).optional(),
  /** Seconds. */
  timeout: z.number().positive().max(86_400).optional(),
  /** Set to false to run this task without execution memory (nothing applied, nothing learned). */
  memory: z.boolean().optional(),
})
export type TaskCreateInput = z.input<typeof taskCreateSchema>

export const taskStatusSchema = z.enum(['pending', 'running', 'waiting', 'complete', 'failed', 'cancelled'])

const limit = z.number().int().min(1).max(100).optional()
const offset = z.number().int().min(0).optional()

/** Filters of `runtime.tasks.list()` and the query of `GET /v1/tasks`. */
export const taskListSchema = z.strictObject({
  status: taskStatusSchema.optional(),
  sub_agent: z.string().max(64).optional(),
  user_id: z.string().max(255).optional(),
  limit,
  offset,
})
export type TaskListQuery = z.input<typeof taskListSchema>

/** Input of `runtime.tasks.sendInput()` and the body of `POST /v1/tasks/:id/input`. */
export const taskInputSchema = z
  .strictObject({
    message: z.string().min(1).max(10_000).optional(),
    values: jsonObject.optional(),
    approved: z.boolean().optional(),
  })
  .refine((input) => input.message !== undefined || input.values !== undefined || input.approved !== undefined, {
    message: 'provide message, values or approved',
  })
export type TaskInputBody = z.input<typeof taskInputSchema>

/** Input of `runtime.subagents.deploy()` and the body of `POST /v1/subagents`. */
export const subagentDeploySchema = z.strictObject({
  name: z.string().regex(SUBAGENT_ID, 'name must be 1–64 lowercase letters, digits, "-" or "_"'),
  prompt: z.string().min(1).max(MAX_PROMPT_LENGTH),
  tools: z.array(z.string().min(1)).optional(),
})
export type SubagentDeployInput = z.input<typeof subagentDeploySchema>

/** Input of `runtime.subagents.update()` and the body of `PATCH /v1/subagents/:id`. */
export const subagentUpdateSchema = z.strictObject({
  prompt: z.string().min(1).max(MAX_PROMPT_LENGTH),
})
export type SubagentUpdateInput = z.input<typeof subagentUpdateSchema>

/** Filters of `runtime.subagents.list()`. */
export const subagentListSchema = z.strictObject({
  type: z.enum(['custom', 'prebuilt']).optional(),
  limit,
  offset,
})
export type SubagentListQuery = z.input<typeof subagentListSchema>

export const taskIdSchema = z.string().regex(TASK_ID, 'not a valid task id')
export const subagentIdSchema = z.string().regex(SUBAGENT_ID, 'not a valid subagent id')
