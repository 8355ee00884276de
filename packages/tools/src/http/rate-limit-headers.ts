/** What `X-RateLimit-*` (or IETF `RateLimit-*`) response headers said. */
export interface RateLimitInfo {
  limit?: number
  remaining?: number
  /** The raw reset value: Unix epoch seconds, or seconds from now when it is small. */
  reset?: number
  /** The reset moment as an ISO-8601 UTC timestamp. */
  reset_at?: string
}

/** Values above this are epoch seconds; below it, a delay in seconds (both conventions are common). */
export const EPOCH_THRESHOLD = 1_000_000_000

/** The longest wait a header can ask for (24 h): a bogus value must not park a call for years. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000
/** The range of a JavaScript Date, in milliseconds either side of the epoch. */
const MAX_DATE_MS = 8.64e15

/**
 * Milliseconds to wait from a `Retry-After` header, given as delay-seconds or as an HTTP date, at
 * most {@link MAX_RETRY_AFTER_MS}. Undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000
    return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.round(ms)) : MAX_RETRY_AFTER_MS
  }
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now))
}

/** Reads rate-limit headers; undefined when the response carries none. */
export function readRateLimit(headers: Headers, now: number = Date.now()): RateLimitInfo | undefined {
  const read = (name: string): number | undefined => {
    const raw = headers.get(`x-ratelimit-${name}`) ?? headers.get(`ratelimit-${name}`)
    if (raw === null) return undefined
    const value = Number(raw.trim())
    return Number.isFinite(value) ? value : undefined
  }
  const info: RateLimitInfo = {}
  const limit = read('limit')
  const remaining = read('remaining')
  const reset = read('reset')
  if (limit !== undefined) info.limit = limit
  if (remaining !== undefined) info.remaining = remaining
  if (reset !== undefined) {
    info.reset = reset
    const at = reset >= EPOCH_THRESHOLD ? reset * 1000 : now + reset * 1000
    // A huge or garbled reset keeps its raw value but gets no timestamp (toISOString would throw).
    if (Number.isFinite(at) && Math.abs(at) <= MAX_DATE_MS) info.reset_at = new Date(at).toISOString()
  }
  return Object.keys(info).length === 0 ? undefined : info
}
