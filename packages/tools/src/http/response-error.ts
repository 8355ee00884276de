import { ToolError } from '../tool-error.js'
import { MAX_RETRY_AFTER_MS, parseRetryAfter, readRateLimit } from './rate-limit-headers.js'
import { insufficientScopes, parseWwwAuthenticate } from './www-authenticate.js'

/** What the caller knows about the request that failed. */
export interface FailedRequest {
  readonly method: string
  /** The URL with secrets (query API keys) already redacted. */
  readonly url: string
  /** Whether a token or key was sent. */
  readonly tokenSent: boolean
}

const EVIDENCE_HEADERS = [
  'retry-after',
  'www-authenticate',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]
const MAX_BODY = 2_000

/**
 * Maps a non-2xx response to the ToolError the runtime acts on: 401 → `auth_token_expired` when a
 * token was sent, else `auth_required`; 403 with an `insufficient_scope` challenge → `insufficient_scope`;
 * 404 → `not_found`; 429 and 503 → `rate_limited` with `retryAfterMs`; other 5xx → `transient`; any
 * other status → `upstream_error`, not recoverable. `details` keeps the status, the evidence headers,
 * the rate-limit counters and the body for traces and execution memory.
 */
export async function responseToToolError(
  response: Response,
  request: FailedRequest,
  now: number = Date.now(),
): Promise<ToolError> {
  const status = response.status
  const text = await readText(response)
  const body = parseMaybeJson(text)
  const headers: Record<string, string> = {}
  for (const name of EVIDENCE_HEADERS) {
    const value = response.headers.get(name)
    if (value !== null) headers[name] = value
  }
  const rateLimit = readRateLimit(response.headers, now)
  const details: Record<string, unknown> = { status, method: request.method, url: request.url, headers }
  if (rateLimit) details.rate_limit = rateLimit
  if (body !== undefined) details.body = body
  const upstream = upstreamMessage(body)
  const message = (summary: string): string =>
    `${summary} (${request.method} ${request.url} → ${status}${upstream ? `: ${upstream}` : ''})`
  const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate'))
  const scopes = insufficientScopes(challenge)

  if (scopes !== undefined && (status === 401 || status === 403)) {
    return new ToolError('insufficient_scope', message('The token lacks a required scope'), {
      scopes,
      details,
      suggestion:
        scopes.length > 0
          ? `Ask the user to grant: ${scopes.join(', ')}.`
          : 'Ask the user to grant the missing scopes.',
    })
  }
  if (status === 401) {
    return request.tokenSent
      ? new ToolError('auth_token_expired', message('The upstream rejected the credentials'), {
          details,
          suggestion: 'Refresh the token or reconnect the account.',
        })
      : new ToolError('auth_required', message('The upstream requires authentication'), {
          details,
          suggestion: 'Configure credentials for this tool.',
        })
  }
  if (status === 404) return new ToolError('not_found', message('Not found'), { details })
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now) ?? untilReset(rateLimit, now)
    return new ToolError('rate_limited', message(status === 429 ? 'Rate limited' : 'The upstream is unavailable'), {
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      suggestion: 'Wait and retry, pacing calls under the upstream limit.',
    })
  }
  if (status >= 500) return new ToolError('transient', message('The upstream failed'), { details })
  return new ToolError('upstream_error', message('The upstream refused the request'), { details, recoverable: false })
}

function untilReset(rateLimit: ReturnType<typeof readRateLimit>, now: number): number | undefined {
  if (rateLimit?.reset_at === undefined) return undefined
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Date.parse(rateLimit.reset_at) - now))
}

async function readText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, MAX_BODY)
  } catch {
    return ''
  }
}

function parseMaybeJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Pulls a human message out of common error body shapes. */
function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 200)
  if (typeof body !== 'object' || body === null) return undefined
  const record = body as Record<string, unknown>
  const error = record.error
  for (const candidate of [
    record.message,
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>).message : error,
    record.error_description,
    record.detail,
    record.reason,
  ]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate.slice(0, 200)
  }
  return undefined
}
