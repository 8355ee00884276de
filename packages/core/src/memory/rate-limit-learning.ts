import type { ToolError } from '@inboard/tools'
import { EPOCH_THRESHOLD, parseRetryAfter, readRateLimit } from '@inboard/tools/internal'
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

const positive = (value: number | undefined): number | undefined =>
  value !== undefined && value > 0 ? value : undefined

/** A tool error's evidence headers as `Headers`, for the readers @inboard/tools writes once. */
const asHeaders = (headers: Record<string, unknown>): Headers => {
  const out = new Headers()
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue
    try {
      out.set(name, String(value))
    } catch {
      // A name or value no HTTP response could carry (a tool wrote its own details): not evidence.
    }
  }
  return out
}

/**
 * Rounds a window to whole seconds (upstream windows are 1 s, 10 s, 60 s…, never 9.83 s); the
 * estimate is off by up to a second either way (Retry-After is whole seconds), and an estimate
 * that proves short is corrected by the next 429.
 */
const wholeSeconds = (ms: number): number => Math.max(1_000, Math.round(ms / 1_000) * 1_000)

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
  const policy = { limit: Number(match[1]), windowMs: Math.round(Number(match[2]) * 1_000) }
  return usableLimit(policy) ? policy : undefined
}

/** What one response's `X-RateLimit-*` headers say; `reset` in epoch seconds. */
export interface AnnouncedLimit {
  limit: number
  remaining: number | undefined
  reset: number | undefined
}

/**
 * The limit a response's headers announce (`X-RateLimit-Limit`, `-Remaining`, `-Reset`, read by
 * @inboard/tools' `readRateLimit`), if any; a reset given as a delay rather than a moment is left out.
 */
export function announcedLimit(headers: Headers): AnnouncedLimit | undefined {
  const announced = readRateLimit(headers)
  if (announced?.limit === undefined || announced.limit < 1) return undefined
  const { reset } = announced
  return {
    limit: Math.floor(announced.limit),
    remaining: announced.remaining,
    reset: reset !== undefined && reset >= EPOCH_THRESHOLD ? reset : undefined,
  }
}

/**
 * The window of a fixed-window limit, seen from two responses: when the reset moment moves on and
 * the remaining count does not fall, a window ended, and it lasted the distance between the two
 * reset moments (a multiple of it, if no request fell in the windows between — so the smallest
 * distance seen wins). Undefined when the two responses do not show a rollover (a sliding window
 * moves its reset moment while the remaining count keeps falling).
 */
export function rolloverWindow(previous: AnnouncedLimit, next: AnnouncedLimit): number | undefined {
  if (
    previous.reset === undefined ||
    next.reset === undefined ||
    previous.remaining === undefined ||
    next.remaining === undefined
  )
    return undefined
  if (next.reset <= previous.reset || next.remaining < previous.remaining) return undefined
  return Math.round(next.reset - previous.reset) * 1_000
}

/**
 * Works out the upstream's limit from a `rate_limited` error: the limit from `X-RateLimit-Limit`
 * (or a `RateLimit-Policy`), the window from the policy or, failing that, from when the requests
 * now in the window started (the window ends when `Retry-After` says, and began with the request
 * `limit` places before this one). Without a limit header, the requests we got through before the
 * 429 are the limit. A 429 while already paced at the same limit means the window is longer than
 * estimated: it grows by the wait the upstream asked for. Returns null when the error says too little.
 */
export function observeLimit(
  error: ToolError,
  recent: readonly number[],
  { now, paced }: { now: number; paced?: PaceLimit | undefined },
): ObservedLimit | null {
  const observed = estimate(error, recent, now)
  if (!observed || !paced || observed.limit !== paced.limit || observed.windowMs > paced.windowMs) return observed
  const waitMs = error.retryAfterMs ?? 1_000
  return {
    ...observed,
    windowMs: paced.windowMs + wholeSeconds(waitMs),
    evidence: { ...observed.evidence, paced_window_ms: paced.windowMs },
  }
}

function estimate(error: ToolError, recent: readonly number[], now: number): ObservedLimit | null {
  const headers = errorHeaders(error)
  const status = error.details?.status
  const evidence: Record<string, unknown> = { status: typeof status === 'number' ? status : 429 }
  for (const name of [
    'retry-after',
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'ratelimit-limit',
    'ratelimit-policy',
    'x-ratelimit-policy',
  ]) {
    if (headers[name] !== undefined) evidence[name] = headers[name]
  }
  const policy = policyHeader(headers)
  if (policy) return { ...policy, evidence }
  const waitMs = error.retryAfterMs ?? parseRetryAfter(headerOf(headers, 'retry-after') ?? null, now) ?? 0
  if (waitMs <= 0) return null
  const resetAt = now + waitMs
  const limit = positive(readRateLimit(asHeaders(headers), now)?.limit)
  // `recent` ends with the request that was refused.
  const before = recent.length - 1
  if (limit !== undefined) {
    const first = recent[before - limit]
    const windowMs = first === undefined ? wholeSeconds(waitMs) : wholeSeconds(resetAt - first)
    return usableLimit({ limit: Math.floor(limit), windowMs }) ? { limit: Math.floor(limit), windowMs, evidence } : null
  }
  if (before <= 0) return null
  const windowMs = wholeSeconds(resetAt - recent[Math.max(0, before - 1_000)]!)
  const through = recent.filter((at, index) => index < before && at > resetAt - windowMs).length
  return through > 0 ? { limit: through, windowMs, evidence: { ...evidence, estimated_from_requests: through } } : null
}

/** A limit a pacer can enforce: at least one request in a positive, finite window. */
export function usableLimit(limit: PaceLimit): boolean {
  return Number.isFinite(limit.limit) && limit.limit >= 1 && Number.isFinite(limit.windowMs) && limit.windowMs > 0
}

/** `100/10s` */
export function formatLimit(limit: PaceLimit): string {
  const seconds = limit.windowMs / 1_000
  return `${limit.limit}/${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`
}
