/**
 * Codes a tool may fail with, written once: `ToolErrorCode` and core's `INBOARD_ERROR_CODES` are
 * built from this list. The runtime decides retries and waiting states from them.
 */
export const TOOL_ERROR_CODES = [
  'rate_limited',
  'transient',
  'timeout',
  'auth_required',
  'auth_token_expired',
  'insufficient_scope',
  'invalid_input',
  'invalid_output',
  'not_found',
  'upstream_error',
  'tool_error',
  // The destination is not allowed: a host outside an allowlist, or a private or reserved address.
  'forbidden_destination',
  // An output field was renamed upstream and more than one field could be its new name; memory does not guess.
  'field_mapping_ambiguous',
] as const

/** A code a tool may fail with; see {@link TOOL_ERROR_CODES}. */
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number]

/** Codes that are worth retrying without any change on the caller's side. */
const RETRYABLE: ReadonlySet<ToolErrorCode> = new Set(['rate_limited', 'transient', 'timeout'])

/** Codes a user action (consent, new credentials) can recover from. */
const RECOVERABLE: ReadonlySet<ToolErrorCode> = new Set([
  'rate_limited',
  'transient',
  'timeout',
  'auth_required',
  'auth_token_expired',
  'insufficient_scope',
])

export interface ToolErrorOptions {
  /** Milliseconds the upstream asked us to wait (`Retry-After`), for `rate_limited`. */
  retryAfterMs?: number
  /** Whether retrying the task, possibly after a user action, is likely to work. Defaults per code. */
  recoverable?: boolean
  /** One sentence telling the caller what to do next. */
  suggestion?: string
  /** OAuth scopes the upstream asked for, for `insufficient_scope`. */
  scopes?: readonly string[]
  /** Structured facts about the failure (status code, headers) for traces and execution memory. */
  details?: Readonly<Record<string, unknown>>
  cause?: unknown
}

/**
 * The one error type tools throw. Anything else a tool throws is normalised into it by
 * {@link toToolError}, so the runtime only ever sees these codes.
 *
 * @example
 * throw new ToolError('rate_limited', 'CRM answered 429', { retryAfterMs: 2_000 })
 */
export class ToolError extends Error {
  override readonly name = 'ToolError'
  readonly code: ToolErrorCode
  readonly retryAfterMs: number | undefined
  readonly recoverable: boolean
  readonly suggestion: string | undefined
  readonly scopes: readonly string[] | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: ToolErrorCode, message: string, options: ToolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retryAfterMs = options.retryAfterMs
    this.recoverable = options.recoverable ?? RECOVERABLE.has(code)
    this.suggestion = options.suggestion
    this.scopes = options.scopes
    this.details = options.details
  }

  /** True for codes the runtime retries on its own (`rate_limited`, `transient`, `timeout`). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code)
  }
}

/** Normalises anything thrown by a tool (strings, foreign errors, aborts) into a {@link ToolError}. */
export function toToolError(thrown: unknown): ToolError {
  if (thrown instanceof ToolError) return thrown
  if (thrown instanceof Error) {
    if (thrown.name === 'AbortError' || thrown.name === 'TimeoutError') {
      return new ToolError('timeout', thrown.message || 'The call was aborted', { cause: thrown })
    }
    return new ToolError('tool_error', thrown.message || thrown.name, { cause: thrown, recoverable: false })
  }
  const message = typeof thrown === 'string' ? thrown : 'The tool failed without an error message'
  return new ToolError('tool_error', message, { cause: thrown, recoverable: false })
}
