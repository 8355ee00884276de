import { createHash } from 'node:crypto'

/** The two key environments: `pk_test_…` keys run tasks in test mode. */
export type ApiKeyEnvironment = 'test' | 'live'

interface ApiKeyCommon {
  /** The account the key belongs to; keys of one account see the same tasks. @default 'default' */
  account?: string
  /** Requests per minute for this key, a positive integer (anything else is refused by `addKey`; from `authenticate` it is reported to `onError` and the default applies). @default the handler's `rateLimit.requestsPerMinute` */
  requestsPerMinute?: number
}

/** An API key given in the clear (its digest is computed once and the key is not kept). */
export interface PlainApiKeyOption extends ApiKeyCommon {
  key: string
  /** Must match the key's prefix when given. @default from the prefix */
  environment?: ApiKeyEnvironment
}

/** An API key given only as the lowercase hex SHA-256 digest of the full key. */
export interface DigestApiKeyOption extends ApiKeyCommon {
  sha256: string
  environment: ApiKeyEnvironment
}

export type ApiKeyOption = PlainApiKeyOption | DigestApiKeyOption

/** Who a key is, as returned by the `authenticate` callback. */
export interface ApiKeyIdentity extends ApiKeyCommon {
  environment: ApiKeyEnvironment
  /** Stable id for rate limiting. @default the key's digest */
  id?: string
}

const KEY_SHAPE = /^pk_(test|live)_[A-Za-z0-9]{8,200}$/

/** The environment a well-formed key names, or null for a malformed key. */
export function keyEnvironment(token: string): ApiKeyEnvironment | null {
  const match = KEY_SHAPE.exec(token)
  return match ? (match[1] as ApiKeyEnvironment) : null
}

/** Lowercase hex SHA-256 of a key, the only form in which keys are kept. */
export function keyDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
