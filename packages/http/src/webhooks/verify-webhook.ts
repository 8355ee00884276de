import { plotonSignature, safeEqual, standardSignature } from './webhook-signature.js'
import type { WebhookEvent } from './webhook-event.js'

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received. */
  payload: string | Uint8Array
  /** The request headers (a `Headers` object or a Node-style header record). */
  headers: Headers | Record<string, string | string[] | undefined>
  /** The endpoint's secret, or several while rotating. */
  secret: string | readonly string[]
  /** How far `webhook-timestamp` may be from now, in seconds. @default 300 */
  toleranceSeconds?: number
  /** The current time in epoch milliseconds. @default Date.now() */
  now?: number
  /**
   * Require the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
   * whose timestamp gives replay protection. Every webhook from `@inboard/http` carries them, so
   * keep the default: otherwise an attacker who captured one delivery could strip them and replay
   * it with `X-Ploton-Signature` alone. Set `false` only to accept senders that sign with
   * `X-Ploton-Signature` alone (the hosted API's contract), and dedupe by event id. @default true
   */
  requireTimestamp?: boolean
}

export type VerifyWebhookResult = { ok: true; event: WebhookEvent } | { ok: false; reason: string }

/**
 * Verifies a webhook from `@inboard/http`: checks `webhook-signature` and that `webhook-timestamp`
 * is recent (replay protection). A delivery without the Standard Webhooks headers fails unless
 * `requireTimestamp: false`, which then checks `X-Ploton-Signature` instead. Answer 401 when `ok`
 * is false; dedupe accepted events by `event.id`.
 *
 * @example
 * const check = verifyWebhook({ payload: rawBody, headers: req.headers, secret: process.env.PLOTON_WEBHOOK_SECRET! })
 * if (!check.ok) return res.writeHead(401).end()
 */
export function verifyWebhook(options: VerifyWebhookOptions): VerifyWebhookResult {
  const body = typeof options.payload === 'string' ? options.payload : Buffer.from(options.payload).toString('utf8')
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret
  const header = (name: string): string | undefined => readHeader(options.headers, name)
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signatures = header('webhook-signature')
  let valid: boolean
  if (id !== undefined && timestamp !== undefined && signatures !== undefined) {
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a number of seconds' }
    const seconds = Number(timestamp)
    const now = (options.now ?? Date.now()) / 1000
    if (Math.abs(now - seconds) > (options.toleranceSeconds ?? 300))
      return { ok: false, reason: 'webhook-timestamp is too old or too far in the future' }
    const given = signatures.split(' ')
    valid = secrets.some((secret) => {
      const expected = standardSignature(secret, { id, timestamp: seconds, body })
      return given.some((signature) => safeEqual(signature, expected))
    })
  } else if (options.requireTimestamp ?? true) {
    return {
      ok: false,
      reason:
        'no webhook-id, webhook-timestamp and webhook-signature headers (pass requireTimestamp: false to accept X-Ploton-Signature alone)',
    }
  } else {
    const plain = header('x-ploton-signature')
    if (plain === undefined) return { ok: false, reason: 'no signature header' }
    valid = secrets.some((secret) => safeEqual(plain.trim(), plotonSignature(secret, body)))
  }
  if (!valid) return { ok: false, reason: 'signature mismatch' }
  try {
    return { ok: true, event: JSON.parse(body) as WebhookEvent }
  } catch {
    return { ok: false, reason: 'the body is not JSON' }
  }
}

function readHeader(headers: VerifyWebhookOptions['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name)
  const value = key === undefined ? undefined : headers[key]
  return Array.isArray(value) ? value.join(',') : value
}
