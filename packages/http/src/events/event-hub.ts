import {
  InboardError,
  TASK_EVENT_OF_STATUS,
  type Clock,
  type Runtime,
  type RuntimeEvent,
  type Task,
  type TimerHandle,
} from '@inboard/core'
import { EventAccess } from './event-access.js'
import { EventLog, type LoggedEvent } from './event-log.js'
import type { ResolvedEventStreamOptions } from './events-options.js'
import { SseStream } from './sse-stream.js'

const TERMINAL = new Set<RuntimeEvent['type']>(['task.complete', 'task.failed', 'task.cancelled'])

/** Events waiting for one stream's client to read: a replay, then what arrives meanwhile. */
interface Backlog {
  events: LoggedEvent[]
  /** Index of the next event to send. */
  next: number
  /** Bytes not yet sent. */
  bytes: number
  /** Called once everything is sent: later events go straight out. */
  caughtUp(): void
}

/** Sends one stream's events in order (see EventHub#deliverer). */
interface Deliverer {
  /** Sends or skips the event now (true), or queues it behind an ownership lookup (false). */
  deliver(event: LoggedEvent): boolean
  /** Resolves once no event waits behind a lookup. */
  settled(): Promise<void>
}

/** What one stream shows. */
export interface StreamRequest {
  /** The caller's rate-limit identity: open streams are counted per key. */
  key: string
  /** The runtime scope (`account:environment`) whose tasks the stream may show. */
  scope: string
  /** Replay kept events after this id (the `Last-Event-ID` header). */
  afterId: number | null
  /** Only these event types; null for all. */
  types: ReadonlySet<string> | null
  /** One task's events: the stream starts with its history and ends after its terminal event. */
  task: Task | null
  /** For the all-events stream: only this task's events. */
  taskId: string | null
}

/**
 * Fans runtime events out to Server-Sent Events streams: one bounded log for replay, per-key caps
 * on open streams, one heartbeat timer for all of them, and per-stream bounded buffers.
 */
export class EventHub {
  readonly #log: EventLog
  readonly #access: EventAccess
  readonly #clock: Clock
  readonly #options: ResolvedEventStreamOptions
  readonly #openPerKey = new Map<string, number>()
  readonly #streams = new Set<SseStream>()
  readonly #runtime: Runtime
  #unsubscribe: (() => void) | null = null
  #heartbeat: { handle: TimerHandle } | null = null

  constructor(runtime: Runtime, clock: Clock, options: ResolvedEventStreamOptions) {
    this.#clock = clock
    this.#options = options
    this.#log = new EventLog(clock, options)
    this.#access = new EventAccess(runtime)
    this.#runtime = runtime
  }

  /** Task-ownership verdicts remembered right now (see {@link EventAccess}). */
  get verdicts(): number {
    return this.#access.size
  }

  /** Open streams right now. */
  get openStreams(): number {
    return this.#streams.size
  }

  /** Opens a stream or throws 429 when the key already holds its maximum. */
  open(request: StreamRequest): ReadableStream<Uint8Array> {
    const open = this.#openPerKey.get(request.key) ?? 0
    if (open >= this.#options.maxStreamsPerKey) {
      throw new InboardError(
        'rate_limit_exceeded',
        `This API key already has ${open} event streams open (the maximum); close one first`,
      )
    }
    // Events are logged from the first stream on: a handler nobody streams from serialises nothing.
    this.#unsubscribe ??= this.#runtime.subscribe((event) => {
      this.#log.append(event)
      // Streams that keep up have just sent the task's last event; one still catching up asks again.
      if (TERMINAL.has(event.type)) this.#access.forget(event.task_id)
    })
    this.#openPerKey.set(request.key, open + 1)
    let stop = (): void => undefined
    const stream = new SseStream(this.#options.maxBufferBytes, () => {
      stop()
      this.#streams.delete(stream)
      const left = (this.#openPerKey.get(request.key) ?? 1) - 1
      if (left <= 0) this.#openPerKey.delete(request.key)
      else this.#openPerKey.set(request.key, left)
    })
    this.#streams.add(stream)
    this.#startHeartbeat()
    stream.send('retry: 3000\n: connected\n\n')

    const taskId = request.task?.id ?? request.taskId
    if (request.task) this.#access.grant(request.task.id, request.scope)
    const select = (event: LoggedEvent): boolean =>
      (taskId === null || event.taskId === taskId) && (request.types === null || request.types.has(event.type))
    const deliverer = this.#deliverer(stream, request)
    // Without Last-Event-ID, the all-events stream starts now (as EventSource expects); only a task's
    // own stream replays what is kept of its history. Replaying the whole log to every new client
    // would hand it up to `retention.maxEvents` old events, past its buffer on a busy server.
    const afterId = request.afterId ?? (request.task === null ? this.#log.newestId : 0)
    // The replay goes out as the client reads (see #catchUp); events that arrive meanwhile queue
    // behind it, up to the log's own byte bound.
    let backlog: Backlog | null = null
    const followed = this.#log.follow(afterId, select, (event) => {
      if (!select(event)) return
      if (backlog === null) return void deliverer.deliver(event)
      backlog.events.push(event)
      backlog.bytes += event.bytes
      if (backlog.bytes > this.#options.maxBytes) stream.close()
    })
    stop = followed.stop
    if (request.afterId !== null && request.afterId + 1 < this.#log.oldestId) {
      stream.send(`: events up to id ${this.#log.oldestId - 1} are no longer kept; some were missed\n\n`)
    }
    const task = request.task
    // A late client still sees the whole task: when its first events have left the log, a snapshot of
    // the task as it is now (no id: it is not a logged event) stands in for them.
    if (task && request.afterId === null && !followed.replay.some((event) => event.type === 'task.created')) {
      const type = TASK_EVENT_OF_STATUS[task.status]
      const snapshot = { type, task_id: task.id, timestamp: new Date(this.#clock.now()).toISOString(), task }
      stream.send(`event: ${type}\ndata: ${JSON.stringify(snapshot)}\n\n`)
      if (TERMINAL.has(type) && !followed.replay.some((event) => TERMINAL.has(event.type))) {
        stream.close()
        return stream.body
      }
    }
    if (followed.replay.length > 0) {
      const events = followed.replay
      backlog = {
        events,
        next: 0,
        bytes: events.reduce((sum, event) => sum + event.bytes, 0),
        caughtUp: () => (backlog = null),
      }
      void this.#catchUp(stream, backlog, deliverer)
    }
    return stream.body
  }

  /**
   * Sends a stream's backlog in order, no faster than its client reads: a replay can be far larger
   * than the stream's buffer bound, which only a client that stops reading should hit.
   */
  async #catchUp(stream: SseStream, backlog: Backlog, deliverer: Deliverer): Promise<void> {
    while (backlog.next < backlog.events.length && !stream.closed) {
      await stream.room()
      while (backlog.next < backlog.events.length && !stream.closed && stream.hasRoom) {
        const event = backlog.events[backlog.next]!
        backlog.events[backlog.next++] = undefined as unknown as LoggedEvent
        backlog.bytes -= event.bytes
        // Held back behind an ownership lookup: wait for it, so that the lookups do not pile up.
        if (!deliverer.deliver(event)) await deliverer.settled()
      }
    }
    // No await since the last check: an event arriving from now on is delivered directly, in order.
    backlog.events = []
    backlog.caughtUp()
  }

  /** Stops listening to the runtime and closes every stream. */
  close(): void {
    this.#unsubscribe?.()
    for (const stream of [...this.#streams]) stream.close()
    if (this.#heartbeat !== null) this.#clock.clearTimeout(this.#heartbeat.handle)
    this.#heartbeat = null
  }

  /**
   * Sends events in order, each only if the stream's scope owns its task. Ownership is usually
   * remembered; a lookup holds later events back in a queue that counts against the buffer bound.
   */
  #deliverer(stream: SseStream, request: StreamRequest): Deliverer {
    const pending: LoggedEvent[] = []
    let pendingBytes = 0
    let pumping = false
    let pumped: Promise<void> = Promise.resolve()
    const send = (event: LoggedEvent): void => {
      if (!stream.send(event.frame)) return
      if (request.task !== null && TERMINAL.has(event.type)) stream.close()
    }
    const pump = async (): Promise<void> => {
      while (pending.length > 0 && !stream.closed) {
        const event = pending[0]!
        const owned =
          this.#access.known(event.taskId, request.scope) ?? (await this.#access.owns(event.taskId, request.scope))
        pending.shift()
        pendingBytes -= event.bytes
        if (owned) send(event)
        // Looked up again after the hub forgot it: forget it again now that its last event is handled.
        if (TERMINAL.has(event.type)) this.#access.forget(event.taskId)
      }
      pending.length = 0
      pumping = false
    }
    return {
      deliver: (event) => {
        if (stream.closed) return true
        const known = pumping ? undefined : this.#access.known(event.taskId, request.scope)
        if (known !== undefined) {
          if (known) send(event)
          return true
        }
        pending.push(event)
        pendingBytes += event.bytes
        if (pendingBytes > this.#options.maxBufferBytes) {
          pending.length = 0
          stream.close()
          return true
        }
        if (!pumping) {
          pumping = true
          pumped = pump()
        }
        return false
      },
      settled: () => (pumping ? pumped : Promise.resolve()),
    }
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== null) return
    const beat = (): void => {
      this.#heartbeat = null
      if (this.#streams.size === 0) return
      for (const stream of [...this.#streams]) stream.send(': ping\n\n')
      this.#heartbeat = { handle: this.#clock.setTimeout(beat, this.#options.heartbeatMs) }
    }
    this.#heartbeat = { handle: this.#clock.setTimeout(beat, this.#options.heartbeatMs) }
  }
}
