import { EventEmitter } from 'eventemitter3'
import type { Task, TraceStep } from './task/task-types.js'

interface TaskEventBase<T extends string> {
  type: T
  task_id: string
  /** ISO-8601 time of the event on the runtime's clock. */
  timestamp: string
  /** The task as it is after the change. */
  task: Task
}

interface StepEventBase<T extends string> {
  type: T
  task_id: string
  timestamp: string
  step: TraceStep
}

/** Every event the runtime emits, as one discriminated union on `type`. */
export type RuntimeEvent =
  | TaskEventBase<'task.created'>
  | TaskEventBase<'task.running'>
  | TaskEventBase<'task.waiting'>
  | TaskEventBase<'task.complete'>
  | TaskEventBase<'task.failed'>
  | TaskEventBase<'task.cancelled'>
  | (TaskEventBase<'task.progress'> & { step: TraceStep })
  | StepEventBase<'step.started'>
  | StepEventBase<'step.complete'>
  | StepEventBase<'step.failed'>

export type RuntimeEventType = RuntimeEvent['type']

/** The event of a given type. */
export type RuntimeEventOf<T extends RuntimeEventType> = Extract<RuntimeEvent, { type: T }>

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void

const ANY = '*'

/** Events that came from another process, so that each is acted on (a webhook sent) by its own process only. */
const REMOTE = new WeakSet<RuntimeEvent>()

/**
 * True for an event that another process emitted and this runtime only passed on (with a queue,
 * `runtime.on` and `runtime.subscribe` hear about every process's tasks). A listener that must act
 * once per event across the fleet, such as a webhook sender, skips these.
 */
export function isRemoteEvent(event: RuntimeEvent): boolean {
  return REMOTE.has(event)
}

/** Typed events over eventemitter3; payloads are built only when someone listens. */
export class EventBus {
  readonly #emitter = new EventEmitter()
  readonly #onListenerError: (error: unknown, event: RuntimeEvent) => void

  constructor(onListenerError: (error: unknown, event: RuntimeEvent) => void) {
    this.#onListenerError = onListenerError
  }

  /** Listener counts per channel, read on every emit: cheaper than asking the emitter. */
  readonly #counts = new Map<string, number>()

  on<T extends RuntimeEventType>(type: T, listener: (event: RuntimeEventOf<T>) => void): Unsubscribe {
    return this.#add(type, listener as (event: RuntimeEvent) => void)
  }

  subscribe(listener: (event: RuntimeEvent) => void): Unsubscribe {
    return this.#add(ANY, listener)
  }

  /** True when `emit(type, …)` would reach anyone. */
  wants(type: RuntimeEventType): boolean {
    return this.#counts.size > 0 && (this.#counts.has(type) || this.#counts.has(ANY))
  }

  #add(channel: string, listener: (event: RuntimeEvent) => void): Unsubscribe {
    this.#emitter.on(channel, listener)
    this.#counts.set(channel, (this.#counts.get(channel) ?? 0) + 1)
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      this.#emitter.off(channel, listener)
      const left = (this.#counts.get(channel) ?? 1) - 1
      if (left === 0) this.#counts.delete(channel)
      else this.#counts.set(channel, left)
    }
  }

  /**
   * Emits the event `build()` returns. A throwing listener must not break the task that emitted,
   * so listener errors go to the runtime's `onListenerError` instead of propagating.
   */
  emit(type: RuntimeEventType, build: () => RuntimeEvent, stored?: Promise<unknown>): void {
    const relay = this.relay
    if (relay === null && !this.wants(type)) return
    const event = build()
    relay?.(event, stored)
    this.#deliver(event)
  }

  /** Delivers an event another process emitted to this process's listeners (it is not relayed again). */
  deliver(event: RuntimeEvent): void {
    REMOTE.add(event)
    if (this.wants(event.type)) this.#deliver(event)
  }

  /**
   * With a queue, every event is also handed here to be sent to the other processes; `stored`
   * settles once the change the event reports is stored, so that nobody hears of it earlier.
   */
  relay: ((event: RuntimeEvent, stored: Promise<unknown> | undefined) => void) | null = null

  #deliver(event: RuntimeEvent): void {
    for (const channel of [event.type, ANY]) {
      for (const listener of this.#emitter.listeners(channel) as Array<(event: RuntimeEvent) => void>) {
        try {
          listener(event)
        } catch (error) {
          this.#onListenerError(error, event)
        }
      }
    }
  }

  removeAll(): void {
    this.#emitter.removeAllListeners()
    this.#counts.clear()
  }
}
