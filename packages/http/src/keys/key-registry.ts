import { timingSafeEqual } from 'node:crypto'
import { InboardError } from '@inboard/core'
import { keyDigest, keyEnvironment, type ApiKeyEnvironment, type ApiKeyIdentity, type ApiKeyOption } from './api-key.js'

/** The authenticated caller of a request. */
export interface Caller {
  /** Rate-limit bucket. */
  id: string
  account: string
  environment: ApiKeyEnvironment
  requestsPerMinute: number | undefined
}

interface StoredKey {
  digest: Buffer
  identity: ApiKeyIdentity
}

const DIGEST_SHAPE = /^[0-9a-f]{64}$/

/** Known keys by digest; compares digests in constant time, forgets revoked keys at once. */
export class KeyRegistry {
  readonly #keys = new Map<string, StoredKey>()
  readonly #authenticate: ((token: string) => ApiKeyIdentity | null | Promise<ApiKeyIdentity | null>) | undefined
  readonly #onError: (error: unknown) => void

  /**
   * @param onError told when `authenticate` returns an identity with an unusable `requestsPerMinute`;
   *   the request then goes ahead under the handler's default limit.
   */
  constructor(
    keys: readonly ApiKeyOption[],
    authenticate?: (token: string) => ApiKeyIdentity | null | Promise<ApiKeyIdentity | null>,
    onError: (error: unknown) => void = () => undefined,
  ) {
    this.#authenticate = authenticate
    this.#onError = onError
    for (const option of keys) this.add(option)
  }

  add(option: ApiKeyOption): void {
    let digest: string
    let environment: ApiKeyEnvironment
    if ('key' in option) {
      const fromPrefix = keyEnvironment(option.key)
      if (fromPrefix === null)
        throw new InboardError(
          'invalid_request',
          'An API key must look like pk_test_… or pk_live_… followed by 8 or more letters and digits',
          { param: 'keys' },
        )
      if (option.environment !== undefined && option.environment !== fromPrefix) {
        throw new InboardError(
          'invalid_request',
          `A pk_${fromPrefix}_ key cannot have environment "${option.environment}"`,
          { param: 'keys' },
        )
      }
      digest = keyDigest(option.key)
      environment = fromPrefix
    } else {
      if (!DIGEST_SHAPE.test(option.sha256))
        throw new InboardError('invalid_request', 'sha256 must be 64 lowercase hex digits', { param: 'keys' })
      digest = option.sha256
      environment = option.environment
    }
    const identity: ApiKeyIdentity = { environment }
    if (option.account !== undefined) identity.account = option.account
    if (option.requestsPerMinute !== undefined) {
      if (!validRate(option.requestsPerMinute))
        throw new InboardError(
          'invalid_request',
          `requestsPerMinute must be a positive integer, got ${String(option.requestsPerMinute)}`,
          { param: 'keys' },
        )
      identity.requestsPerMinute = option.requestsPerMinute
    }
    this.#keys.set(digest, { digest: Buffer.from(digest, 'hex'), identity })
  }

  /** Forgets a key given in the clear or as its digest; later requests with it get 401. */
  revoke(keyOrDigest: string): boolean {
    return this.#keys.delete(DIGEST_SHAPE.test(keyOrDigest) ? keyOrDigest : keyDigest(keyOrDigest))
  }

  /** Resolves the `Authorization` header to a caller or throws the 401 error. */
  async authenticate(header: string | null): Promise<Caller> {
    if (header === null || header.trim() === '')
      throw new InboardError('missing_api_key', 'No API key provided. Send it as "Authorization: Bearer <api_key>".')
    const match = /^Bearer +(\S+) *$/i.exec(header)
    const token = match?.[1]
    const environment = token === undefined ? null : keyEnvironment(token)
    if (token === undefined || environment === null) throw invalidKey()
    const digest = keyDigest(token)
    const stored = this.#keys.get(digest)
    if (stored && timingSafeEqual(stored.digest, Buffer.from(digest, 'hex'))) return toCaller(digest, stored.identity)
    const identity = this.#authenticate ? await this.#authenticate(token) : null
    if (identity && identity.environment === environment) {
      const caller = toCaller(identity.id ?? digest, identity)
      if (caller.requestsPerMinute !== undefined && !validRate(caller.requestsPerMinute)) {
        this.#onError(
          new InboardError(
            'invalid_request',
            `authenticate returned requestsPerMinute ${String(caller.requestsPerMinute)} for ${caller.id}; it must be a positive integer, so the handler's default limit applies`,
            { param: 'requestsPerMinute' },
          ),
        )
        caller.requestsPerMinute = undefined
      }
      return caller
    }
    throw invalidKey()
  }
}

function toCaller(id: string, identity: ApiKeyIdentity): Caller {
  return {
    id,
    account: identity.account ?? 'default',
    environment: identity.environment,
    requestsPerMinute: identity.requestsPerMinute,
  }
}

function validRate(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

function invalidKey(): InboardError {
  return new InboardError(
    'invalid_api_key',
    "The API key provided is not valid. Check that you're using the correct key and that it hasn't been revoked.",
  )
}
