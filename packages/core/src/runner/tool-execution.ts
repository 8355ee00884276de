import { ToolError, toToolError, type CapabilitySpec, type ToolContext } from '@inboard/tools'
import pRetry from 'p-retry'
import { sleep, type Clock } from '../clock.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import { RunSignal } from './run-signal.js'
import { withSignal } from './signal-property.js'

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
  /** The task's run signal: cancelling or timing out the task aborts the call. */
  signal: RunSignal
  /** Wraps each attempt (attempt middleware). */
  wrapAttempt?: ((next: () => Promise<unknown>) => Promise<unknown>) | undefined
  /** Called before each retry with the error and the delay chosen. */
  onRetry?: (error: ToolError, attempt: number, delayMs: number) => void
  random?: () => number
  /** Secrets the call sends (`ctx.secret` adds to them); scrubbed from each attempt's error before anyone sees it. */
  secrets?: SecretScrubber | undefined
}

/** What a call's `ctx` is built from, besides its signal. */
export interface CallContext {
  task_id: string
  user_id: string | null
  mode: 'live' | 'test'
  idempotencyKey: string
  note: (text: string) => void
  /** Fields middleware adds (credentials, fetch). */
  extras: Partial<Pick<ToolContext, 'credentials' | 'fetch'>>
}

/** Exponential backoff with full jitter, floored at the upstream's own `Retry-After`. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  { error, random }: { error: ToolError; random: () => number },
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1))
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2)
  return Math.max(jittered, error.retryAfterMs ?? 0)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function'
}

/**
 * One attempt, bounded by the call timeout and the task's run signal. Settles exactly once: with
 * the capability's outcome, a timeout, or the task stopping — whichever comes first.
 */
function attempt(
  run: CapabilitySpec['run'],
  input: unknown,
  { context, options }: { context: CallContext; options: CallOptions },
): Promise<unknown> {
  const { clock, signal: task, timeoutMs } = options
  const call = new RunSignal()
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      clock.clearTimeout(timer)
      unsubscribe()
      return true
    }
    const timer = clock.setTimeout(() => {
      const error = new ToolError('timeout', `The call did not finish within ${timeoutMs} ms`)
      if (settle()) reject(error)
      call.abort(error)
    }, timeoutMs)
    const unsubscribe = task.onAbort((reason) => {
      if (settle())
        reject(
          new ToolError('timeout', 'The task was stopped while the call ran', { recoverable: false, cause: reason }),
        )
      call.abort(reason)
    })
    const ctx: ToolContext = withSignal(
      {
        task_id: context.task_id,
        user_id: context.user_id,
        mode: context.mode,
        idempotencyKey: context.idempotencyKey,
        note: context.note,
        secret: (value: string) => options.secrets?.add(value),
        ...context.extras,
      },
      call,
    )
    const onValue = (value: unknown): void => {
      if (settle()) resolve(value)
    }
    const onError = (error: unknown): void => {
      if (settle()) reject(error)
    }
    try {
      const running = options.wrapAttempt
        ? options.wrapAttempt(() => Promise.resolve(run(input as never, ctx)))
        : run(input, ctx)
      if (isThenable(running)) running.then(onValue, onError)
      else onValue(running)
    } catch (error) {
      onError(error)
    }
  })
}

async function attemptOrThrow(
  spec: Pick<CapabilitySpec, 'run'>,
  { input, context, options }: { input: () => unknown; context: CallContext; options: CallOptions },
): Promise<unknown> {
  try {
    return await attempt(spec.run, input(), { context, options })
  } catch (thrown) {
    // An upstream that echoes its request puts the call's key or token in the error: it goes no further.
    const error = toToolError(thrown)
    throw options.secrets === undefined ? error : options.secrets.scrubError(error)
  }
}

/** Reports a retry and waits its delay on the runtime's clock. */
async function pause(
  options: CallOptions,
  error: ToolError,
  { attemptNumber, random }: { attemptNumber: number; random: () => number },
): Promise<void> {
  const delay = backoffDelay(options.policy, attemptNumber, { error, random })
  options.onRetry?.(error, attemptNumber, delay)
  await sleep(options.clock, delay, options.signal.signal)
}

/**
 * Runs a capability with a per-attempt timeout and retries of `transient`, `timeout` and
 * `rate_limited` failures. The first attempt runs directly (most calls succeed, and setting up
 * p-retry for them was a measurable cost); retries run through p-retry, with the delays themselves
 * on the runtime's clock so tests can advance time. Rejects with a {@link ToolError}.
 */
export async function callCapability(
  spec: Pick<CapabilitySpec, 'run'>,
  { input, context, options }: { input: () => unknown; context: CallContext; options: CallOptions },
): Promise<unknown> {
  if (options.signal.aborted)
    throw new ToolError('timeout', 'The task was stopped before the call', { recoverable: false })
  const random = options.random ?? Math.random
  try {
    return await attemptOrThrow(spec, { input, context, options })
  } catch (thrown) {
    const first = thrown as ToolError
    if (!first.retryable || options.policy.retries === 0 || options.signal.aborted) throw first
    await pause(options, first, { attemptNumber: 1, random })
  }
  try {
    return await pRetry(() => attemptOrThrow(spec, { input, context, options }), {
      retries: options.policy.retries - 1,
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      signal: options.signal.signal,
      shouldRetry: ({ error }) => (error as ToolError).retryable && !options.signal.aborted,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const failure = error as ToolError
        if (!failure.retryable || retriesLeft === 0 || options.signal.aborted) return
        await pause(options, failure, { attemptNumber: attemptNumber + 1, random })
      },
    })
  } catch (thrown) {
    throw toToolError(thrown)
  }
}
