import type { Clock, TimerHandle } from '../clock.js'
import type { EventBus, RuntimeEvent, RuntimeEventType } from '../events.js'
import type { Queue, QueueTopic, RateLimit } from '../queue/queue.js'

/** What one process tells the others over the queue. */
type FleetMessage =
  /** An event, sent once the change it reports is stored. */
  | { from: string; kind: 'event'; event: RuntimeEvent }
  /** A rate limit learned here, so that the others pace by it too. */
  | { from: string; kind: 'limit'; key: string; limit: RateLimit }
  /** The optional event types this process's listeners want from the others (none: it stopped listening). */
  | { from: string; kind: 'interest'; types: RuntimeEventType[] }
  /** A process that just joined asks the others to say what they listen to. */
  | { from: string; kind: 'hello' }

/**
 * Events every process needs from the others, so they always travel: `wait()` resolves on them and
 * a task ended elsewhere stops running here. The other types (created, running, progress, steps)
 * only inform listeners, and travel only while some process has a listener for them.
 */
const ALWAYS_SENT: ReadonlySet<RuntimeEventType> = new Set([
  'task.waiting',
  'task.complete',
  'task.failed',
  'task.cancelled',
])

/** A process with listeners says so again this often, and is forgotten after three silent periods (it stopped). */
const INTEREST_MS = 10_000
/**
 * A process that just joined sends everything for this long, until the others have told it what
 * they listen to: they answer its hello at once, so a few round trips are enough; a longer window
 * made every new worker broadcast every step to the whole fleet for its first seconds.
 */
const LEARNING_MS = 500

export interface FleetLinkDeps {
  bus: EventBus
  queue: Queue
  clock: Clock
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
 * Task state changes that `wait()` and cancels need always travel; events that only inform
 * listeners (steps, progress, created, running) travel only to a fleet where some process listens
 * for them, which each process announces over the queue.
 */
export class FleetLink {
  readonly #deps: FleetLinkDeps
  /** Other processes' optional event types, until when each announcement holds. */
  readonly #audience = new Map<string, { types: ReadonlySet<RuntimeEventType>; until: number }>()
  /** What this process last announced (as a key, to announce changes only). */
  #announced = ''
  #timer: TimerHandle = undefined
  #open = false
  /** Until when this process sends every event, not knowing yet what the others listen to. */
  #learningUntil = Number.POSITIVE_INFINITY
  #listening: Promise<void> | null = null
  /** How this process's own messages start (`from` is always the first key), to skip them unparsed. */
  readonly #ownPrefix: string

  constructor(deps: FleetLinkDeps) {
    this.#deps = deps
    this.#ownPrefix = `{"from":${JSON.stringify(deps.origin)},`
    deps.bus.relay = {
      wants: (type) => ALWAYS_SENT.has(type) || this.#audienceWants(type),
      send: (event, stored) => {
        // A cancel must reach whichever process runs the task; the rest only those that listen.
        const topic = event.type === 'task.cancelled' ? 'all' : 'tasks'
        if (stored === undefined) this.#send({ from: deps.origin, kind: 'event', event }, topic)
        else
          void stored.then(
            (outcome) => outcome === 'written' && this.#send({ from: deps.origin, kind: 'event', event }, topic),
          )
      },
    }
    deps.bus.onRemoteTypes = () => {
      if (deps.bus.remoteTypes().length > 0) void this.listen().catch(() => undefined)
      this.#announce(false)
    }
  }

  /**
   * From now on this process hears the other processes' task events (it creates or waits for
   * tasks, or something listens); resolves once it does. Until then it is sent only cancels and
   * what keeps the fleet in step. Once listening, it stays so.
   */
  listen(): Promise<void> {
    // Before the queue is open, start() does it.
    if (!this.#open) return Promise.resolve()
    if (this.#listening === null) {
      const listening = this.#deps.queue.listen?.() ?? Promise.resolve()
      this.#listening = listening
      // A failed subscription is tried again by the next caller.
      listening.catch(() => {
        if (this.#listening === listening) this.#listening = null
      })
    }
    return this.#listening
  }

  /** The queue is open: asks the others what they listen to, says what this process does, and keeps saying it. */
  start(): void {
    this.#open = true
    if (this.#deps.bus.remoteTypes().length > 0) void this.listen().catch(() => undefined)
    this.#learningUntil = this.#deps.clock.now() + LEARNING_MS
    this.#send({ from: this.#deps.origin, kind: 'hello' })
    this.#announce(true)
    const tick = (): void => {
      this.#timer = this.#deps.clock.setTimeout(tick, INTEREST_MS)
      this.#announce(true)
    }
    this.#timer = this.#deps.clock.setTimeout(tick, INTEREST_MS)
  }

  stop(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#open && this.#announced !== '') this.#send({ from: this.#deps.origin, kind: 'interest', types: [] })
    this.#open = false
  }

  /** Tells the other processes about a limit learned here. */
  announceLimit(key: string, limit: RateLimit): void {
    this.#send({ from: this.#deps.origin, kind: 'limit', key, limit })
  }

  /** A message from the queue (ours included, which are skipped). */
  receive(raw: string): void {
    // The queue echoes every message to its sender too: most of a worker's share of the traffic.
    if (raw.startsWith(this.#ownPrefix)) return
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
    else if (message.kind === 'interest') {
      if (message.types.length === 0) this.#audience.delete(message.from)
      else
        this.#audience.set(message.from, {
          types: new Set(message.types),
          until: this.#deps.clock.now() + 3 * INTEREST_MS,
        })
    } else if (message.kind === 'hello') this.#announce(true)
  }

  #audienceWants(type: RuntimeEventType): boolean {
    const now = this.#deps.clock.now()
    if (now < this.#learningUntil) return true
    if (this.#audience.size === 0) return false
    for (const [from, { types, until }] of this.#audience) {
      if (until < now) this.#audience.delete(from)
      else if (types.has(type)) return true
    }
    return false
  }

  /** Announces this process's optional types when they changed (or, with `again`, while there are any). */
  #announce(again: boolean): void {
    if (!this.#open) return
    const types = this.#deps.bus.remoteTypes().filter((type) => !ALWAYS_SENT.has(type))
    const key = types.join()
    if (key === this.#announced && !(again && key !== '')) return
    this.#announced = key
    this.#send({ from: this.#deps.origin, kind: 'interest', types })
  }

  #send(message: FleetMessage, topic: QueueTopic = 'all'): void {
    // Nothing waits on a broadcast: a lost one is covered by wait()'s polling and the stored state.
    this.#deps.queue.publish(JSON.stringify(message), topic).catch(() => undefined)
  }
}
