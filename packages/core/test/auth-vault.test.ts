import { randomBytes } from 'node:crypto'
import { defineTool } from '@inboard/tools'
import { Keyv } from 'keyv'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRuntime } from '@inboard/core'
import { createFakeClock, createScriptedPlanner } from '@inboard/core/testing'
import { CredentialCipher, SealBrokenError } from '../src/auth/credential-cipher.js'

const reader = defineTool({
  name: 'mail',
  description: 'Mail',
  capabilities: {
    whoami: {
      description: 'Echo the key',
      input: z.object({}),
      run: async (_input, ctx) => ({ key: (await ctx.credentials?.get('mail'))?.type }),
    },
  },
})

function mailRuntime(store: Keyv, key: Uint8Array | string) {
  return createRuntime({
    tools: [reader],
    clock: createFakeClock(),
    planner: createScriptedPlanner([
      { type: 'call', calls: [{ tool: 'mail', capability: 'whoami', input: {} }] },
      (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
    ]),
    auth: { encryptionKey: key, store, services: { mail: { type: 'api_key' } } },
  })
}

describe('credential vault', () => {
  it('binds each ciphertext to its user and service with AES-GCM additional data', () => {
    const cipher = new CredentialCipher(randomBytes(32))
    const sealed = cipher.seal('{"type":"api_key","key":"secret-value"}', 'user_123\u0000mail')
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/)
    expect(sealed).not.toContain('secret-value')
    expect(cipher.open(sealed, 'user_123\u0000mail')).toContain('secret-value')
    expect(() => cipher.open(sealed, 'user_456\u0000mail')).toThrow(SealBrokenError)
    expect(() => cipher.open(sealed, 'user_123\u0000crm')).toThrow(SealBrokenError)
    expect(() => new CredentialCipher(randomBytes(32)).open(sealed, 'user_123\u0000mail')).toThrow(SealBrokenError)
    expect(cipher.seal('same', 'a\u0000b')).not.toBe(cipher.seal('same', 'a\u0000b'))
  })

  it("refuses a ciphertext moved to another user's row instead of using it", async () => {
    const raw = new Map<string, unknown>()
    const runtime = mailRuntime(new Keyv({ store: raw }), randomBytes(32))
    await runtime.auth.setCredentials('user_123', 'mail', { secret: 'key-of-123' })
    const [rowOf123] = [...raw.keys()]
    await runtime.auth.setCredentials('user_456', 'mail', { secret: 'key-of-456' })
    const rowOf456 = [...raw.keys()].find((key) => key !== rowOf123)
    if (rowOf123 === undefined || rowOf456 === undefined) throw new Error('expected two rows')
    expect(rowOf123).toMatch(/^keyv:inboard:cred:[0-9a-f]{64}$/)
    // An attacker with write access to the store copies user_123's ciphertext over user_456's.
    raw.set(rowOf456, raw.get(rowOf123))
    await expect(runtime.auth.status('user_456', 'mail')).rejects.toMatchObject({ code: 'credential_unreadable' })
    const task = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'whoami', user_id: 'user_456' })).id)
    expect(task.status).toBe('failed')
    expect(task.error).toMatchObject({ code: 'credential_unreadable', tool: 'mail' })
    expect(
      (await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'whoami', user_id: 'user_123' })).id)).result,
    ).toEqual({ key: 'api_key' })
  })

  it('reads credentials back after a restart with the same key, and not with another key', async () => {
    const store = new Keyv({ store: new Map() })
    const key = randomBytes(32)
    await mailRuntime(store, key).auth.setCredentials('user_1', 'mail', { secret: 'k' })
    expect(await mailRuntime(store, key.toString('base64')).auth.status('user_1', 'mail')).toMatchObject({
      connected: true,
    })
    await expect(mailRuntime(store, randomBytes(32)).auth.status('user_1', 'mail')).rejects.toMatchObject({
      code: 'credential_unreadable',
    })
  })

  it('rejects an encryption key that is not 32 bytes, and bad service configuration, with a clear error', () => {
    const make = (auth: Record<string, unknown>) => () =>
      createRuntime({ auth: { encryptionKey: randomBytes(32), services: {}, ...auth } })
    expect(make({ encryptionKey: 'too-short' })).toThrow(/auth\.encryptionKey: expected 32 bytes/)
    expect(make({ encryptionKey: randomBytes(16) })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'auth.encryptionKey' }),
    )
    expect(make({ encryptionKey: randomBytes(24).toString('base64') })).toThrow(/32 bytes/)
    expect(
      make({
        services: {
          crm: {
            type: 'oauth2',
            authorizeUrl: 'not a url',
            tokenUrl: 'https://a/t',
            clientId: 'c',
            redirectUri: 'https://app/cb',
          },
        },
      }),
    ).toThrow(/auth\.services\.crm\.authorizeUrl/)
    expect(
      make({
        services: {
          crm: {
            type: 'oauth2',
            authorizeUrl: 'https://a/a',
            tokenUrl: 'https://a/t',
            clientId: 'c',
            redirectUri: 'https://app/cb#x',
          },
        },
      }),
    ).toThrow(/fragment/)
    expect(
      make({
        services: {
          crm: {
            type: 'oauth2',
            authorizeUrl: 'https://a/a',
            tokenUrl: 'https://a/t',
            clientId: 'c',
            redirectUri: 'https://app/cb',
            tokenEndpointAuthMethod: 'client_secret_post',
          },
        },
      }),
    ).toThrow(/clientSecret/)
    expect(make({ encryptionKey: randomBytes(32).toString('base64') })).not.toThrow()
  })
})
