import { createHash } from 'node:crypto'
import type { Keyv } from 'keyv'
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

/** The additional data binding a ciphertext to its owner. Service names never contain NUL. */
export function bindingOf(userId: string, service: string): string {
  return `${userId}\u0000${service}`
}

/**
 * Per-(user, service) credentials on keyv, sealed with AES-256-GCM bound to the user and service.
 * Keys are hashes, so a dump of the store reveals neither user ids nor services.
 */
export class CredentialVault {
  readonly #store: Keyv
  readonly #cipher: CredentialCipher

  constructor(store: Keyv, cipher: CredentialCipher) {
    this.#store = store
    this.#cipher = cipher
  }

  async get(userId: string, service: string): Promise<StoredCredential | undefined> {
    const sealed: unknown = await this.#store.get(keyOf(userId, service))
    if (sealed === undefined || sealed === null) return undefined
    try {
      if (typeof sealed !== 'string') throw new SealBrokenError('Not a sealed value')
      return storedCredential.parse(JSON.parse(this.#cipher.open(sealed, bindingOf(userId, service))))
    } catch (error) {
      throw new InboardError('credential_unreadable', `The stored credentials for ${service} cannot be read with this encryption key`, {
        tool: service,
        suggestion: 'Check auth.encryptionKey, or disconnect and reconnect the account.',
        cause: error instanceof SealBrokenError ? error : undefined,
      })
    }
  }

  async put(userId: string, service: string, credential: StoredCredential): Promise<void> {
    await this.#store.set(keyOf(userId, service), this.#cipher.seal(JSON.stringify(credential), bindingOf(userId, service)))
  }

  async delete(userId: string, service: string): Promise<boolean> {
    return this.#store.delete(keyOf(userId, service))
  }
}

function keyOf(userId: string, service: string): string {
  return `inboard:cred:${createHash('sha256').update(JSON.stringify([userId, service])).digest('hex')}`
}
