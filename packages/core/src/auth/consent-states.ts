import { createHash, randomBytes } from 'node:crypto'
import type { KeyValueStore } from '../storage/key-value-store.js'
import { z } from 'zod'
import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import type { CredentialCipher } from './credential-cipher.js'
import type { CredentialOwner } from './credential-vault.js'

const pendingConsent = z.object({
  /** The account the user belongs to; null (and absent, in states issued before accounts) is the default. */
  account: z.string().nullable().default(null),
  user_id: z.string(),
  service: z.string(),
  scopes: z.array(z.string()),
  verifier: z.string(),
  expires_at: z.number(),
})

/** A consent the user was sent to: who, for what, and the PKCE verifier that only the server knows. */
export type PendingConsent = z.infer<typeof pendingConsent>

/** A new consent: the `state` and the S256 `code_challenge` that go into the authorization URL. */
export interface IssuedState {
  state: string
  codeChallenge: string
}

const BINDING = 'oauth-state'

/**
 * Consent `state` values: 256 random bits, stored (hashed key, sealed value with the PKCE verifier)
 * with the account, user and service they were issued for, usable once, expiring after `ttlMs`.
 */
export class ConsentStates {
  readonly #store: KeyValueStore
  readonly #cipher: CredentialCipher
  readonly #clock: Clock
  readonly #ttlMs: number
  /** States being consumed right now, so two callbacks racing in one process cannot both win. */
  readonly #consuming = new Set<string>()

  constructor(store: KeyValueStore, cipher: CredentialCipher, { clock, ttlMs }: { clock: Clock; ttlMs: number }) {
    this.#store = store
    this.#cipher = cipher
    this.#clock = clock
    this.#ttlMs = ttlMs
  }

  async issue(owner: CredentialOwner, service: string, scopes: readonly string[]): Promise<IssuedState> {
    const state = randomBytes(32).toString('base64url')
    const verifier = randomBytes(32).toString('base64url')
    const record: PendingConsent = {
      account: owner.account,
      user_id: owner.userId,
      service,
      scopes: [...scopes],
      verifier,
      expires_at: this.#clock.now() + this.#ttlMs,
    }
    const key = keyOf(state)
    await this.#store.set(key, this.#cipher.seal(JSON.stringify(record), `${BINDING}\u0000${key}`), this.#ttlMs)
    return { state, codeChallenge: createHash('sha256').update(verifier).digest('base64url') }
  }

  /** Takes a state out of the store. Unknown, reused, tampered and expired states are refused alike. */
  async consume(state: string): Promise<PendingConsent> {
    const key = keyOf(state)
    if (this.#consuming.has(key)) throw invalid()
    this.#consuming.add(key)
    try {
      const sealed: unknown = await this.#store.get(key)
      if (typeof sealed !== 'string') throw invalid()
      const deleted = await this.#store.delete(key)
      if (!deleted) throw invalid()
      let record: PendingConsent
      try {
        record = pendingConsent.parse(JSON.parse(this.#cipher.open(sealed, `${BINDING}\u0000${key}`)))
      } catch {
        throw invalid()
      }
      if (this.#clock.now() >= record.expires_at) throw invalid()
      return record
    } finally {
      this.#consuming.delete(key)
    }
  }
}

function keyOf(state: string): string {
  return `inboard:oauth-state:${createHash('sha256').update(state).digest('hex')}`
}

function invalid(): InboardError {
  return new InboardError('oauth_state_invalid', 'The OAuth state is unknown, already used or expired', {
    suggestion: 'Start the connection again to get a fresh consent link.',
  })
}
