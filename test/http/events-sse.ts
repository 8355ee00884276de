/** One Server-Sent Events message as a client sees it. */
export interface SseMessage {
  id: string | undefined
  event: string | undefined
  data: string
}

/** Reads an event-stream response body message by message, keeping comments (heartbeats) aside. */
export class SseReader {
  readonly comments: string[] = []
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new TextDecoder()
  #buffer = ''
  #done = false

  constructor(response: Response) {
    if (!response.body) throw new Error('no body')
    this.#reader = response.body.getReader()
  }

  /** The next message, or null when the stream ended. Fails after `timeoutMs` without one. */
  async next(timeoutMs = 5_000): Promise<SseMessage | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const message = this.#take()
      if (message) return message
      if (this.#done) return null
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`)
      let timer: ReturnType<typeof setTimeout> | undefined
      const chunk = await Promise.race([
        this.#reader.read(),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
      ])
      clearTimeout(timer)
      if (chunk === 'timeout') throw new Error(`no event within ${timeoutMs} ms`)
      if (chunk.done) this.#done = true
      else this.#buffer += this.#decoder.decode(chunk.value, { stream: true })
    }
  }

  /** Messages until the stream ends. */
  async rest(timeoutMs = 5_000): Promise<SseMessage[]> {
    const out: SseMessage[] = []
    for (let message = await this.next(timeoutMs); message; message = await this.next(timeoutMs)) out.push(message)
    return out
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined)
  }

  #take(): SseMessage | null {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end === -1) return null
      const block = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 2)
      const message: SseMessage = { id: undefined, event: undefined, data: '' }
      let hasData = false
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim())
        else if (line.startsWith('id: ')) message.id = line.slice(4)
        else if (line.startsWith('event: ')) message.event = line.slice(7)
        else if (line.startsWith('data: ')) {
          message.data += (hasData ? '\n' : '') + line.slice(6)
          hasData = true
        }
      }
      if (hasData) return message
    }
  }
}
