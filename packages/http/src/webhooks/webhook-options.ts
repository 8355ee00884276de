/** What happened to one delivery attempt, for logs and metrics. */
export interface WebhookAttemptReport {
  event_id: string
  event: string
  task_id: string
  url: string
  /** 1-based. */
  attempt: number
  /** The receiver's status, or null when no response came (network error, timeout, refused URL). */
  status: number | null
  error: string | null
  /** `delivered`, `retrying` (another attempt is scheduled) or `abandoned` (no attempts left). */
  outcome: 'delivered' | 'retrying' | 'abandoned'
  /** When the next attempt runs (epoch ms), for `retrying`. */
  next_attempt_at: number | null
}

/** The `webhooks` option of {@link createHandler}. */
export interface WebhookOptions {
  /** Where events go when a task has no `webhook_url` of its own. @default none */
  url?: string
  /**
   * The signing secret (`whsec_` + base64), or several during a rotation, newest first: every
   * secret adds a signature to `webhook-signature`, so receivers holding either one verify there;
   * `X-Ploton-Signature` is signed with the first (newest) secret only. Required to send webhooks.
   */
  secret: string | readonly string[]
  /** Also send `task.cancelled`. @default false */
  sendCancelled?: boolean
  /**
   * Allow URLs that resolve to loopback, private, link-local or cloud-metadata addresses. Only for
   * local development: otherwise any API key could make the server call into its own network.
   * @default false
   */
  allowPrivateAddresses?: boolean
  /** Called after every attempt. @default none */
  onAttempt?: (report: WebhookAttemptReport) => void
  /**
   * The most deliveries waiting for an attempt in this handler. Past it the oldest waiting delivery
   * is dropped (removed from the outbox) and reported to the handler's `onError`, so an endpoint
   * that is down cannot grow memory without bound. @default 10_000
   */
  maxQueued?: number
  /**
   * The most sockets open to receivers at once, across every endpoint. Deliveries go through one
   * keep-alive pool; past the cap they wait for a free socket (their 30 s attempt timeout still
   * runs), so slow receivers cannot exhaust file descriptors. @default 50
   */
  maxSockets?: number
}
