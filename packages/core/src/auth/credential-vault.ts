import { createHash } from 'node:crypto'
import type { KeyValueStore } from '../storage/key-value-store.js'
import { z } from 'zod'
import { InboardError } from '../errors/inboard-error.js'
import { SealBrokenError, type CredentialCipher } from './credential-cipher.js'

const oauthRecord = z.object({
  type: z.literal('oauth2'),
  access_token: z.string(),
  refresh_token: z.string().nullable(),
  /** Milliseconds since the epoch, or null when the server did not say. */
  expires_at: z.number().nullable(),
  scopes: z.array(z.string()),
})
const storedCredential = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api_key'), key: z.string() }),
  z.object({ type: z.literal('bearer'), token: z.string() }),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }),
  oauthRecord,
])

/** A credential as the vault keeps it (encrypted at rest). */
export type StoredCredential = z.infer<typeof storedCredential>
export type OAuthRecord = z.infer<typeof oauthRecord>

/**
 * Whose credentials: a user id within an account. User ids are free text chosen by whoever creates
 * tasks, so the same id in two accounts names two different people. `account: null` is the
 * in-process default (runtimes that never pass an account).
 */
export interface CredentialOwner {
  readonly account: string | null
  readonly userId: string
}

/**
 * The additional data binding a ciphertext to its owner and service. The default account keeps the
 * original `${user_id}\0${service}` (so existing rows still open); it always ends in a service name,
 * which is non-empty and never contains NUL. Any other account is an unambiguous JSON triple followed
 * by a NUL, so no default-account binding can equal an account binding, and no two accounts' can.
 */
export function bindingOf(owner: CredentialOwner, service: string): string {
  if (owner.account === null) return `${owner.userId}\u0000${service}`
  return `${JSON.stringify([owner.account, owner.userId, service])}\u0000`
}

/**
 * Per-(account, user, service) credentials on keyv, sealed with AES-256-GCM bound to the account,
 * user and service. Keys are hashes, so a dump of the store reveals neither accounts, user ids nor
 * services.
 */
export class CredentialVault {
  readonly #store: KeyValueStore
  readonly #cipher: CredentialCipher

  constructor(store: KeyValueStore, cipher: CredentialCipher) {
    this.#store = store
    this.#cipher = cipher
  }

  async get(owner: CredentialOwner, service: string): Promise<StoredCredential | undefined> {
    const sealed: unknown = await this.#store.get(keyOf(owner, service))
    if (sealed === undefined || sealed === null) return undefined
    try {
      if (typeof sealed !== 'string') throw new SealBrokenError('Not a sealed value')
      return storedCredential.parse(JSON.parse(this.#cipher.open(sealed, bindingOf(owner, service))))
    } catch (error) {
      throw new InboardError(
        'credential_unreadable',
        `The stored credentials for ${service} cannot be read with this encryption key`,
        {
          tool: service,
          suggestion: 'Check auth.encryptionKey, or disconnect and reconnect the account.',
          cause: error instanceof SealBrokenError ? error : undefined,
        },
      )
    }
  }

  async put(owner: CredentialOwner, service: string, credential: StoredCredential): Promise<void> {
    await this.#store.set(
      keyOf(owner, service),
      this.#cipher.seal(JSON.stringify(credential), bindingOf(owner, service)),
    )
  }

  async delete(owner: CredentialOwner, service: string): Promise<boolean> {
    return this.#store.delete(keyOf(owner, service))
  }
}

/** The default account keeps its original keys; other accounts hash a triple, which never equals a pair. */
function keyOf(owner: CredentialOwner, service: string): string {
  const parts = owner.account === null ? [owner.userId, service] : [owner.account, owner.userId, service]
  return `inboard:cred:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`
}

/** A stable string for an owner and service, for in-process maps (single-flight refreshes). */
export function ownerKey(owner: CredentialOwner, service: string): string {
  return JSON.stringify([owner.account, owner.userId, service])
}
