import { describe, expect, it } from 'vitest'
import type { RuntimeEvent } from '@inboard/core'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { consentFor, createAuthRuntime } from './auth-fixtures.js'

const server = useOAuthServer()

describe('OAuth consent against a real authorization server', () => {
  it('parks a task for an unconnected service with a consent link, frees its slot, and resumes it where it stopped once the user consents', async () => {
    const harness = createAuthRuntime(server, { concurrency: 1 })
    const { runtime } = harness
    const events: RuntimeEvent[] = []
    runtime.subscribe((event) => events.push(event))

    const task = await runtime.tasks.create({ prompt: 'List my CRM contacts', user_id: 'user_123' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'oauth_consent_required',
      service: 'crm',
      message: expect.stringMatching(/connect/),
    })
    const authUrl = new URL(waiting.waiting?.auth_url ?? '')
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(server.authorizeUrl)
    expect(authUrl.searchParams.get('response_type')).toBe('code')
    expect(authUrl.searchParams.get('client_id')).toBe(server.clientId)
    expect(authUrl.searchParams.get('redirect_uri')).toBe(server.redirectUri)
    expect(authUrl.searchParams.get('scope')).toBe('contacts.read')
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(events.find((event) => event.type === 'task.waiting')).toMatchObject({ type: 'task.waiting' })

    // The waiting task holds no slot: with concurrency 1, another task still runs (to its own wait).
    const other = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_456' })
    expect((await runtime.tasks.wait(other.id, { until: 'waiting' })).status).toBe('waiting')
    expect(server.apiRequests).toHaveLength(0)

    const redirect = await server.consent(authUrl.toString(), { login: 'user_123' })
    expect(`${redirect.origin}${redirect.pathname}?source=${redirect.searchParams.get('source')}`).toBe(
      server.redirectUri,
    )
    expect(redirect.searchParams.get('state')).toBe(authUrl.searchParams.get('state'))
    const completed = await runtime.auth.complete({
      state: redirect.searchParams.get('state') ?? '',
      code: redirect.searchParams.get('code') ?? '',
    })
    expect(completed).toEqual({ user_id: 'user_123', service: 'crm', scopes: ['contacts.read'], resumed: 1 })

    const done = await runtime.tasks.wait(task.id)
    expect(done.status).toBe('complete')
    expect(done.result).toEqual({ owner: 'user_123', contacts: [{ name: 'Contact of user_123' }] })
    expect((await runtime.tasks.trace(task.id)).steps.map((step) => `${step.action}:${step.status}`)).toEqual([
      'plan:complete',
      'list_contacts:waiting',
      'wait_oauth_consent_required:complete',
      'list_contacts:complete',
      'plan:complete',
    ])
    // user_456 has not consented: their task is still waiting, untouched by user_123's consent.
    expect((await runtime.tasks.get(other.id)).status).toBe('waiting')
    expect(await runtime.auth.status('user_123', 'crm')).toMatchObject({
      connected: true,
      scopes: ['contacts.read'],
      refreshable: true,
    })
    expect(await runtime.auth.status('user_456', 'crm')).toMatchObject({ connected: false })
  })

  it('resumes every task of the user waiting for the service with one consent', async () => {
    const harness = createAuthRuntime(server)
    const { runtime } = harness
    const tasks = await Promise.all(
      [1, 2, 3].map(() => runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_many' })),
    )
    const waiting = await Promise.all(tasks.map((task) => runtime.tasks.wait(task.id, { until: 'waiting' })))
    const first = waiting[0]
    if (first === undefined) throw new Error('no task')
    expect(new Set(waiting.map((task) => task.waiting?.auth_url)).size).toBe(3)
    expect((await consentFor(harness, server, { task: first, login: 'user_many' })).resumed).toBe(3)
    for (const task of tasks) expect((await runtime.tasks.wait(task.id)).result).toMatchObject({ owner: 'user_many' })
  })

  it('refuses a reused, expired, tampered or foreign state without calling the token endpoint', async () => {
    const harness = createAuthRuntime(server)
    const { runtime, clock } = harness
    const login = async (user: string): Promise<URL> =>
      server.consent(await runtime.auth.authorizationUrl(user, 'crm'), { login: user })
    const redirect = await login('user_state')
    const state = redirect.searchParams.get('state') ?? ''
    const code = redirect.searchParams.get('code') ?? ''
    const before = server.tokenRequests.length

    await expect(
      runtime.auth.complete({ state: `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`, code }),
    ).rejects.toMatchObject({ code: 'oauth_state_invalid' })
    await expect(runtime.auth.complete({ state: 'made-up-state', code })).rejects.toMatchObject({
      code: 'oauth_state_invalid',
    })
    expect(server.tokenRequests.length).toBe(before)

    await expect(runtime.auth.complete({ state, code })).resolves.toMatchObject({ user_id: 'user_state' })
    expect(server.tokenRequests.length).toBe(before + 1)
    await expect(runtime.auth.complete({ state, code })).rejects.toMatchObject({ code: 'oauth_state_invalid' })

    const late = await login('user_state')
    await clock.advance(10 * 60_000 + 1)
    await expect(
      runtime.auth.complete({ state: late.searchParams.get('state') ?? '', code: late.searchParams.get('code') ?? '' }),
    ).rejects.toMatchObject({ code: 'oauth_state_invalid' })

    // A state issued by another runtime (another store) is unknown here.
    const elsewhere = createAuthRuntime(server)
    const foreign = await server.consent(await elsewhere.runtime.auth.authorizationUrl('user_state', 'crm'), {
      login: 'user_state',
    })
    await expect(
      runtime.auth.complete({
        state: foreign.searchParams.get('state') ?? '',
        code: foreign.searchParams.get('code') ?? '',
      }),
    ).rejects.toMatchObject({ code: 'oauth_state_invalid' })
    expect(server.tokenRequests.length).toBe(before + 1)
  })

  it('reports a declined consent as oauth_consent_denied and keeps the task waiting', async () => {
    const { runtime } = createAuthRuntime(server)
    const task = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_no' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    const redirect = await server.consent(waiting.waiting?.auth_url ?? '', { login: 'user_no', deny: true })
    expect(redirect.searchParams.get('error')).toBe('access_denied')
    const before = server.tokenRequests.length
    const params = {
      state: redirect.searchParams.get('state') ?? '',
      error: 'access_denied',
      errorDescription: redirect.searchParams.get('error_description') ?? '',
    }
    await expect(runtime.auth.complete(params)).rejects.toMatchObject({
      code: 'oauth_consent_denied',
      recoverable: true,
    })
    expect(server.tokenRequests.length).toBe(before)
    expect((await runtime.tasks.get(task.id)).status).toBe('waiting')
  })
})
