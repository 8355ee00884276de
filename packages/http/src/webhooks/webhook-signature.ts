import { createHmac, timingSafeEqual } from 'node:crypto'
import { InboardError } from '@inboard/core'

const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]+={0,2}$/

/** Checks that a secret is `whsec_` followed by base64, as Standard Webhooks expects. */
export function isWebhookSecret(secret: string): boolean {
  return SECRET_SHAPE.test(secret) && (secret.length - 6) % 4 !== 1
}

/** Lowercase hex HMAC-SHA256 of the raw body keyed with the whole secret: `X-Ploton-Signature`. */
export function plotonSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}

/** What a Standard Webhooks signature covers: the delivery's id, its timestamp in seconds and the raw body. */
export interface SignedMessage {
  id: string
  timestamp: number
  body: string
}

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the secret's decoded bytes. */
export function standardSignature(secret: string, message: SignedMessage): string {
  const { id, timestamp, body } = message
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/**
 * Every signature header of one delivery. `X-Ploton-Signature` is one lowercase hex HMAC, as the
 * contract says, keyed with the first (newest) secret; during a rotation each secret adds its own
 * signature to `webhook-signature` only.
 */
export function signatureHeaders(secrets: readonly string[], message: SignedMessage): Record<string, string> {
  const { id, timestamp, body } = message
  const [newest] = secrets
  if (newest === undefined)
    throw new InboardError('invalid_request', 'A webhook needs at least one signing secret', {
      param: 'webhooks.secret',
    })
  return {
    'X-Ploton-Signature': plotonSignature(newest, body),
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => standardSignature(secret, message)).join(' '),
  }
}

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
