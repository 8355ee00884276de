import type { RetryPolicy } from '../runner/tool-execution.js'

/** What memory knows about one transient failure code of a capability. */
export interface RetryFact {
  code: string
  /** Calls that hit the code. */
  seen: number
  /** Of those, calls a retry recovered. */
  recovered: number
  /** Average time from the first failure to the attempt that succeeded, in milliseconds. */
  recovery_ms: number
  /** Most retries a recovery needed. */
  attempts: number
}

/** Codes whose recoveries are learned (rate limits follow `Retry-After` and the pacer instead). */
export const LEARNED_CODES: ReadonlySet<string> = new Set(['transient', 'timeout'])

/** Folds one call's outcome into a fact. */
export function observeRetry(
  fact: RetryFact | undefined,
  code: string,
  outcome: { recovered: boolean; afterMs: number; retries: number },
): RetryFact {
  const seen = (fact?.seen ?? 0) + 1
  if (!outcome.recovered)
    return {
      code,
      seen,
      recovered: fact?.recovered ?? 0,
      recovery_ms: fact?.recovery_ms ?? 0,
      attempts: fact?.attempts ?? 0,
    }
  const recovered = (fact?.recovered ?? 0) + 1
  const recovery = Math.round(((fact?.recovery_ms ?? 0) * (recovered - 1) + outcome.afterMs) / recovered)
  return { code, seen, recovered, recovery_ms: recovery, attempts: Math.max(fact?.attempts ?? 0, outcome.retries) }
}

/**
 * Tunes a call's retry policy from what recovered it before: the first retry waits about as long
 * as recoveries took (instead of several short retries into the same outage), and there are at
 * least as many retries as the longest recovery needed. Returns whether anything changed.
 */
export function tunePolicy(policy: RetryPolicy, fact: RetryFact): boolean {
  if (fact.recovered === 0) return false
  const minDelayMs = Math.min(policy.maxDelayMs, Math.max(policy.minDelayMs, fact.recovery_ms))
  const retries = Math.max(policy.retries, Math.min(10, fact.attempts))
  if (minDelayMs === policy.minDelayMs && retries === policy.retries) return false
  policy.minDelayMs = minDelayMs
  policy.retries = retries
  return true
}
