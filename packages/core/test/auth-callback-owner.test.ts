import { describe, expect, it } from 'vitest'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { createAuthRuntime, type AuthHarness } from './auth-fixtures.js'

const server = useOAuthServer()

/** Runs the consent at `url` as `login` and returns the redirect's state and code. */
async function redirectFor(harness: AuthHarness, url: string, login: string): Promise<{ state: string; code: string }> {
  const redirect = await server.consent(url, { login })
  return { state: redirect.searchParams.get('state') ?? '', code: redirect.searchParams.get('code') ?? '' }
}

describe("complete() checks the signed-in user against the state's owner (login CSRF)", () => {
  it("refuses an attacker's consent finished in the victim's session, without calling the token endpoint, and the state stays used", async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    // Mallory starts a consent for her own user and sends the victim the redirect link.
    const attack = await redirectFor(harness, await runtime.auth.authorizationUrl('mallory', 'crm'), 'mallory')
    const before = server.tokenRequests.length

    await expect(runtime.auth.complete({ ...attack, user_id: 'victim' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    expect(server.tokenRequests.length).toBe(before)
    // Single use: not even the state's own user can finish it afterwards.
    await expect(runtime.auth.complete({ ...attack, user_id: 'mallory' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    await expect(runtime.auth.complete(attack)).rejects.toMatchObject({ code: 'oauth_state_invalid' })
    expect(server.tokenRequests.length).toBe(before)
    expect(await runtime.auth.status('victim', 'crm')).toMatchObject({ connected: false })
    expect(await runtime.auth.status('mallory', 'crm')).toMatchObject({ connected: false })
  })

  it('refuses a mismatch even on a declined-consent callback, before reporting the decline', async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    const redirect = await server.consent(await runtime.auth.authorizationUrl('mallory', 'crm'), {
      login: 'mallory',
      deny: true,
    })
    const state = redirect.searchParams.get('state') ?? ''
    await expect(runtime.auth.complete({ state, error: 'access_denied', user_id: 'victim' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    await expect(runtime.auth.complete({ state, error: 'access_denied', user_id: 'mallory' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
  })

  it('completes when the signed-in user matches, and resumes that user’s waiting task', async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    const task = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_ok' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    const before = server.tokenRequests.length
    const callback = await redirectFor(harness, waiting.waiting?.auth_url ?? '', 'user_ok')
    expect(await runtime.auth.complete({ ...callback, user_id: 'user_ok', account: null })).toEqual({
      user_id: 'user_ok',
      service: 'crm',
      scopes: ['contacts.read'],
      resumed: 1,
    })
    expect(server.tokenRequests.length).toBe(before + 1)
    expect((await runtime.tasks.wait(task.id)).result).toMatchObject({ owner: 'user_ok' })
  })

  it("refuses a state issued in another account for the same user_id, and accepts the state's own account", async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    const task = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'alice' }, { account: 'A' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    const before = server.tokenRequests.length

    const wrongAccount = await redirectFor(
      harness,
      await runtime.auth.authorizationUrl('alice', 'crm', { account: 'A' }),
      'alice',
    )
    await expect(runtime.auth.complete({ ...wrongAccount, user_id: 'alice', account: 'B' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    const defaultAccount = await redirectFor(
      harness,
      await runtime.auth.authorizationUrl('alice', 'crm', { account: 'A' }),
      'alice',
    )
    await expect(runtime.auth.complete({ ...defaultAccount, account: null })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    const fromDefault = await redirectFor(harness, await runtime.auth.authorizationUrl('alice', 'crm'), 'alice')
    await expect(runtime.auth.complete({ ...fromDefault, user_id: 'alice', account: 'A' })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    expect(server.tokenRequests.length).toBe(before)
    expect((await runtime.tasks.get(task.id)).status).toBe('waiting')
    expect(await runtime.auth.status('alice', 'crm', { account: 'A' })).toMatchObject({ connected: false })

    const right = await redirectFor(harness, waiting.waiting?.auth_url ?? '', 'alice')
    expect((await runtime.auth.complete({ ...right, user_id: 'alice', account: 'A' })).resumed).toBe(1)
    expect(server.tokenRequests.length).toBe(before + 1)
    expect((await runtime.tasks.wait(task.id)).result).toMatchObject({ owner: 'alice' })
  })
})
