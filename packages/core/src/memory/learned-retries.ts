import type { ToolError } from '@inboard/tools'
import { scopeOf, since, type MemoryCall } from './memory-call.js'
import { LEARNED_CODES, observeRetry, tunePolicy } from './retry-learning.js'

/** Tunes the call's retry policy from the recoveries learned for its capability. */
export function applyRetryPolicy({ memory, site, state }: MemoryCall): void {
  for (const code of LEARNED_CODES) {
    const fact = memory.find(state.key, 'retry_pattern', { capability: site.capability, key: code })
    if (fact && tunePolicy(site.policy, fact.value)) {
      memory.used(fact)
      site.note(
        `retry policy from learned ${code} recoveries: first retry after ≤${site.policy.minDelayMs} ms, up to ${site.policy.retries} retries (${since(fact.provenance.task_id)})`,
      )
    }
  }
}

/** Whether a failure starts or continues a retry streak memory learns from. */
export function isLearnedRetry(error: ToolError): boolean {
  return LEARNED_CODES.has(error.code) && error.retryable
}

/** Counts a failed attempt in the call's retry streak. */
export function noteRetryFailure({ memory, state }: MemoryCall, error: ToolError): void {
  state.failedAt ??= memory.clock.now()
  state.failedCode = error.code
  state.retries++
}

/**
 * Learns how a retry streak ended and starts a new one. `recoveredAt`: when the attempt that
 * succeeded started (the outage lasted at most until then).
 */
export function learnRecovery(
  { memory, site, state }: MemoryCall,
  { recovered, recoveredAt = memory.clock.now() }: { recovered: boolean; recoveredAt?: number | undefined },
): void {
  if (state.failedCode === null || state.failedAt === null) return
  const fact = memory.find(state.key, 'retry_pattern', { capability: site.capability, key: state.failedCode })
  const afterMs = recoveredAt - state.failedAt
  const value = observeRetry(fact?.value, state.failedCode, { recovered, afterMs, retries: state.retries })
  memory.learn(scopeOf(site), 'retry_pattern', {
    capability: site.capability,
    key: state.failedCode,
    value,
    taskId: site.task.id,
    evidence: { code: state.failedCode, retries: state.retries, recovered, after_ms: afterMs },
  })
  state.failedAt = null
  state.failedCode = null
  state.retries = 0
}

/** Whether a final failure ends a streak memory was following. */
export function endsRetryStreak({ state }: MemoryCall, error: ToolError): boolean {
  return state.failedCode !== null && LEARNED_CODES.has(error.code)
}
