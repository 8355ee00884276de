interface Pending<In> {
  item: In
  resolve(): void
  reject(error: unknown): void
}

/**
 * Collects the items pushed during one turn of the event loop and sends them together at its end,
 * so that the tasks a storage batch stored at once reach Redis in one write instead of one each
 * (every write wakes the server, and on a small machine the wake-ups are what costs).
 */
export class TickBatch<In> {
  readonly #send: (items: In[]) => Promise<unknown>
  #waiting: Pending<In>[] = []

  constructor(send: (items: In[]) => Promise<unknown>) {
    this.#send = send
  }

  /** Resolves once the batch holding `item` was sent; rejects with that batch's error. */
  push(item: In): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
      if (this.#waiting.length === 1) setImmediate(() => this.#flush())
    })
  }

  #flush(): void {
    const batch = this.#waiting
    this.#waiting = []
    this.#send(batch.map((pending) => pending.item)).then(
      () => {
        for (const pending of batch) pending.resolve()
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error)
      },
    )
  }
}
