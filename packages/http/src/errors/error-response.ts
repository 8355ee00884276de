import { InboardError, type InboardErrorCode } from '@inboard/core'
import { HTTP_STATUS } from './http-status.js'
import { jsonResponse } from '../request/json-response.js'

/** The wire envelope of an error: `{ error: { code, message, param? } }`. */
export interface ErrorBody {
  error: { code: InboardErrorCode; message: string; param?: string }
}

/** Answers with the error envelope and the status mapped from the code. */
export function errorResponse(error: InboardError, headers?: Record<string, string>): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message } }
  if (error.param !== undefined) body.error.param = error.param
  return jsonResponse(HTTP_STATUS[error.code], body, { headers })
}

/** Shorthand for an error response from a code and a message. */
export function errorOf(code: InboardErrorCode, message: string, headers?: Record<string, string>): Response {
  return errorResponse(new InboardError(code, message), headers)
}
