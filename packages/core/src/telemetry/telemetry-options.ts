import type { Tracer } from '@opentelemetry/api'

/**
 * OpenTelemetry spans for tasks, planner decisions, model calls and capability calls, named after
 * the GenAI semantic conventions. Spans go through `@opentelemetry/api` (an optional peer
 * dependency): with no SDK registered they cost next to nothing and go nowhere.
 */
export interface TelemetryOptions {
  /** Where spans start. @default trace.getTracer('@inboard/core') from @opentelemetry/api */
  tracer?: Tracer
  /**
   * Records prompts, results, capability inputs and outputs on spans. They may hold personal data,
   * so they stay off unless asked for. Credentials are never recorded. @default false
   */
  recordContent?: boolean
  /** Told when creating or ending a span throws (a broken exporter, say); tasks go on. @default passes the first failure to the runtime's `onError` */
  onError?: (error: unknown) => void
}
