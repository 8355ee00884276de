import type { RunSignal } from './run-signal.js'

const SOURCE = Symbol('signal source')

interface SignalHolder {
  [SOURCE]: RunSignal
}

function readSignal(this: SignalHolder): AbortSignal {
  return this[SOURCE].signal
}

/** The one accessor every object given a `signal` shares. */
const SIGNAL: PropertyDescriptor = { get: readSignal, enumerable: true, configurable: true }

/**
 * Gives `target` an enumerable `signal` property that reads `source.signal` when read, so the
 * AbortSignal is made only for whoever uses it. Not a getter written in an object literal: V8 makes
 * a new function and a new hidden class for every such object, and its young-generation collector
 * then keeps everything the getter can reach (the task, its run, the call) until a full
 * collection; copied and promoted for every task, that cost more CPU than running the task. One
 * shared getter keeps one hidden class, and a finished call is collected as soon as it ends.
 */
export function withSignal<T extends object>(target: T, source: RunSignal): T & { readonly signal: AbortSignal } {
  Object.defineProperty(target, SOURCE, { value: source })
  Object.defineProperty(target, 'signal', SIGNAL)
  return target as T & { readonly signal: AbortSignal }
}
