import Keyv from 'keyv'
import { InboardError } from '../../errors/inboard-error.js'
import type { Storage } from '../storage.js'
import { MemoryIdempotencyStorage } from './memory-idempotency-storage.js'
import { MemoryOutboxStorage } from './memory-outbox-storage.js'
import { MemorySubagentStorage } from './memory-subagent-storage.js'
import { MemoryTaskStorage } from './memory-task-storage.js'

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * The most Idempotency-Key records kept per scope (account and environment). Past it that
   * scope's oldest completed records are forgotten first (a retry with their key then runs again),
   * then its oldest in progress; other scopes' records are never touched. @default 10_000
   */
  maxIdempotencyRecords?: number
}

/**
 * Everything in this process's memory: the default storage of `createRuntime`, for library use and
 * tests. Nothing survives the process; use `@inboard/sqlite` or `@inboard/postgres` to keep tasks.
 * Two runtimes given the same object share it, like two processes sharing a database.
 *
 * @example
 * const storage = memoryStorage()
 * const runtime = createRuntime({ storage })
 */
export function memoryStorage(options: MemoryStorageOptions = {}): Storage {
  const max = options.maxIdempotencyRecords ?? 10_000
  if (!Number.isInteger(max) || max <= 0) {
    throw new InboardError(
      'invalid_request',
      `maxIdempotencyRecords must be a positive integer, got ${String(options.maxIdempotencyRecords)}`,
      { param: 'maxIdempotencyRecords' },
    )
  }
  return {
    tasks: new MemoryTaskStorage(),
    subagents: new MemorySubagentStorage(),
    memory: new Keyv(),
    credentials: new Keyv(),
    idempotency: new MemoryIdempotencyStorage(max),
    outbox: new MemoryOutboxStorage(),
    open: async () => undefined,
    close: async () => undefined,
  }
}
