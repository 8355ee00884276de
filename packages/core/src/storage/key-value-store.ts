/**
 * A small key-value store: where execution memory and end users' credentials live. Its shape is
 * the subset of Keyv's that Inboard uses, so a `Keyv` instance (with any keyv adapter) satisfies it
 * as it is. Values are JSON-compatible; an implementation may serialise them.
 */
export interface KeyValueStore {
  /** The value under `key`, or undefined when there is none or it expired. */
  get<T = unknown>(key: string): Promise<T | undefined>
  /** Stores `value` under `key`, replacing any; with `ttlMs` it expires that many milliseconds later. */
  set(key: string, value: unknown, ttlMs?: number): Promise<unknown>
  /** Removes `key`; resolves true when something was removed. */
  delete(key: string): Promise<boolean>
  /** Removes every key of this store. */
  clear?(): Promise<void>
}
