import type { ToolError } from '@inboard/tools'
import type { PaceLimit } from './pacer.js'

/** A limit read from a 429 and the evidence it was read from. */
export interface ObservedLimit extends PaceLimit {
  evidence: Record<string, unknown>
}

const headerOf = (headers: Record<string, unknown>, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = headers[name]
    if (typeof value === 'string' || typeof value === 'number') return String(value)
  }
  return undefined
}

const positive = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined
  const value = Number(raw.trim())
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/** Rounds a window up to whole seconds (upstream windows are 1 s, 10 s, 60 s…, never 9.83 s). */
const wholeSeconds = (ms: number): number => Math.max(1_000, Math.ceil(ms / 1_000 - 0.05) * 1_000)

/** Lower-cased headers from a tool error's details. */
export function errorHeaders(error: ToolError): Record<string, unknown> {
  const raw = error.details?.headers
  if (typeof raw !== 'object' || raw === null) return {}
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(raw)) out[name.toLowerCase()] = value
  return out
}

/** Reads `RateLimit-Policy: 100;w=10` (IETF draft) when present. */
function policyHeader(headers: Record<string, unknown>): PaceLimit | undefined {
  const raw = headerOf(headers, 'ratelimit-policy', 'x-ratelimit-policy')
  const match = raw === undefined ? null : /(\d+)\s*;\s*w=(\d+(?:\.\d+)?)/.exec(raw)
  if (!match) return undefined
  return { limit: Number(match[1]), windowMs: Math.round(Number(match[2]) * 1_000) }
}

/** The limit a successful response's headers announce (`X-RateLimit-Limit`), if any. */
export function announcedLimit(headers: Headers): number | undefined {
  return positive(headers.get('x-ratelimit-limit') ?? headers.get('ratelimit-limit') ?? undefined)
}

/**
 * Works out the upstream's limit from a `rate_limited` error: the limit from `X-RateLimit-Limit`
 * (or a `RateLimit-Policy`), the window from the policy or, failing that, from when the requests
 * now in the window started (the window ends when `Retry-After` says, and began with the request
 * `limit` places before this one). Without a limit header, the requests we got through before the
 * 429 are the limit. Returns null when the error says too little.
 */
export function observeLimit(error: ToolError, recent: readonly number[], now: number): ObservedLimit | null {
  const headers = errorHeaders(error)
  const status = error.details?.status
  const evidence: Record<string, unknown> = { status: typeof status === 'number' ? status : 429 }
  for (const name of ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit-limit', 'ratelimit-policy', 'x-ratelimit-policy']) {
    if (headers[name] !== undefined) evidence[name] = headers[name]
  }
  const policy = policyHeader(headers)
  if (policy) return { ...policy, evidence }
  const waitMs = error.retryAfterMs ?? (positive(headerOf(headers, 'retry-after')) ?? 0) * 1_000
  if (waitMs <= 0) return null
  const resetAt = now + waitMs
  const limit = positive(headerOf(headers, 'x-ratelimit-limit', 'ratelimit-limit'))
  // `recent` ends with the request that was refused.
  const before = recent.length - 1
  if (limit !== undefined) {
    const first = recent[before - limit]
    const windowMs = first === undefined ? wholeSeconds(waitMs) : wholeSeconds(resetAt - first)
    return { limit: Math.floor(limit), windowMs, evidence }
  }
  if (before <= 0) return null
  const windowMs = wholeSeconds(resetAt - recent[Math.max(0, before - 1_000)]!)
  const through = recent.filter((at, index) => index < before && at > resetAt - windowMs).length
  return through > 0 ? { limit: through, windowMs, evidence: { ...evidence, estimated_from_requests: through } } : null
}

/** `100/10s` */
export function formatLimit(limit: PaceLimit): string {
  const seconds = limit.windowMs / 1_000
  return `${limit.limit}/${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`
}
