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
 * once per event across the fleet, such as a webhook sender, skips these (or listens with
 * `{ remote: false }`).
 */
export function isRemoteEvent(event: RuntimeEvent): boolean {
  return REMOTE.has(event)
}

/** How a listener listens. */
export interface ListenOptions {
  /**
   * With a queue, also hear the events of tasks that other processes run. A listener that only
   * cares about this process's own tasks (a webhook sender, a span exporter) passes `false`, and
   * the other processes then need not send it what it would skip. @default true
   */
  remote?: boolean
}

/** Sends this process's events to the other processes on the queue. */
export interface EventRelay {
  /** True when some other process listens for events of this type. */
  wants(type: RuntimeEventType): boolean
  /** `stored` settles once the change the event reports is stored, so that nobody hears of it earlier. */
  send(event: RuntimeEvent, stored: Promise<unknown> | undefined): void
}

/** Every event type, for listeners on all of them. */
export const EVENT_TYPES: readonly RuntimeEventType[] = [
  'task.created',
  'task.running',
  'task.waiting',
  'task.complete',
  'task.failed',
  'task.cancelled',
  'task.progress',
  'step.started',
  'step.complete',
  'step.failed',
]

/** Typed events over eventemitter3; payloads are built only when someone listens. */
export class EventBus {
  readonly #emitter = new EventEmitter()
  readonly #onListenerError: (error: unknown, event: RuntimeEvent) => void

  constructor(onListenerError: (error: unknown, event: RuntimeEvent) => void) {
    this.#onListenerError = onListenerError
  }

  /** Listener counts per channel, read on every emit: cheaper than asking the emitter. */
  readonly #counts = new Map<string, number>()
  /** The same, of listeners that also hear other processes' events. */
  readonly #remoteCounts = new Map<string, number>()

  on<T extends RuntimeEventType>(
    type: T,
    listener: (event: RuntimeEventOf<T>) => void,
    options: ListenOptions = {},
  ): Unsubscribe {
    return this.#add(type, listener as (event: RuntimeEvent) => void, options.remote !== false)
  }

  subscribe(listener: (event: RuntimeEvent) => void, options: ListenOptions = {}): Unsubscribe {
    return this.#add(ANY, listener, options.remote !== false)
  }

  /** True when `emit(type, …)` would reach anyone. */
  wants(type: RuntimeEventType): boolean {
    return this.#counts.size > 0 && (this.#counts.has(type) || this.#counts.has(ANY))
  }

  /** The event types some listener here wants to hear from other processes too. */
  remoteTypes(): RuntimeEventType[] {
    if (this.#remoteCounts.has(ANY)) return [...EVENT_TYPES]
    return EVENT_TYPES.filter((type) => this.#remoteCounts.has(type))
  }

  /** Called when {@link EventBus.remoteTypes} may have changed (a remote listener came or went). */
  onRemoteTypes: (() => void) | null = null

  #add(channel: string, listener: (event: RuntimeEvent) => void, remote: boolean): Unsubscribe {
    const handler = remote ? listener : (event: RuntimeEvent): void => void (REMOTE.has(event) || listener(event))
    this.#emitter.on(channel, handler)
    count(this.#counts, channel, 1)
    if (remote && count(this.#remoteCounts, channel, 1) === 1) this.onRemoteTypes?.()
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      this.#emitter.off(channel, handler)
      count(this.#counts, channel, -1)
      if (remote && count(this.#remoteCounts, channel, -1) === 0) this.onRemoteTypes?.()
    }
  }

  /**
   * Emits the event `build()` returns. A throwing listener must not break the task that emitted,
   * so listener errors go to the runtime's `onListenerError` instead of propagating.
   */
  emit(type: RuntimeEventType, build: () => RuntimeEvent, stored?: Promise<unknown>): void {
    const relaying = this.relay?.wants(type) === true
    if (!relaying && !this.wants(type)) return
    const event = build()
    if (relaying) this.relay!.send(event, stored)
    this.#deliver(event)
  }

  /** Delivers an event another process emitted to this process's listeners (it is not relayed again). */
  deliver(event: RuntimeEvent): void {
    REMOTE.add(event)
    if (this.#remoteCounts.has(event.type) || this.#remoteCounts.has(ANY)) this.#deliver(event)
  }

  /** With a queue, the link that sends this process's events to the others. */
  relay: EventRelay | null = null

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
    this.#remoteCounts.clear()
    this.onRemoteTypes?.()
  }
}

/** Adds `by` to a channel's count (dropping it at 0); returns the new count. */
function count(counts: Map<string, number>, channel: string, by: number): number {
  const next = (counts.get(channel) ?? 0) + by
  if (next <= 0) counts.delete(channel)
  else counts.set(channel, next)
  return next
}

/** The event that announces a task entering each status: `running` → `task.running`, `pending` → `task.created`. */
export const TASK_EVENT_OF_STATUS: Readonly<Record<Task['status'], RuntimeEventType>> = {
  pending: 'task.created',
  running: 'task.running',
  waiting: 'task.waiting',
  complete: 'task.complete',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
}
