import type { IdempotencyStorage } from './idempotency-storage.js'
import type { KeyValueStore } from './key-value-store.js'
import type { OutboxStorage } from './outbox-storage.js'
import type { SubagentStorage } from './subagent-storage.js'
import type { TaskStorage } from './task-storage.js'

/**
 * Everything a runtime persists, behind one object: `createRuntime({ storage })`. The in-memory
 * storage is the default; `@inboard/sqlite` and `@inboard/postgres` keep the same data in a
 * database. Every implementation runs the conformance suite of `@inboard/core/testing`.
 *
 * Lifecycle: the runtime calls `open()` once, before any other method, and `close()` once, when it
 * closes; no method is called after `close()`. Errors are `InboardError` rejections:
 * `storage_unavailable` (cannot open, read or write: locked, read-only, corrupt, unreachable) and
 * `storage_version_unsupported` (the data was written by a newer schema version than this
 * implementation knows).
 */
export interface Storage {
  readonly tasks: TaskStorage
  readonly subagents: SubagentStorage
  /** Execution memory (see docs/memory.md). */
  readonly memory: KeyValueStore
  /** End users' encrypted credentials and pending OAuth consents. */
  readonly credentials: KeyValueStore
  /** Idempotency-Key records of `@inboard/http`. */
  readonly idempotency: IdempotencyStorage
  /** The webhook outbox of `@inboard/http`. */
  readonly outbox: OutboxStorage
  /**
   * Each task's own webhook endpoint (`webhook_url` of `@inboard/http`), kept where every process
   * on the storage reads it. Optional: without it, only the process that created a task knows its
   * route (enough for one process; `@inboard/postgres` has it for many).
   */
  readonly webhookRoutes?: KeyValueStore
  /**
   * Connects, creates or migrates the schema to this implementation's version, and resolves when
   * the storage is usable. Idempotent: a second call resolves the same way without migrating
   * again. Refuses data from a newer schema with `storage_version_unsupported`.
   */
  open(): Promise<void>
  /** Flushes and releases connections and file handles. Idempotent. */
  close(): Promise<void>
}
