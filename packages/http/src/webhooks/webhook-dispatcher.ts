import { randomUUID } from 'node:crypto'
import {
  isRemoteEvent,
  type Clock,
  type KeyValueStore,
  type OutboxDelivery,
  type OutboxStorage,
  type Runtime,
  type TimerHandle,
} from '@inboard/core'
import { ATTEMPT_TIMEOUT_MS, DELIVERY_WINDOW_MS, MAX_ATTEMPTS, retryDelay } from './retry-schedule.js'
import { createWebhookAgents, postWebhook, type WebhookAgents } from './post-webhook.js'
import { toWebhookEvent } from './webhook-event.js'
import type { WebhookAttemptReport, WebhookOptions } from './webhook-options.js'
import { signatureHeaders } from './webhook-signature.js'

/** How long a stored route is kept: past the delivery window of the longest task worth a webhook. */
const ROUTE_TTL_MS = 7 * 86_400_000
/** How long a route read from storage is remembered for the task's next events. */
const LOOKED_MS = 60_000

/**
 * Turns runtime events into signed deliveries: one outbox entry per event and endpoint, attempts on
 * the runtime's clock. Nothing here can block or fail a task: the event listener only enqueues, and
 * every failure stays inside the delivery loop.
 */
export class WebhookDispatcher {
  readonly #options: WebhookOptions
  readonly #secrets: readonly string[]
  readonly #clock: Clock
  readonly #outbox: OutboxStorage
  /** This dispatcher's owner id in the outbox. */
  readonly #owner = `webhooks_${randomUUID()}`
  #sweep: TimerHandle = undefined
  /** Deliveries being attempted right now, so a sweep never starts a second attempt. */
  readonly #attempting = new Set<string>()
  readonly #taskUrls = new Map<string, string>()
  /** Where every process reads routes; undefined when the storage keeps none. */
  readonly #routes: KeyValueStore | undefined
  /** Routes read from `#routes` for tasks that other processes created, kept a little while. */
  readonly #looked = new Map<string, Promise<string | undefined>>()
  /** Deliveries waiting for an attempt, oldest scheduled first. */
  readonly #timers = new Map<string, { timer: TimerHandle; delivery: OutboxDelivery }>()
  readonly #maxQueued: number
  readonly #onError: (error: unknown) => void
  readonly #inFlight = new Set<Promise<void>>()
  readonly #unsubscribe: () => void
  readonly #agents: WebhookAgents
  #closed = false

  constructor(
    runtime: Runtime,
    options: WebhookOptions,
    services: { clock: Clock; onError?: (error: unknown) => void },
  ) {
    const { clock, onError = () => undefined } = services
    this.#options = options
    this.#maxQueued = options.maxQueued ?? 10_000
    this.#agents = createWebhookAgents(options.maxSockets ?? 50)
    this.#onError = onError
    this.#secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret]
    this.#clock = clock
    this.#outbox = runtime.storage.outbox
    this.#routes = runtime.storage.webhookRoutes
    this.#unsubscribe = runtime.subscribe(
      (event) => {
        if (event.type === 'task.created' || event.type === 'task.running' || event.type.startsWith('step.')) return
        // With a queue the process where an event happened sends it, once: the others' are not heard here.
        if (isRemoteEvent(event)) return
        const webhook = toWebhookEvent(event, options.sendCancelled ?? false)
        const terminal =
          event.type === 'task.complete' || event.type === 'task.failed' || event.type === 'task.cancelled'
        const route = this.#routeOf(event.task_id)
        if (terminal) this.#taskUrls.delete(event.task_id)
        if (webhook === null) return
        const now = this.#clock.now()
        const enqueue = (url: string | undefined): void => {
          if (url !== undefined)
            this.#enqueue(
              this.#leased({
                id: webhook.id,
                event: webhook.event,
                taskId: webhook.task_id,
                url,
                body: JSON.stringify(webhook),
                attempts: 0,
                createdAt: now,
                nextAttemptAt: now,
                owner: null,
                leaseExpiresAt: null,
              }),
            )
        }
        if (typeof route === 'string' || route === undefined) enqueue(route ?? options.url)
        else this.#track(route.then((url) => enqueue(url ?? options.url)))
      },
      { remote: false },
    )
    this.#track(this.#reload())
  }

  /** Held by this dispatcher until its next attempt has had time to finish; then any process may take it. */
  #leased(delivery: OutboxDelivery): OutboxDelivery {
    return { ...delivery, owner: this.#owner, leaseExpiresAt: delivery.nextAttemptAt + ATTEMPT_TIMEOUT_MS }
  }

  /**
   * Sends this task's events to `url` instead of the default endpoint, from whichever process runs
   * it: the route is stored where every process reads it (when the storage keeps routes).
   */
  async routeTask(taskId: string, url: string): Promise<void> {
    this.#taskUrls.set(taskId, url)
    await this.#routes?.set(taskId, url, ROUTE_TTL_MS)
  }

  /**
   * The task's own endpoint: known here when this process created the task (or looked before),
   * else read once from the shared routes (a task another process created). Undefined: none.
   */
  #routeOf(taskId: string): string | undefined | Promise<string | undefined> {
    const known = this.#taskUrls.get(taskId) ?? this.#looked.get(taskId)
    if (known !== undefined || this.#routes === undefined) return known
    const read = this.#routes.get<string>(taskId).then(
      (url) => (typeof url === 'string' ? url : undefined),
      (error: unknown) => {
        this.#onError(error)
        return undefined
      },
    )
    this.#looked.set(taskId, read)
    // A task's events come close together; the answer is kept for them, not forever.
    void read.then(() => this.#clock.setTimeout(() => this.#looked.delete(taskId), LOOKED_MS))
    return read
  }

  /** Stops listening and cancels scheduled attempts (they stay in the outbox); waits for attempts in flight. */
  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    if (this.#sweep !== undefined) this.#clock.clearTimeout(this.#sweep)
    for (const { timer } of this.#timers.values()) this.#clock.clearTimeout(timer)
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    this.#agents.http.destroy()
    this.#agents.https.destroy()
    // Let go of the deliveries that wait, so the next handler (here or in another process) takes them at once.
    const waiting = [...this.#timers.values()].map(({ delivery }) => ({
      ...delivery,
      owner: null,
      leaseExpiresAt: null,
    }))
    this.#timers.clear()
    await Promise.allSettled(waiting.map((delivery) => this.#outbox.put(delivery)))
  }

  /** Resolves when nothing is being sent or stored right now (scheduled retries may remain). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /**
   * Takes deliveries nobody holds (left by a process that stopped, or by an earlier handler) and
   * schedules them; then looks again every half attempt timeout, so a crashed process's deliveries
   * are sent soon after their leases end.
   */
  async #reload(): Promise<void> {
    if (this.#closed) return
    const now = this.#clock.now()
    const claimed = await this.#outbox.claim({
      owner: this.#owner,
      now,
      until: now + ATTEMPT_TIMEOUT_MS,
      dueBy: now + DELIVERY_WINDOW_MS,
      limit: this.#maxQueued,
    })
    for (const delivery of claimed)
      if (!this.#timers.has(delivery.id) && !this.#attempting.has(delivery.id)) this.#schedule(this.#leased(delivery))
    if (this.#closed) return
    this.#sweep = this.#clock.setTimeout(() => this.#track(this.#reload()), ATTEMPT_TIMEOUT_MS / 2)
  }

  #enqueue(delivery: OutboxDelivery): void {
    this.#track(
      (async () => {
        await this.#outbox.put(delivery)
        this.#schedule(delivery)
      })(),
    )
  }

  #schedule(delivery: OutboxDelivery): void {
    if (this.#closed) return
    const delay = Math.max(0, delivery.nextAttemptAt - this.#clock.now())
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(delivery.id)
      this.#track(this.#attempt(delivery))
    }, delay)
    this.#timers.set(delivery.id, { timer, delivery })
    if (this.#timers.size > this.#maxQueued) this.#dropOldest()
  }

  /** Over `maxQueued`: forgets the delivery that has waited longest and tells `onError`. */
  #dropOldest(): void {
    const [id, oldest] = this.#timers.entries().next().value ?? []
    if (id === undefined || oldest === undefined) return
    this.#clock.clearTimeout(oldest.timer)
    this.#timers.delete(id)
    this.#track(Promise.resolve(this.#outbox.remove(id)))
    const { delivery } = oldest
    try {
      this.#onError(
        new Error(
          `Dropped webhook ${delivery.event} ${delivery.id} for task ${delivery.taskId} to ${new URL(delivery.url).origin}: more than ${this.#maxQueued} deliveries were waiting (webhooks.maxQueued)`,
        ),
      )
    } catch {
      // A throwing error hook must not stop deliveries.
    }
  }

  async #attempt(delivery: OutboxDelivery): Promise<void> {
    this.#attempting.add(delivery.id)
    try {
      await this.#attemptOnce(delivery)
    } finally {
      this.#attempting.delete(delivery.id)
    }
  }

  async #attemptOnce(delivery: OutboxDelivery): Promise<void> {
    const attempt = delivery.attempts + 1
    const timestamp = Math.floor(this.#clock.now() / 1000)
    const headers = signatureHeaders(this.#secrets, { id: delivery.id, timestamp, body: delivery.body })
    const outcome = await postWebhook(
      { url: delivery.url, body: delivery.body, headers },
      {
        clock: this.#clock,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        allowPrivate: this.#options.allowPrivateAddresses ?? false,
        agents: this.#agents,
      },
    )
    const status = 'status' in outcome ? outcome.status : null
    const delivered = status !== null && status >= 200 && status < 300
    const next = this.#leased({
      ...delivery,
      attempts: attempt,
      nextAttemptAt: this.#clock.now() + retryDelay(attempt),
    })
    const retry = !delivered && attempt < MAX_ATTEMPTS && next.nextAttemptAt < delivery.createdAt + DELIVERY_WINDOW_MS
    if (retry) {
      await this.#outbox.put(next)
      this.#schedule(next)
    } else {
      await this.#outbox.remove(delivery.id)
    }
    this.#report({
      event_id: delivery.id,
      event: delivery.event,
      task_id: delivery.taskId,
      url: delivery.url,
      attempt,
      status,
      error: 'error' in outcome ? outcome.error : delivered ? null : `HTTP ${status}`,
      outcome: delivered ? 'delivered' : retry ? 'retrying' : 'abandoned',
      next_attempt_at: retry ? next.nextAttemptAt : null,
    })
  }

  #report(report: WebhookAttemptReport): void {
    try {
      this.#options.onAttempt?.(report)
    } catch {
      // A throwing report hook is the app's bug; it must not stop deliveries.
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => this.#inFlight.delete(tracked))
    this.#inFlight.add(tracked)
  }
}
