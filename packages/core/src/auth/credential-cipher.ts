import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

/** Thrown when a sealed value cannot be opened: a different key, different additional data, or tampering. */
export class SealBrokenError extends Error {
  override readonly name = 'SealBrokenError'
}

/**
 * AES-256-GCM with a random 12-byte IV per write. The additional data is not stored: whoever opens a
 * value must present the same binding (user and service), so a ciphertext copied to another user's
 * row does not decrypt. Output is version-tagged (`v1.<iv>.<ciphertext>.<tag>`, base64url).
 */
export class CredentialCipher {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new RangeError('AES-256-GCM needs a 32-byte key')
    this.#key = Buffer.from(key)
  }

  seal(plaintext: string, additionalData: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(additionalData, 'utf8'))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [VERSION, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.')
  }

  open(sealed: string, additionalData: string): string {
    const [version, iv, body, tag, ...rest] = sealed.split('.')
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined || rest.length > 0) {
      throw new SealBrokenError('Unknown ciphertext format')
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(Buffer.from(additionalData, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch (error) {
      throw new SealBrokenError('The ciphertext does not authenticate under this key and binding', { cause: error })
    }
  }
}
