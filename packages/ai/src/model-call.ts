import type { PlannerContext } from '@inboard/core'
import { readAnswer, type ModelAnswer } from './model-response.js'
import { backoffMs, isRetryable, retryAfterMs, type ModelRetryOptions } from './model-retry.js'
import type { LanguageModel, ModelCallOptions } from './model-types.js'

export interface ModelCallSettings {
  retry: Required<ModelRetryOptions>
  timeoutMs: number
}

/** Thrown when a model request timed out (retried like a 5xx). */
class ModelTimeoutError extends Error {
  override readonly name = 'ModelTimeoutError'
  readonly isRetryable = true
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

const describe = (error: unknown): string => {
  const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined
  const message = error instanceof Error ? error.message : String(error)
  return `${typeof status === 'number' ? `${status} ` : ''}${message}`.slice(0, 300)
}

/**
 * One model request as the planner makes it: recorded as a `model` trace step per attempt (model
 * id, duration, tokens), aborted when the task is cancelled or ends, limited to `timeoutMs`, and
 * retried with backoff on 429, 5xx and timeouts, waiting as long as `Retry-After` asks.
 */
export async function callModel(model: LanguageModel, request: Omit<ModelCallOptions, 'abortSignal'>, context: PlannerContext, settings: ModelCallSettings): Promise<ModelAnswer> {
  const modelId = `${model.provider}/${model.modelId}`
  for (let attempt = 0; ; attempt++) {
    const step = context.modelCall?.('generate', modelId)
    const timeout = new AbortController()
    const timer = setTimeout(() => timeout.abort(new ModelTimeoutError(`The model did not answer within ${settings.timeoutMs} ms`)), settings.timeoutMs)
    const abortSignal = AbortSignal.any([context.signal, timeout.signal])
    try {
      const answer = readAnswer(await model.doGenerate({ ...request, abortSignal }))
      step?.end({ status: 'complete', usage: answer.usage, note: `finish ${answer.finishReason}` })
      return answer
    } catch (thrown) {
      const error = timeout.signal.aborted && !context.signal.aborted ? (timeout.signal.reason as Error) : thrown
      if (context.signal.aborted) {
        step?.end({ status: 'failed', note: 'aborted: the task stopped' })
        throw context.signal.reason ?? error
      }
      const wait = attempt < settings.retry.retries && isRetryable(error) ? (retryAfterMs(error, Date.now()) ?? backoffMs(attempt, settings.retry)) : undefined
      if (wait === undefined || wait > settings.retry.maxDelayMs) {
        step?.end({ status: 'failed', note: describe(error) })
        throw error
      }
      step?.end({ status: 'failed', note: `${describe(error)}; retrying in ${Math.round(wait)} ms` })
      await sleep(wait, context.signal)
    } finally {
      clearTimeout(timer)
    }
  }
}
