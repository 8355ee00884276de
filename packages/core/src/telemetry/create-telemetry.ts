import type { Clock } from '../clock.js'
import type { EventBus } from '../events.js'
import type { CallMiddleware } from '../runner/call-middleware.js'
import type { RuntimeErrorHandler } from '../runtime/runtime-options.js'
import { otelApi } from './otel-api.js'
import { TaskSpans } from './task-spans.js'
import type { TelemetryOptions } from './telemetry-options.js'

/**
 * Starts emitting spans for the runtime's tasks (see {@link TelemetryOptions}): once the first task
 * span records, its call middleware joins the runtime's `middleware` outermost. Nothing happens
 * when telemetry is off or `@opentelemetry/api` is absent.
 */
export function createTelemetry(
  options: TelemetryOptions | false | undefined,
  deps: { clock: Clock; bus: EventBus; onError: RuntimeErrorHandler; middleware: CallMiddleware[] },
): void {
  const { clock, bus } = deps
  const api = otelApi()
  if (options === false || api === null) return
  let reported = false
  const spans = new TaskSpans({
    api,
    tracer: options?.tracer ?? api.trace.getTracer('@inboard/core'),
    clock,
    recordContent: options?.recordContent ?? false,
    onError:
      options?.onError ??
      ((error) => {
        if (reported) return
        reported = true
        deps.onError(error, { message: 'telemetry failed; spans may be missing (tasks are unaffected)' })
      }),
  })
  // The other events, and the calls, are heard from the first recorded task span on: with no
  // tracer provider registered (the API alone), spans are never recorded, and listening would make
  // the bus build every step and task event's payload, and every call go through one more layer,
  // for nothing.
  let listening = false
  bus.on(
    'task.created',
    (event) => {
      spans.onEvent(event)
      if (listening || !spans.recorded) return
      listening = true
      for (const type of TaskSpans.EVENT_TYPES)
        if (type !== 'task.created') bus.on(type, (later) => spans.onEvent(later), { remote: false })
      deps.middleware.unshift(spans.middleware)
    },
    { remote: false },
  )
}
