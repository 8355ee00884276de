// Handler
export { createHandler } from './create-handler.js'
export type { HandlerConnection, InboardHandler } from './create-handler.js'
export type { HandlerOptions } from './handler-options.js'
export type { AuthFailureOptions } from './limits/auth-failure-throttle.js'

// API keys
export { keyDigest } from './keys/api-key.js'
export type {
  ApiKeyOption,
  PlainApiKeyOption,
  DigestApiKeyOption,
  ApiKeyIdentity,
  ApiKeyEnvironment,
} from './keys/api-key.js'

// Errors
export { HTTP_STATUS } from './errors/http-status.js'
export type { ErrorBody } from './errors/error-response.js'

// Webhooks
export { verifyWebhook } from './webhooks/verify-webhook.js'
export type { VerifyWebhookOptions, VerifyWebhookResult } from './webhooks/verify-webhook.js'
export type {
  WebhookEvent,
  WebhookEventType,
  WebhookFailedData,
  WebhookProgressData,
} from './webhooks/webhook-event.js'
export type { WebhookOptions, WebhookAttemptReport } from './webhooks/webhook-options.js'
export { MAX_ATTEMPTS, DELIVERY_WINDOW_MS, ATTEMPT_TIMEOUT_MS, retryDelay } from './webhooks/retry-schedule.js'

// Live events
export type { EventStreamOptions } from './events/events-options.js'
export { MAX_WAIT_SECONDS } from './wait/with-wait.js'

// OpenAPI
export { createOpenApiDocument } from './openapi/openapi-document.js'
export {
  taskSchema,
  taskListItemSchema,
  traceSchema,
  subagentSchema,
  subagentListItemSchema,
  errorBodySchema,
  pageSchema,
} from './openapi/response-schemas.js'
export { subagentMemorySchema, memoryResetSchema } from './openapi/response-schemas.js'
export { taskCreateBodySchema } from './routes/request-schemas.js'
