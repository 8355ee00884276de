import type { CredentialSource } from './credential.js'

/**
 * What a capability's `run` receives besides its input. Later parts of the runtime (credentials,
 * execution memory, an instrumented fetch) add fields here; capabilities only read what they need.
 */
export interface ToolContext {
  /** Aborted when the task is cancelled, times out, or the call passes its own timeout. */
  readonly signal: AbortSignal
  /** The task this call belongs to. */
  readonly task_id: string
  /** The end user the task acts for, or null when the task has none. */
  readonly user_id: string | null
  /** `test` when the task runs in the test environment: side effects must not reach live services. */
  readonly mode: 'live' | 'test'
  /**
   * Stable for this call: the same on every retry, after a resume and after crash recovery. Pass it
   * to services that deduplicate requests (an `Idempotency-Key` header, say), so a call repeated
   * after a crash does not act twice.
   */
  readonly idempotencyKey: string
  /** Adds a human-readable note to this call's trace step. */
  note(text: string): void
  /** Credentials for the task's end user. Adapters fall back to environment variables without it. */
  readonly credentials?: CredentialSource
  /** The fetch adapters use for HTTP calls (instrumented by the runtime). Defaults to global `fetch`. */
  readonly fetch?: typeof globalThis.fetch
  /**
   * Declares a secret this call sends (a key or token read from the environment, say): the runtime
   * removes it, and its URL-encoded forms, from errors, traces, events and results. Credentials from
   * `credentials` are declared already.
   */
  readonly secret?: (value: string) => void
}
