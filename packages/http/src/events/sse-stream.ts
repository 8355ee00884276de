const encoder = new TextEncoder()

/**
 * One Server-Sent Events response body with a bounded queue. The node adapter stops reading while
 * the socket is backed up, so unread bytes collect here; past `maxBufferBytes` the stream is
 * errored, which drops the queue and the connection instead of holding memory for a client that
 * does not read.
 */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null
  #closed = false
  readonly #onClose: (reason: 'closed' | 'dropped' | 'cancelled') => void

  constructor(maxBufferBytes: number, onClose: (reason: 'closed' | 'dropped' | 'cancelled') => void) {
    this.#onClose = onClose
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller
        },
        cancel: () => this.#finish('cancelled'),
      },
      { highWaterMark: maxBufferBytes, size: (chunk) => chunk.byteLength },
    )
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Queues text; returns false when the stream is closed or was just dropped for not reading. */
  send(text: string): boolean {
    const controller = this.#controller
    if (this.#closed || controller === null) return false
    controller.enqueue(encoder.encode(text))
    if ((controller.desiredSize ?? 0) < 0) {
      controller.error(new Error('The client is not reading its event stream'))
      this.#finish('dropped')
      return false
    }
    return true
  }

  /** Ends the stream after what is queued has been read. */
  close(): void {
    if (this.#closed) return
    this.#controller?.close()
    this.#finish('closed')
  }

  #finish(reason: 'closed' | 'dropped' | 'cancelled'): void {
    if (this.#closed) return
    this.#closed = true
    this.#onClose(reason)
  }
}
