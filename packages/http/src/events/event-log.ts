import type { Clock, RuntimeEvent } from '@inboard/core'
import type { ResolvedEventStreamOptions } from './events-options.js'

/** One event as kept and sent: serialised once, shared by every stream. */
export interface LoggedEvent {
  id: number
  type: RuntimeEvent['type']
  taskId: string
  at: number
  /** The SSE frame (`id:`, `event:`, `data:`), ready to write. */
  frame: string
  bytes: number
}

export type LogListener = (event: LoggedEvent) => void

/**
 * The handler's recent events in arrival order, bounded by count, bytes and age (oldest out
 * first), plus the live listeners. `follow` replays and registers in one synchronous step, so a
 * stream neither misses nor repeats an event arriving in between.
 */
export class EventLog {
  readonly #events: LoggedEvent[] = []
  /** Index of the oldest kept event in #events; the array is compacted now and then. */
  #head = 0
  #bytes = 0
  #nextId = 1
  readonly #listeners = new Set<LogListener>()
  readonly #clock: Clock
  readonly #limits: Pick<ResolvedEventStreamOptions, 'maxEvents' | 'maxBytes' | 'maxAgeMs'>

  constructor(clock: Clock, limits: Pick<ResolvedEventStreamOptions, 'maxEvents' | 'maxBytes' | 'maxAgeMs'>) {
    this.#clock = clock
    this.#limits = limits
  }

  append(event: RuntimeEvent): void {
    const id = this.#nextId++
    const frame = `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
    const logged: LoggedEvent = {
      id,
      type: event.type,
      taskId: event.task_id,
      at: this.#clock.now(),
      frame,
      bytes: Buffer.byteLength(frame),
    }
    this.#events.push(logged)
    this.#bytes += logged.bytes
    this.#trim(logged.at)
    for (const listener of this.#listeners) listener(logged)
  }

  /** Kept events after `afterId` that `select` accepts, and a listener for the ones to come. */
  follow(
    afterId: number,
    select: (event: LoggedEvent) => boolean,
    listener: LogListener,
  ): { replay: LoggedEvent[]; stop: () => void } {
    this.#trim(this.#clock.now())
    const replay: LoggedEvent[] = []
    for (let i = this.#head; i < this.#events.length; i++) {
      const event = this.#events[i]!
      if (event.id > afterId && select(event)) replay.push(event)
    }
    this.#listeners.add(listener)
    return { replay, stop: () => this.#listeners.delete(listener) }
  }

  /** The id of the newest event logged (0 before the first): a stream following from it replays nothing. */
  get newestId(): number {
    return this.#nextId - 1
  }

  /** The oldest id still kept (or the next id when empty): a Last-Event-ID below it has lost events. */
  get oldestId(): number {
    return this.#events[this.#head]?.id ?? this.#nextId
  }

  get size(): number {
    return this.#events.length - this.#head
  }

  #trim(now: number): void {
    const { maxEvents, maxBytes, maxAgeMs } = this.#limits
    while (this.#head < this.#events.length) {
      const oldest = this.#events[this.#head]!
      if (this.size <= maxEvents && this.#bytes <= maxBytes && now - oldest.at <= maxAgeMs) break
      this.#bytes -= oldest.bytes
      this.#events[this.#head++] = undefined as unknown as LoggedEvent
    }
    // Compact once the dead prefix is as long as the live part: amortised O(1) per event.
    if (this.#head > 1_024 && this.#head * 2 > this.#events.length) {
      this.#events.splice(0, this.#head)
      this.#head = 0
    }
  }
}
