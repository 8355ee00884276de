import { generateKeyPair, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import type { Adapter, AdapterFactory, AdapterPayload, JWK, JWKS } from 'oidc-provider'

let signingKeys: Promise<JWKS> | undefined

/**
 * The test provider's own signing keys: one RSA key, made once per process (a 2048-bit key takes
 * tens of milliseconds) and shared by every provider the process starts.
 */
export function testSigningKeys(): Promise<JWKS> {
  signingKeys ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey }) => ({
    keys: [{ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'inboard-test', use: 'sig', alg: 'RS256' }],
  }))
  return signingKeys
}

/** The key the test provider signs its cookies with (a tampered cookie is ignored), new each process. */
export const TEST_COOKIE_KEYS: readonly string[] = [randomBytes(32).toString('base64url')]

interface Row {
  payload: AdapterPayload
  expiresAt: number
}

/**
 * Where one test provider keeps its grants, sessions, codes and tokens: a map that forgets rows when
 * they expire. Each provider gets its own, so test files never see each other's tokens.
 */
export function memoryAdapter(): AdapterFactory {
  const rows = new Map<string, Row>()
  const live = (key: string): AdapterPayload | undefined => {
    const row = rows.get(key)
    if (row !== undefined && row.expiresAt <= Date.now()) rows.delete(key)
    return rows.get(key)?.payload
  }
  return (model: string): Adapter => {
    const keyOf = (id: string): string => `${model}:${id}`
    const findBy = (field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
      for (const key of rows.keys()) {
        if (!key.startsWith(`${model}:`)) continue
        const payload = live(key)
        if (payload?.[field] === value) return payload
      }
      return undefined
    }
    return {
      upsert: async (id, payload, expiresIn) => {
        rows.set(keyOf(id), { payload, expiresAt: expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000 })
      },
      find: async (id) => live(keyOf(id)),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      consume: async (id) => {
        const payload = live(keyOf(id))
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000)
      },
      destroy: async (id) => {
        rows.delete(keyOf(id))
      },
      revokeByGrantId: async (grantId) => {
        for (const [key, row] of rows) if (row.payload.grantId === grantId) rows.delete(key)
      },
    }
  }
}
