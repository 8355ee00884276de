import { describe, expect, it } from 'vitest'
import { Keyv } from 'keyv'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { connect, consentFor, createAuthRuntime, HOUR, refreshCount } from './auth-fixtures.js'

const server = useOAuthServer()

const refreshes = (): number => refreshCount(server)

describe('token refresh', () => {
  it('refreshes an expiring token exactly once for 20 concurrent calls', async () => {
    const harness = createAuthRuntime(server, { concurrency: 20 })
    const { runtime, clock } = harness
    await connect(harness, server, 'user_expiry')
    expect((await runtime.auth.status('user_expiry', 'crm')).expires_at).toBe(
      new Date(clock.now() + HOUR).toISOString(),
    )
    await clock.advance(HOUR - 30_000) // inside the default 60 s refresh window
    const before = refreshes()
    const tasks = await Promise.all(
      Array.from({ length: 20 }, () => runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_expiry' })),
    )
    const done = await Promise.all(tasks.map((task) => runtime.tasks.wait(task.id)))
    expect(done.map((task) => task.status)).toEqual(Array.from({ length: 20 }, () => 'complete'))
    expect(refreshes() - before).toBe(1)
    const fresh = server.issued.at(-1)?.access_token
    expect(server.apiRequests.slice(-20).every((request) => request.token === fresh && request.status === 200)).toBe(
      true,
    )
  })

  it('refreshes exactly once when 20 concurrent calls get a 401 for a token the provider ended early, and retries each call', async () => {
    const harness = createAuthRuntime(server, { concurrency: 20 })
    const { runtime } = harness
    await connect(harness, server, 'user_401')
    const revoked = server.issued.at(-1)?.access_token ?? ''
    await server.expireAccessToken(revoked)
    const before = refreshes()
    const tasks = await Promise.all(
      Array.from({ length: 20 }, () => runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_401' })),
    )
    const done = await Promise.all(tasks.map((task) => runtime.tasks.wait(task.id)))
    expect(done.every((task) => task.status === 'complete')).toBe(true)
    expect(refreshes() - before).toBe(1)
    const rejected = server.apiRequests.filter((request) => request.token === revoked)
    expect(rejected.length).toBeGreaterThan(0)
    expect(rejected.every((request) => request.status === 401)).toBe(true)
    const traces = await Promise.all(done.map((task) => runtime.tasks.trace(task.id)))
    const retried = traces.filter((trace) =>
      trace.steps.some((step) => /refreshing it and retrying once/.test(step.note ?? '')),
    )
    expect(retried.length).toBe(rejected.length)
  })

  it('persists a rotated refresh token before the new access token is used, so a restarted runtime can refresh with it', async () => {
    const raw = new Map<string, unknown>()
    const writes: { issued: number; apiCallsWithNewestToken: number }[] = []
    const store = new Keyv({
      store: new (class extends Map<string, unknown> {
        override set(key: string, value: unknown): this {
          if (key.includes('inboard:cred:')) {
            const newest = server.issued.at(-1)?.access_token
            writes.push({
              issued: server.issued.length,
              apiCallsWithNewestToken: server.apiRequests.filter((request) => request.token === newest).length,
            })
          }
          raw.set(key, value)
          return super.set(key, value)
        }
      })(),
    })
    const first = createAuthRuntime(server, { store, raw })
    await connect(first, server, 'user_rotate')
    const firstRefreshToken = server.issued.at(-1)?.refresh_token
    await first.clock.advance(HOUR)
    const issuedBefore = server.issued.length
    const task = await first.runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_rotate' })
    expect((await first.runtime.tasks.wait(task.id)).status).toBe('complete')
    expect(server.issued.length).toBe(issuedBefore + 1)
    const rotated = server.issued.at(-1)?.refresh_token
    expect(rotated).toBeDefined()
    expect(rotated).not.toBe(firstRefreshToken)
    const persisted = writes.find((write) => write.issued === issuedBefore + 1)
    expect(persisted).toEqual({ issued: issuedBefore + 1, apiCallsWithNewestToken: 0 })

    // A restart: a new runtime on the same store and key. Reusing the consumed refresh token would
    // make the provider revoke the grant (invalid_grant); the persisted rotated one works.
    const restarted = createAuthRuntime(server, { store, raw, key: first.key })
    await restarted.clock.advance(3 * HOUR)
    const again = await restarted.runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_rotate' })
    const done = await restarted.runtime.tasks.wait(again.id)
    expect(done.status).toBe('complete')
    expect(done.result).toMatchObject({ owner: 'user_rotate' })
    expect(server.issued.length).toBe(issuedBefore + 2)
  })

  it('sends the task back to waiting for consent when the refresh token is rejected with invalid_grant', async () => {
    const harness = createAuthRuntime(server)
    const { runtime, clock } = harness
    await connect(harness, server, 'user_revoked')
    await server.revoke(server.issued.at(-1)?.refresh_token ?? '')
    await clock.advance(HOUR)
    const before = refreshes()
    const task = await runtime.tasks.create({ prompt: 'List contacts', user_id: 'user_revoked' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(refreshes() - before).toBe(1)
    expect(waiting.waiting).toMatchObject({
      reason: 'oauth_consent_required',
      service: 'crm',
      message: expect.stringMatching(/reconnect/),
    })
    expect(await runtime.auth.status('user_revoked', 'crm')).toMatchObject({ connected: false })
    expect(await consentFor(harness, server, { task: waiting, login: 'user_revoked' })).toMatchObject({ resumed: 1 })
    expect((await runtime.tasks.wait(task.id)).result).toMatchObject({ owner: 'user_revoked' })
  })
})
