import { randomBytes } from 'node:crypto'
import { defineTool, type Credential } from '@inboard/tools'
import { Keyv } from 'keyv'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRuntime } from '@inboard/core'
import { createFakeClock, createScriptedPlanner } from '@inboard/core/testing'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { consentFor, createAuthRuntime, type AuthHarness, HOUR, refreshCount } from './auth-fixtures.js'

const server = useOAuthServer()

const refreshes = (): number => refreshCount(server)

/** A mail tool that reports whose credential it was handed (the secret itself would be redacted from results). */
function mailRuntime(raw = new Map<string, unknown>()) {
  const seen: (Credential | undefined)[] = []
  const mail = defineTool({
    name: 'mail',
    description: 'Mail',
    capabilities: {
      send: {
        description: 'Send',
        input: z.object({}),
        run: async (_input, ctx) => {
          const own = await ctx.credentials?.get('mail')
          seen.push(own)
          return { key: own?.type === 'api_key' ? own.key.replace(/^key-of-/, 'owner ') : null }
        },
      },
    },
  })
  const runtime = createRuntime({
    tools: [mail],
    clock: createFakeClock(),
    planner: createScriptedPlanner([
      { type: 'call', calls: [{ tool: 'mail', capability: 'send', input: {} }] },
      (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
    ]),
    auth: { encryptionKey: randomBytes(32), store: new Keyv({ store: raw }), services: { mail: { type: 'api_key' } } },
  })
  return { runtime, seen, raw }
}

/** Connects `user` in `account` through a pre-connect link, logging in at the provider as `login`. */
async function connectIn(
  harness: AuthHarness,
  user: string,
  { account, login }: { account: string | null; login: string },
): Promise<void> {
  const redirect = await server.consent(await harness.runtime.auth.authorizationUrl(user, 'crm', { account }), {
    login,
  })
  await harness.runtime.auth.complete({
    state: redirect.searchParams.get('state') ?? '',
    code: redirect.searchParams.get('code') ?? '',
  })
}

describe('credentials are separated by account', () => {
  it('never hands a task in account B the secret stored for the same user_id in account A or in the default account', async () => {
    const { runtime, seen } = mailRuntime()
    await runtime.auth.setCredentials('alice', 'mail', { secret: 'key-of-default-alice' })
    await runtime.auth.setCredentials('alice', 'mail', { secret: 'key-of-A-alice', account: 'A' })

    const inB = await runtime.tasks.wait(
      (await runtime.tasks.create({ prompt: 'send', user_id: 'alice' }, { account: 'B' })).id,
      {},
      { account: 'B' },
    )
    expect(inB.status).toBe('failed')
    expect(inB.error).toMatchObject({ code: 'auth_required', tool: 'mail' })
    expect(seen).toEqual([])

    const inA = await runtime.tasks.wait(
      (await runtime.tasks.create({ prompt: 'send', user_id: 'alice' }, { account: 'A' })).id,
    )
    expect(inA.result).toEqual({ key: 'owner A-alice' })
    const inDefault = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'send', user_id: 'alice' })).id)
    expect(inDefault.result).toEqual({ key: 'owner default-alice' })

    expect(await runtime.auth.status('alice', 'mail', { account: 'B' })).toMatchObject({ connected: false })
    expect(await runtime.auth.status('alice', 'mail', { account: 'A' })).toMatchObject({ connected: true })
    expect(await runtime.auth.disconnect('alice', 'mail', { account: 'B' })).toBe(false)
    expect(await runtime.auth.disconnect('alice', 'mail', { account: 'A' })).toBe(true)
    expect(await runtime.auth.status('alice', 'mail', { account: 'A' })).toMatchObject({ connected: false })
    // The default account's row is untouched, and null means the default account explicitly.
    expect(await runtime.auth.status('alice', 'mail', { account: null })).toMatchObject({ connected: true })
    expect(await runtime.auth.status('alice', 'mail')).toMatchObject({ connected: true })
    await expect(runtime.auth.status('alice', 'mail', { account: '' })).rejects.toMatchObject({
      code: 'invalid_request',
    })
  })

  it('binds the ciphertext to the account: a row copied from another account (or the default) does not decrypt', async () => {
    const { runtime, raw } = mailRuntime()
    await runtime.auth.setCredentials('alice', 'mail', { secret: 'key-of-default-alice' })
    const [defaultRow] = [...raw.keys()]
    await runtime.auth.setCredentials('alice', 'mail', { secret: 'key-of-A-alice', account: 'A' })
    const rowOfA = [...raw.keys()].find((key) => key !== defaultRow)
    await runtime.auth.setCredentials('alice', 'mail', { secret: 'key-of-B-alice', account: 'B' })
    const rowOfB = [...raw.keys()].find((key) => key !== defaultRow && key !== rowOfA)
    if (defaultRow === undefined || rowOfA === undefined || rowOfB === undefined) throw new Error('expected three rows')
    expect(new Set([defaultRow, rowOfA, rowOfB]).size).toBe(3)
    for (const row of raw.values()) expect(String(row)).not.toContain('alice')

    raw.set(rowOfB, raw.get(rowOfA))
    await expect(runtime.auth.status('alice', 'mail', { account: 'B' })).rejects.toMatchObject({
      code: 'credential_unreadable',
    })
    const task = await runtime.tasks.wait(
      (await runtime.tasks.create({ prompt: 'send', user_id: 'alice' }, { account: 'B' })).id,
    )
    expect(task.error).toMatchObject({ code: 'credential_unreadable', tool: 'mail' })

    raw.set(rowOfA, raw.get(defaultRow))
    await expect(runtime.auth.status('alice', 'mail', { account: 'A' })).rejects.toMatchObject({
      code: 'credential_unreadable',
    })
    expect(
      (await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'send', user_id: 'alice' })).id)).result,
    ).toEqual({ key: 'owner default-alice' })
  })

  it("makes a task in account B ask for its own consent instead of using the default account's OAuth token for the same user_id", async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    await connectIn(harness, 'alice', { account: null, login: 'alice_default' })
    const apiCalls = server.apiRequests.length
    const task = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' }, { account: 'B' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({ reason: 'oauth_consent_required', service: 'crm' })
    expect(server.apiRequests.length).toBe(apiCalls)
    expect(await runtime.auth.status('alice', 'crm', { account: 'B' })).toMatchObject({ connected: false })
    expect(await runtime.auth.status('alice', 'crm')).toMatchObject({ connected: true })
  })

  it("resumes only account A's waiting task when (A, alice) consents, and stores the tokens for A's alice only", async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    const inA = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' }, { account: 'A' })
    const inB = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' }, { account: 'B' })
    const inDefault = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' })
    const waitingA = await runtime.tasks.wait(inA.id, { until: 'waiting' })
    expect((await runtime.tasks.wait(inB.id, { until: 'waiting' })).status).toBe('waiting')
    expect((await runtime.tasks.wait(inDefault.id, { until: 'waiting' })).status).toBe('waiting')

    expect(await consentFor(harness, server, { task: waitingA, login: 'alice_of_A' })).toEqual({
      user_id: 'alice',
      service: 'crm',
      scopes: ['contacts.read'],
      resumed: 1,
    })
    expect((await runtime.tasks.wait(inA.id)).result).toEqual({
      owner: 'alice_of_A',
      contacts: [{ name: 'Contact of alice_of_A' }],
    })
    expect((await runtime.tasks.get(inB.id)).status).toBe('waiting')
    expect((await runtime.tasks.get(inDefault.id)).status).toBe('waiting')
    expect(await runtime.auth.status('alice', 'crm', { account: 'A' })).toMatchObject({ connected: true })
    expect(await runtime.auth.status('alice', 'crm', { account: 'B' })).toMatchObject({ connected: false })
    expect(await runtime.auth.status('alice', 'crm')).toMatchObject({ connected: false })

    // B's own consent resumes B's task with B's grant.
    const waitingB = await runtime.tasks.get(inB.id)
    expect((await consentFor(harness, server, { task: waitingB, login: 'alice_of_B' })).resumed).toBe(1)
    expect((await runtime.tasks.wait(inB.id)).result).toMatchObject({ owner: 'alice_of_B' })
    expect((await runtime.tasks.get(inDefault.id)).status).toBe('waiting')
  })

  it('refreshes the same user_id in two accounts separately: one refresh per account, each with its own token', async () => {
    const harness = createAuthRuntime(server, { concurrency: 20 })
    const { runtime, clock } = harness
    await connectIn(harness, 'alice', { account: 'A', login: 'alice_refresh_A' })
    await connectIn(harness, 'alice', { account: 'B', login: 'alice_refresh_B' })
    await clock.advance(HOUR - 30_000)
    const before = refreshes()
    const tasks = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' }, { account: n % 2 === 0 ? 'A' : 'B' }),
      ),
    )
    const done = await Promise.all(tasks.map((task) => runtime.tasks.wait(task.id)))
    expect(refreshes() - before).toBe(2)
    expect(done.map((task) => (task.result as { owner?: string } | undefined)?.owner)).toEqual(
      Array.from({ length: 10 }, (_, n) => (n % 2 === 0 ? 'alice_refresh_A' : 'alice_refresh_B')),
    )
  })
})
