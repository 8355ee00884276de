interface Pending<In, Out> {
  item: In
  resolve(out: Out): void
  reject(error: unknown): void
}

/** How a {@link StatementBatch} groups. */
export interface StatementBatchOptions<In> {
  /** Batches running at once; later calls wait and go together as the next one. */
  maxInFlight: number
  /** Items in one batch. */
  maxSize: number
  /** Items with the same key never share a batch (one statement cannot change a row twice). */
  keyOf(item: In): string
}

/**
 * Group commit for one kind of statement: calls made in one turn of the event loop go together at
 * its end when fewer than `maxInFlight` batches run, and calls made while they all run wait and go
 * together as the next batch, so under load many writes share one round trip and one commit, and
 * alone a write waits for nothing but the end of its turn. (Sending the first call of a turn at
 * once made a batch of one and a batch of the rest: bench:scale ran 7-10% slower, 3 A/B pairs.)
 * `run` answers each item in order, or throws for the whole batch.
 */
export class StatementBatch<In, Out> {
  readonly #run: (items: In[]) => Promise<Out[]>
  readonly #options: StatementBatchOptions<In>
  #waiting: Pending<In, Out>[] = []
  #inFlight = 0
  #scheduled = false

  constructor(run: (items: In[]) => Promise<Out[]>, options: StatementBatchOptions<In>) {
    this.#run = run
    this.#options = options
  }

  push(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
      if (this.#scheduled) return
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        this.#pump()
      })
    })
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#waiting.length > 0) {
      const batch: Pending<In, Out>[] = []
      const keys = new Set<string>()
      const later: Pending<In, Out>[] = []
      for (const pending of this.#waiting) {
        const key = this.#options.keyOf(pending.item)
        if (batch.length >= this.#options.maxSize || keys.has(key)) later.push(pending)
        else {
          keys.add(key)
          batch.push(pending)
        }
      }
      this.#waiting = later
      this.#inFlight++
      this.#run(batch.map((pending) => pending.item))
        .then(
          (outs) => batch.forEach((pending, index) => pending.resolve(outs[index]!)),
          (error: unknown) => {
            for (const pending of batch) pending.reject(error)
          },
        )
        .finally(() => {
          this.#inFlight--
          this.#pump()
        })
    }
  }
}
