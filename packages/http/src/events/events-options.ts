/** Options of the live event streams (`GET /v1/events`, `GET /v1/tasks/:id/events`). */
export interface EventStreamOptions {
  /**
   * What the server keeps for `Last-Event-ID` replay and late per-task history: one log for the
   * whole handler, trimmed from the oldest event whenever any bound is passed.
   */
  retention?: {
    /** Events kept. @default 10_000 */
    maxEvents?: number
    /** Bytes of serialised events kept. @default 8_388_608 (8 MB) */
    maxBytes?: number
    /** Milliseconds an event is kept. @default 300_000 (5 minutes) */
    maxAgeMs?: number
  }
  /** Streams one API key may hold open at once; more get 429. @default 20 */
  maxStreamsPerKey?: number
  /** A stream whose client has this many unread bytes queued is closed. @default 262_144 (256 KB) */
  maxBufferBytes?: number
  /** Milliseconds between heartbeat comments on an idle stream. @default 15_000 */
  heartbeatMs?: number
}

export interface ResolvedEventStreamOptions {
  maxEvents: number
  maxBytes: number
  maxAgeMs: number
  maxStreamsPerKey: number
  maxBufferBytes: number
  heartbeatMs: number
}

export function resolveEventStreamOptions(options: EventStreamOptions = {}): ResolvedEventStreamOptions {
  return {
    maxEvents: options.retention?.maxEvents ?? 10_000,
    maxBytes: options.retention?.maxBytes ?? 8_388_608,
    maxAgeMs: options.retention?.maxAgeMs ?? 300_000,
    maxStreamsPerKey: options.maxStreamsPerKey ?? 20,
    maxBufferBytes: options.maxBufferBytes ?? 262_144,
    heartbeatMs: options.heartbeatMs ?? 15_000,
  }
}
