import type { Clock } from '../clock.js'
import type { EventBus } from '../events.js'
import type { CallMiddleware } from '../runner/call-middleware.js'
import type { RuntimeErrorHandler } from '../runtime/runtime-options.js'
import { otelApi } from './otel-api.js'
import { TaskSpans } from './task-spans.js'
import type { TelemetryOptions } from './telemetry-options.js'

/**
 * Starts emitting spans for the runtime's tasks (see {@link TelemetryOptions}); returns the call
 * middleware to put outermost, or nothing when telemetry is off or `@opentelemetry/api` is absent.
 */
export function createTelemetry(options: TelemetryOptions | false | undefined, deps: { clock: Clock; bus: EventBus; onError: RuntimeErrorHandler }): CallMiddleware[] {
  const { clock, bus } = deps
  const api = otelApi()
  if (options === false || api === null) return []
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
  for (const type of TaskSpans.EVENT_TYPES) bus.on(type, (event) => spans.onEvent(event), { remote: false })
  return [spans.middleware]
}
