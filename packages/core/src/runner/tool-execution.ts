import { ToolError, toToolError, type CapabilitySpec, type ToolContext } from '@inboard/tools'
import pRetry from 'p-retry'
import { sleep, type Clock } from '../clock.js'

/** How calls are retried and timed out. */
export interface RetryPolicy {
  /** Retries after the first attempt for `transient`, `timeout` and `rate_limited` errors. */
  retries: number
  /** First backoff delay in milliseconds; doubles per attempt, with full jitter. */
  minDelayMs: number
  /** Longest backoff delay in milliseconds (a longer `Retry-After` is still honoured). */
  maxDelayMs: number
}

export interface CallOptions {
  clock: Clock
  policy: RetryPolicy
  timeoutMs: number
  /** The task's signal: cancelling or timing out the task aborts the call. */
  signal: AbortSignal
  /** Called before each retry with the error and the delay chosen. */
  onRetry?: (error: ToolError, attempt: number, delayMs: number) => void
  random?: () => number
}

/** Exponential backoff with full jitter, floored at the upstream's own `Retry-After`. */
export function backoffDelay(policy: RetryPolicy, attempt: number, error: ToolError, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1))
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2)
  return Math.max(jittered, error.retryAfterMs ?? 0)
}

/** One attempt, bounded by the call timeout and the task's signal. */
async function attempt<I>(
  run: (input: I, ctx: ToolContext) => unknown,
  input: I,
  context: Omit<ToolContext, 'signal'>,
  options: CallOptions,
): Promise<unknown> {
  const controller = new AbortController()
  const { clock, signal, timeoutMs } = options
  let timer: unknown
  let onAbort: (() => void) | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = new ToolError('timeout', `The call did not finish within ${timeoutMs} ms`)
      controller.abort(error)
      reject(error)
    }, timeoutMs)
    onAbort = () => {
      controller.abort(signal.reason)
      reject(new ToolError('timeout', 'The task was stopped while the call ran', { recoverable: false, cause: signal.reason }))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const ctx: ToolContext = { ...context, signal: controller.signal }
    return await Promise.race([run(input, ctx), guard])
  } finally {
    clock.clearTimeout(timer)
    signal.removeEventListener('abort', onAbort!)
  }
}

/**
 * Runs a capability with retries (p-retry; the delays themselves run on the runtime's clock so
 * tests can advance time) and a per-attempt timeout. Rejects with a {@link ToolError}.
 */
export async function callCapability(
  spec: Pick<CapabilitySpec, 'run'>,
  input: unknown,
  context: Omit<ToolContext, 'signal'>,
  options: CallOptions,
): Promise<unknown> {
  if (options.signal.aborted) throw new ToolError('timeout', 'The task was stopped before the call', { recoverable: false })
  const random = options.random ?? Math.random
  try {
    return await pRetry(
      async () => {
        try {
          return await attempt(spec.run, input, context, options)
        } catch (thrown) {
          throw toToolError(thrown)
        }
      },
      {
        retries: options.policy.retries,
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        signal: options.signal,
        shouldRetry: ({ error }) => (error as ToolError).retryable && !options.signal.aborted,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const failure = error as ToolError
          if (!failure.retryable || retriesLeft === 0 || options.signal.aborted) return
          const delay = backoffDelay(options.policy, attemptNumber, failure, random)
          options.onRetry?.(failure, attemptNumber, delay)
          await sleep(options.clock, delay, options.signal)
        },
      },
    )
  } catch (thrown) {
    throw toToolError(thrown)
  }
}
