/** How the planner retries a model request that failed for a reason that may pass. */
export interface ModelRetryOptions {
  /**
   * Retries after the first attempt.
   * @default 3
   */
  retries?: number
  /**
   * Delay before the first retry, doubled for each next one (with jitter), when the provider does
   * not say how long to wait.
   * @default 500
   */
  baseDelayMs?: number
  /**
   * The longest wait, also for a `Retry-After` the provider sends; a longer one fails the call.
   * @default 30000
   */
  maxDelayMs?: number
}

interface ProviderError {
  statusCode?: unknown
  isRetryable?: unknown
  responseHeaders?: unknown
}

const header = (headers: unknown, name: string): string | undefined => {
  if (typeof headers !== 'object' || headers === null) return undefined
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === name && typeof value === 'string') return value
  return undefined
}

/**
 * Whether a failed model request may succeed if repeated: AI SDK providers throw `APICallError`
 * with `statusCode` and `isRetryable` (408, 409, 429 and 5xx); a timeout of our own is retried too.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { statusCode, isRetryable: flagged } = error as ProviderError
  if (typeof flagged === 'boolean') return flagged
  return typeof statusCode === 'number' && (statusCode === 408 || statusCode === 429 || statusCode >= 500)
}

/** The wait a provider asked for (`retry-after-ms`, `Retry-After` in seconds or as a date), in ms. */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const headers = typeof error === 'object' && error !== null ? (error as ProviderError).responseHeaders : undefined
  const ms = Number(header(headers, 'retry-after-ms'))
  if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined) return ms
  const value = header(headers, 'retry-after')
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Exponential backoff with full jitter in the upper half, so parallel tasks do not retry in step. */
export function backoffMs(attempt: number, options: Required<ModelRetryOptions>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}
