import { describe, expect, it } from 'vitest'
import type { ScopeRequest } from '@inboard/core'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { callThenFinish, connect, consentFor, createAuthRuntime } from './auth-fixtures.js'

const server = useOAuthServer()

describe('scopes', () => {
  it('asks for incremental consent with the missing scope when the API answers insufficient_scope, then completes the call', async () => {
    const harness = createAuthRuntime(server, { planner: callThenFinish('create_contact') })
    const { runtime } = harness
    await connect(harness, server, 'user_scope')
    const task = await runtime.tasks.create({ prompt: 'Create a contact named Ada', user_id: 'user_scope' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(server.apiRequests.at(-1)).toMatchObject({ method: 'POST', status: 403 })
    expect(waiting.waiting).toMatchObject({
      reason: 'oauth_consent_required',
      service: 'crm',
      message: expect.stringMatching(/more access/),
    })
    const scope = new URL(waiting.waiting?.auth_url ?? '').searchParams.get('scope')?.split(' ')
    expect(scope).toEqual(['contacts.read', 'contacts.write'])

    const completed = await consentFor(harness, server, { task: waiting, login: 'user_scope' })
    expect(completed.scopes.sort()).toEqual(['contacts.read', 'contacts.write'])
    expect(completed.resumed).toBe(1)
    expect((await runtime.tasks.wait(task.id)).result).toEqual({ created: true, owner: 'user_scope' })

    // The scope is granted now: the next task runs straight through.
    const next = await runtime.tasks.create({ prompt: 'Create another', user_id: 'user_scope' })
    expect((await runtime.tasks.wait(next.id)).status).toBe('complete')
  })

  it('requests scopes from auth.scopesFor up front, before the API has to refuse the call', async () => {
    const asked: ScopeRequest[] = []
    const harness = createAuthRuntime(server, {
      planner: callThenFinish('create_contact'),
      auth: {
        scopesFor: (request) => {
          asked.push(request)
          return request.capability === 'create_contact' ? ['contacts.write'] : undefined
        },
      },
    })
    const { runtime } = harness
    const task = await runtime.tasks.create({ prompt: 'Create a contact named Ada', user_id: 'user_learned' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(new URL(waiting.waiting?.auth_url ?? '').searchParams.get('scope')).toBe('contacts.read contacts.write')
    expect(asked[0]).toEqual({
      user_id: 'user_learned',
      service: 'crm',
      task_id: task.id,
      sub_agent: null,
      capability: 'create_contact',
    })
    const apiCalls = server.apiRequests.length
    await consentFor(harness, server, { task: waiting, login: 'user_learned' })
    expect((await runtime.tasks.wait(task.id)).result).toEqual({ created: true, owner: 'user_learned' })
    // One API call: the one that succeeded. The learned scope avoided the 403 round trip.
    expect(server.apiRequests.length - apiCalls).toBe(1)
  })

  it('asks for consent before a call whose learned scope was never granted, without calling the API', async () => {
    const harness = createAuthRuntime(server, { planner: callThenFinish('create_contact') })
    const { runtime } = harness
    await connect(harness, server, 'user_gap')
    const asked: (string | null)[] = []
    const remove = runtime.auth.addScopeSource((request) => {
      asked.push(request.capability)
      return request.capability === 'create_contact' ? ['contacts.write'] : []
    })
    const apiCalls = server.apiRequests.length
    const task = await runtime.tasks.create({ prompt: 'Create a contact', user_id: 'user_gap' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(server.apiRequests.length).toBe(apiCalls)
    expect(new URL(waiting.waiting?.auth_url ?? '').searchParams.get('scope')).toBe('contacts.read contacts.write')
    expect(asked).toEqual(['create_contact', 'create_contact'])
    remove()
    await runtime.auth.authorizationUrl('user_gap', 'crm')
    expect(asked).toHaveLength(2)
  })
})
