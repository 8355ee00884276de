const encoder = new TextEncoder()

/**
 * One Server-Sent Events response body with its own bounded queue. The node adapter reads only
 * while the socket accepts writes, so a client that does not read leaves chunks here; past
 * `maxBufferBytes` the queue is thrown away and the stream ends, so such a client holds no memory
 * beyond the socket's own buffers.
 */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null
  #queue: Uint8Array[] = []
  #queued = 0
  /** A read is waiting: the next chunk goes straight to it. */
  #wanted = false
  #ending = false
  #closed = false
  readonly #maxBufferBytes: number
  readonly #onClose: (reason: 'closed' | 'dropped' | 'cancelled') => void
  /** Callers of room() waiting for the client to read. */
  #roomWaiters: (() => void)[] = []

  constructor(maxBufferBytes: number, onClose: (reason: 'closed' | 'dropped' | 'cancelled') => void) {
    this.#maxBufferBytes = maxBufferBytes
    this.#onClose = onClose
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller
        },
        pull: (controller) => {
          const chunk = this.#queue.shift()
          if (chunk === undefined) {
            if (this.#ending) controller.close()
            else this.#wanted = true
            return
          }
          this.#queued -= chunk.byteLength
          controller.enqueue(chunk)
          if (this.#ending && this.#queue.length === 0) controller.close()
          if (this.#roomWaiters.length > 0 && this.hasRoom) this.#wakeRoomWaiters()
        },
        cancel: () => this.#finish('cancelled'),
      },
      { highWaterMark: 0 },
    )
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Queues text; returns false when the stream is closed or was just dropped for not reading. */
  send(text: string): boolean {
    const controller = this.#controller
    if (this.#closed || controller === null) return false
    const chunk = encoder.encode(text)
    if (this.#wanted) {
      this.#wanted = false
      controller.enqueue(chunk)
      return true
    }
    this.#queue.push(chunk)
    this.#queued += chunk.byteLength
    if (this.#queued > this.#maxBufferBytes) {
      this.#queue = []
      this.#queued = 0
      this.#end('dropped')
      return false
    }
    return true
  }

  /**
   * Resolves once at most half the buffer bound waits unread (at once when that holds now), or the
   * stream has closed: a sender with much to send (a replay) sends a little, then waits for the
   * client to read, and is never dropped for not reading.
   */
  room(): Promise<void> {
    if (this.#closed || this.hasRoom) return Promise.resolve()
    return new Promise((resolve) => this.#roomWaiters.push(resolve))
  }

  /** At most half the buffer bound waits unread. */
  get hasRoom(): boolean {
    return this.#queued <= this.#maxBufferBytes / 2
  }

  #wakeRoomWaiters(): void {
    const waiters = this.#roomWaiters
    this.#roomWaiters = []
    for (const wake of waiters) wake()
  }

  /** Ends the stream once what is queued has been read. */
  close(): void {
    this.#end('closed')
  }

  #end(reason: 'closed' | 'dropped'): void {
    if (this.#closed) return
    this.#ending = true
    if (this.#queue.length === 0 && this.#wanted) {
      this.#wanted = false
      this.#controller?.close()
    }
    this.#finish(reason)
  }

  #finish(reason: 'closed' | 'dropped' | 'cancelled'): void {
    if (this.#closed) return
    this.#closed = true
    this.#wakeRoomWaiters()
    this.#onClose(reason)
  }
}
