import type { Clock } from '@inboard/core'
import type { EventStreamOptions } from './events/events-options.js'
import type { ApiKeyIdentity, ApiKeyOption } from './keys/api-key.js'
import type { AuthFailureOptions } from './limits/auth-failure-throttle.js'
import type { WebhookOptions } from './webhooks/webhook-options.js'

/**
 * Options of {@link createHandler}. Idempotency-Key records and the webhook outbox live in the
 * runtime's storage (`createRuntime({ storage })`), so they survive a restart with it.
 */
export interface HandlerOptions {
  /** Path prefix of every route. @default '/v1' */
  prefix?: string
  /** API keys accepted as `Authorization: Bearer <key>`; kept only as SHA-256 digests. @default [] */
  keys?: readonly ApiKeyOption[]
  /**
   * Resolves a bearer token the `keys` list does not know (a database lookup, say). Return null for
   * an unknown or revoked key. @default none
   */
  authenticate?: (token: string) => ApiKeyIdentity | null | Promise<ApiKeyIdentity | null>
  rateLimit?: {
    /** Requests per minute per API key, unless the key sets its own. @default 100 */
    requestsPerMinute?: number
  }
  /**
   * Throttles key guessing: a client address that sends more unknown, revoked or malformed keys than
   * `maxFailures` within `windowMs` gets 429 `too_many_auth_failures` (with `Retry-After`) for every
   * request, whatever its key, until the window ends. The address comes from the mount (`node:http`,
   * Express, Fastify, Hono on Node); a handler called without one is not throttled.
   * @default { maxFailures: 10, windowMs: 60000 }
   */
  authFailures?: AuthFailureOptions
  /** Largest request body in bytes. @default 1_048_576 (1 MB) */
  maxBodyBytes?: number
  /** Webhook endpoint, secret and delivery settings. @default no default endpoint, no signing */
  webhooks?: WebhookOptions
  /** Live event streams (Server-Sent Events): retention for replay, per-key caps, buffers, heartbeats. @default see EventStreamOptions */
  events?: EventStreamOptions
  /** Clock for rate-limit windows, idempotency expiry and webhook retries. @default the runtime's clock */
  clock?: Clock
  /**
   * Serves a dashboard at `/dashboard`: tasks updating live, traces as waterfalls, waiting tasks'
   * actions, subagents and their memory. The page holds no privilege: the user pastes an API key
   * into it and it calls this REST API with that key. Enable it in development or behind your
   * app's own authentication. @default false
   */
  dashboard?: boolean
  /** Called with anything unexpected a route throws (the client gets a 500). @default logs to stderr */
  onError?: (error: unknown) => void
}

export const DEFAULT_PREFIX = '/v1'
export const DEFAULT_REQUESTS_PER_MINUTE = 100
export const DEFAULT_MAX_BODY_BYTES = 1_048_576
