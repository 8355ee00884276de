import { TOOL_ERROR_CODES, ToolError } from './tool-error.js'

/**
 * Every code an Inboard error can carry. `docs/errors.md` lists them with their meaning, HTTP
 * status and whether retrying helps; `@inboard/http` maps each to a status exhaustively. The list
 * and the class live here, in the package every other one builds on, so that tools, core and http
 * throw the same class; `@inboard/core` re-exports both.
 */
export const INBOARD_ERROR_CODES = [
  // Request and lookup errors
  'invalid_request',
  'prompt_too_long',
  'task_not_found',
  'subagent_not_found',
  'subagent_already_exists',
  'subagent_read_only',
  'task_already_complete',
  'task_not_waiting',
  'input_not_requested',
  'runtime_closed',
  'internal_error',
  // Storage
  'storage_unavailable',
  'storage_version_unsupported',
  'storage_conflict',
  // Queue (createRuntime({ queue }))
  'queue_unavailable',
  // HTTP surface
  'missing_api_key',
  'invalid_api_key',
  'rate_limit_exceeded',
  'too_many_auth_failures',
  'idempotency_key_reused',
  'idempotency_key_in_use',
  'live_mode_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'route_not_found',
  'method_not_allowed',
  // Task failures decided by the runtime
  'task_timeout',
  'max_steps_exceeded',
  'capability_not_allowed',
  'invalid_tool_input',
  'approval_denied',
  'planner_error',
  'model_result_invalid',
  'no_capability_matched',
  'user_required',
  'result_too_large',
  // End-user auth (runtime.auth)
  'service_not_configured',
  'oauth_state_invalid',
  'oauth_consent_denied',
  'oauth_exchange_failed',
  'credential_unreadable',
  // Task failures reported by tools (@inboard/tools writes them)
  ...TOOL_ERROR_CODES,
] as const

export type InboardErrorCode = (typeof INBOARD_ERROR_CODES)[number]

export interface InboardErrorOptions {
  /** The tool involved, when a tool call caused the error. */
  tool?: string | null
  /** Whether retrying, possibly after a user action, is likely to work. */
  recoverable?: boolean
  /** One sentence telling the caller what to do next. */
  suggestion?: string | null
  /** The offending field for validation errors, as a dotted path. */
  param?: string
  cause?: unknown
}

/** The `error` object of a failed task, as it appears in-process and on the wire. */
export interface TaskError {
  code: InboardErrorCode
  message: string
  tool: string | null
  recoverable: boolean
  suggestion: string | null
}

/**
 * The one error class of Inboard. Every public method rejects with it, a configuration mistake (an
 * option out of range, a malformed tool definition) throws it with `invalid_request` and `param`,
 * and anything else thrown inside the runtime is normalised by {@link toInboardError} at the boundary.
 *
 * @example
 * try { await runtime.tasks.cancel(id) } catch (err) {
 *   if (err instanceof InboardError && err.code === 'task_already_complete') { … }
 * }
 */
export class InboardError extends Error {
  override readonly name: string = 'InboardError'
  readonly code: InboardErrorCode
  readonly tool: string | null
  readonly recoverable: boolean
  readonly suggestion: string | null
  readonly param: string | undefined

  constructor(code: InboardErrorCode, message: string, options: InboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.tool = options.tool ?? null
    this.recoverable = options.recoverable ?? false
    this.suggestion = options.suggestion ?? null
    this.param = options.param
  }

  /** The wire shape used in a failed task's `error` field. */
  toTaskError(): TaskError {
    return {
      code: this.code,
      message: this.message,
      tool: this.tool,
      recoverable: this.recoverable,
      suggestion: this.suggestion,
    }
  }
}

/** Normalises anything thrown (tool errors, foreign errors, strings) into an {@link InboardError}. */
export function toInboardError(thrown: unknown, tool: string | null = null): InboardError {
  if (thrown instanceof InboardError) return thrown
  if (thrown instanceof ToolError) {
    return new InboardError(thrown.code, thrown.message, {
      tool,
      recoverable: thrown.recoverable,
      suggestion: thrown.suggestion ?? null,
      cause: thrown,
    })
  }
  const message = thrown instanceof Error ? thrown.message : typeof thrown === 'string' ? thrown : 'Unknown error'
  return new InboardError('internal_error', message || 'Unknown error', { tool, cause: thrown })
}
