import type { InboardErrorCode } from '@inboard/core'

/**
 * The HTTP status of every error code. Exhaustive on purpose: a new core code fails compilation
 * here until it is given a status. Codes that only ever appear inside a failed task's `error` (they
 * never make a request fail) still get the status a proxy would use for them; `docs/http.md` has
 * the table.
 */
export const HTTP_STATUS: Readonly<Record<InboardErrorCode, number>> = {
  // Request and lookup errors
  invalid_request: 400,
  prompt_too_long: 422,
  task_not_found: 404,
  subagent_not_found: 404,
  subagent_already_exists: 409,
  subagent_read_only: 403,
  task_already_complete: 409,
  input_not_requested: 400,
  task_not_waiting: 409,
  runtime_closed: 503,
  internal_error: 500,
  // Storage
  storage_unavailable: 503,
  storage_version_unsupported: 500,
  storage_conflict: 409,
  // Queue
  queue_unavailable: 503,
  // HTTP surface
  missing_api_key: 401,
  invalid_api_key: 401,
  rate_limit_exceeded: 429,
  too_many_auth_failures: 429,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  live_mode_not_allowed: 403,
  unsupported_media_type: 415,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  // Task failures decided by the runtime
  task_timeout: 504,
  max_steps_exceeded: 422,
  capability_not_allowed: 403,
  invalid_tool_input: 422,
  approval_denied: 403,
  planner_error: 500,
  model_result_invalid: 500,
  no_capability_matched: 422,
  user_required: 422,
  // End-user auth
  service_not_configured: 404,
  oauth_state_invalid: 400,
  oauth_consent_denied: 403,
  oauth_exchange_failed: 502,
  credential_unreadable: 500,
  // Task failures reported by tools: the upstream service is at fault, as a gateway would say
  rate_limited: 502,
  transient: 502,
  timeout: 504,
  auth_required: 403,
  auth_token_expired: 403,
  insufficient_scope: 403,
  invalid_input: 422,
  result_too_large: 502,
  invalid_output: 502,
  not_found: 502,
  upstream_error: 502,
  tool_error: 502,
  forbidden_destination: 403,
  field_mapping_ambiguous: 502,
}
