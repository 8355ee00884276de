// For Inboard's own packages (@inboard/core, @inboard/http…): facts written once here, at the
// bottom of the one-way imports, and shared from here. Not part of the public API: it may change in
// any release without notice.
export { EPOCH_THRESHOLD, MAX_RETRY_AFTER_MS, parseRetryAfter, readRateLimit } from './http/rate-limit-headers.js'
export type { RateLimitInfo } from './http/rate-limit-headers.js'
export { firstIssue, issuesOf } from './zod-issue.js'
export type { IssueAt } from './zod-issue.js'
