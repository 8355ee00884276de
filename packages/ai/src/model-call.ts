import type { PlannerContext } from '@inboard/core'
import { readAnswer, type ModelAnswer } from './model-response.js'
import { backoffMs, isRetryable, retryAfterMs, type ModelRetryOptions } from './model-retry.js'
import type { LanguageModel, ModelCallOptions } from './model-types.js'
import type { RequestDeadlines } from './request-deadlines.js'

export interface ModelCallSettings {
  /** `provider/modelId`, as traces name the model. */
  modelId: string
  retry: Required<ModelRetryOptions>
  timeoutMs: number
  /** The planner's watch over its requests' time limits. */
  deadlines: RequestDeadlines
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
  const status =
    typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined
  const message = error instanceof Error ? error.message : String(error)
  return `${typeof status === 'number' ? `${status} ` : ''}${message}`.slice(0, 300)
}

/**
 * The signal of one task run's model requests: one controller for all of them, replaced after a
 * timeout aborted it, linked to the task once per run. A controller and a listener per request,
 * and the task's own AbortSignal, were a measurable share of a decision's cost on Node 20.
 */
export interface RunRequests {
  controller: AbortController | null
  /** Set when the task's run stopped (cancelled, timed out, ended), with the reason. */
  stopped: { reason: unknown } | null
  linked: boolean
}

/** Hears, once per run, when the task's run stops: `run.stopped` is set and the controller aborted. */
function link(run: RunRequests, context: PlannerContext): void {
  if (run.linked) return
  run.linked = true
  const stop = (reason: unknown): void => {
    run.stopped = { reason }
    run.controller?.abort(reason)
  }
  // Not AbortSignal.any, nor the task's signal when the runtime offers onAbort: on Node 20 their
  // weak references and the extra AbortSignal cost more CPU and GC than the request handling.
  if (context.onAbort) context.onAbort(stop)
  else if (context.signal.aborted) stop(context.signal.reason)
  else context.signal.addEventListener('abort', () => stop(context.signal.reason), { once: true })
}

function controllerFor(run: RunRequests, context: PlannerContext): AbortController {
  link(run, context)
  if (run.controller && !run.controller.signal.aborted) return run.controller
  const controller = new AbortController()
  run.controller = controller
  if (run.stopped) controller.abort(run.stopped.reason)
  return controller
}

const CONTROLLER = Symbol('request controller')

function readAbortSignal(this: { [CONTROLLER]: () => AbortController }): AbortSignal {
  return this[CONTROLLER]().signal
}

/** The one accessor every request's options share. */
const ABORT_SIGNAL: PropertyDescriptor = { get: readAbortSignal, enumerable: true, configurable: true }

/**
 * The request's options with an enumerable `abortSignal` that makes the signal when the model
 * first reads it (a provider passes it to fetch; a wrapper that copies the options reads it too).
 * One getter shared by every request, not one written in an object literal: V8 makes a new
 * function and hidden class for each of those, and its young-generation collector keeps what the
 * getter reaches (the task's run and context) until a full collection, copied and promoted for
 * every request.
 */
function withAbortSignal(
  options: Omit<ModelCallOptions, 'abortSignal'>,
  controllerOf: () => AbortController,
): ModelCallOptions {
  Object.defineProperty(options, CONTROLLER, { value: controllerOf })
  Object.defineProperty(options, 'abortSignal', ABORT_SIGNAL)
  return options as ModelCallOptions
}

/**
 * One model request as the planner makes it: recorded as a `model` trace step per attempt (model
 * id, duration, tokens), aborted when the task is cancelled or ends, limited to `timeoutMs`, and
 * retried with backoff on 429, 5xx and timeouts, waiting as long as `Retry-After` asks.
 */
export async function callModel(
  call: { model: LanguageModel; request: Omit<ModelCallOptions, 'abortSignal'>; run: RunRequests },
  context: PlannerContext,
  settings: ModelCallSettings,
): Promise<ModelAnswer> {
  const { model, request, run } = call
  for (let attempt = 0; ; attempt++) {
    const step = context.modelCall?.('generate', settings.modelId)
    link(run, context)
    // The request's signal is made when the model first reads it (a provider passes it to fetch), as
    // core's RunSignal does: on Node 20 an AbortSignal is a measurable share of a request's cost,
    // and a model that never reads it could not be stopped by it either.
    let controller: AbortController | null = null
    const controllerOf = (): AbortController => (controller ??= controllerFor(run, context))
    let timedOut = false
    const deadline = settings.deadlines.add(settings.timeoutMs, () => {
      timedOut = true
      controllerOf().abort(new ModelTimeoutError(`The model did not answer within ${settings.timeoutMs} ms`))
    })
    try {
      const answer = readAnswer(await model.doGenerate(withAbortSignal({ ...request }, controllerOf)))
      step?.end({ status: 'complete', usage: answer.usage, note: `finish ${answer.finishReason}` })
      return answer
    } catch (thrown) {
      const error = timedOut && run.stopped === null ? (controllerOf().signal.reason as Error) : thrown
      if (run.stopped !== null) {
        step?.end({ status: 'failed', note: 'aborted: the task stopped' })
        throw run.stopped.reason ?? error
      }
      const wait =
        attempt < settings.retry.retries && isRetryable(error)
          ? (retryAfterMs(error, Date.now()) ?? backoffMs(attempt, settings.retry))
          : undefined
      if (wait === undefined || wait > settings.retry.maxDelayMs) {
        step?.end({ status: 'failed', note: describe(error) })
        throw error
      }
      step?.end({ status: 'failed', note: `${describe(error)}; retrying in ${Math.round(wait)} ms` })
      await sleep(wait, controllerFor(run, context).signal)
    } finally {
      settings.deadlines.delete(deadline)
    }
  }
}
