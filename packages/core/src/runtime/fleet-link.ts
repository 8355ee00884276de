import type { EventBus, RuntimeEvent } from '../events.js'
import type { Queue, RateLimit } from '../queue/queue.js'

/** What one process tells the others over the queue. */
type FleetMessage =
  /** An event, sent once the change it reports is stored. */
  | { from: string; kind: 'event'; event: RuntimeEvent }
  /** A rate limit learned here, so that the others pace by it too. */
  | { from: string; kind: 'limit'; key: string; limit: RateLimit }

export interface FleetLinkDeps {
  bus: EventBus
  queue: Queue
  /** This process's id (its lease owner). */
  origin: string
  /** An event from another process, after the local listeners heard it. */
  heard(event: RuntimeEvent): void
  /** A limit another process learned. */
  learned(key: string, limit: RateLimit): void
}

/**
 * Keeps the processes on one queue in step: relays this process's events to the others (after the
 * change is stored, so a listener that reads the task sees it) and passes theirs to local listeners.
 */
export class FleetLink {
  readonly #deps: FleetLinkDeps

  constructor(deps: FleetLinkDeps) {
    this.#deps = deps
    deps.bus.relay = (event, stored) => {
      if (stored === undefined) this.#send({ from: deps.origin, kind: 'event', event })
      else void stored.then((outcome) => outcome === 'written' && this.#send({ from: deps.origin, kind: 'event', event }))
    }
  }

  /** Tells the other processes about a limit learned here. */
  announceLimit(key: string, limit: RateLimit): void {
    this.#send({ from: this.#deps.origin, kind: 'limit', key, limit })
  }

  /** A message from the queue (ours included, which are skipped). */
  receive(raw: string): void {
    let message: FleetMessage
    try {
      message = JSON.parse(raw) as FleetMessage
    } catch {
      return
    }
    if (message.from === this.#deps.origin) return
    if (message.kind === 'event') {
      this.#deps.bus.deliver(message.event)
      this.#deps.heard(message.event)
    } else if (message.kind === 'limit') this.#deps.learned(message.key, message.limit)
  }

  #send(message: FleetMessage): void {
    // Nothing waits on a broadcast: a lost one is covered by wait()'s polling and the stored state.
    this.#deps.queue.publish(JSON.stringify(message)).catch(() => undefined)
  }
}
