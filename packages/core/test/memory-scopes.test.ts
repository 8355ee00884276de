import { describe, expect, it } from 'vitest'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { callThenFinish, consentFor, createAuthRuntime } from './auth-fixtures.js'

const server = useOAuthServer()

const scopesOf = (authUrl: string | null | undefined): string[] =>
  (new URL(authUrl ?? '').searchParams.get('scope') ?? '').split(' ')

describe('execution memory: OAuth scopes, against a real authorization server', () => {
  it('learns the scope a capability needed on the first run and asks the next user for it in the first consent', async () => {
    const harness = createAuthRuntime(server, { planner: callThenFinish('create_contact') })
    const { runtime } = harness

    // Run 1: consent for the configured scope, a 403 insufficient_scope, then a second consent round.
    const first = await runtime.tasks.create({ prompt: 'Create a CRM contact', user_id: 'user_a' })
    const connect = await runtime.tasks.wait(first.id, { until: 'waiting' })
    expect(scopesOf(connect.waiting?.auth_url)).toEqual(['contacts.read'])
    await consentFor(harness, server, { task: connect, login: 'user_a' })
    const incremental = await runtime.tasks.wait(first.id, { until: 'waiting' })
    expect(scopesOf(incremental.waiting?.auth_url)).toEqual(['contacts.read', 'contacts.write'])
    await consentFor(harness, server, { task: incremental, login: 'user_a' })
    expect((await runtime.tasks.wait(first.id)).status).toBe('complete')
    expect(
      (await runtime.tasks.trace(first.id)).steps.filter((step) => step.action === 'wait_oauth_consent_required'),
    ).toHaveLength(2)

    const [learned] = (await runtime.memory.get(null)).filter((entry) => entry.kind === 'oauth_scopes')
    expect(learned).toMatchObject({
      tool: 'crm',
      value: { scopes: ['contacts.write'] },
      provenance: {
        task_id: first.id,
        evidence: {
          code: 'insufficient_scope',
          status: 403,
          capability: 'create_contact',
          'www-authenticate': expect.stringContaining('insufficient_scope'),
        },
      },
    })

    // Run 2, a new user: one consent round that already asks for contacts.write.
    const second = await runtime.tasks.create({ prompt: 'Create a CRM contact', user_id: 'user_b' })
    const once = await runtime.tasks.wait(second.id, { until: 'waiting' })
    expect(scopesOf(once.waiting?.auth_url)).toEqual(['contacts.read', 'contacts.write'])
    await consentFor(harness, server, { task: once, login: 'user_b' })
    expect((await runtime.tasks.wait(second.id)).status).toBe('complete')
    const trace = await runtime.tasks.trace(second.id)
    expect(trace.steps.filter((step) => step.action === 'wait_oauth_consent_required')).toHaveLength(1)
    expect(trace.steps.map((step) => step.note ?? '').join(' ')).toContain(
      `requested learned scopes contacts.write up front (learned from ${first.id})`,
    )
    expect((await runtime.memory.get(null)).find((entry) => entry.kind === 'oauth_scopes')?.uses).toBeGreaterThan(0)
  })

  it('does not apply learned scopes to a task with memory turned off, nor after a reset', async () => {
    const harness = createAuthRuntime(server, { planner: callThenFinish('create_contact') })
    const { runtime } = harness
    await runtime.memory.import({
      version: 1,
      exported_at: '2026-01-01T00:00:00.000Z',
      entries: [
        {
          id: '*:oauth_scopes',
          kind: 'oauth_scopes',
          sub_agent: null,
          tool: 'crm',
          account: null,
          capability: null,
          value: { scopes: ['contacts.write'] },
          provenance: { task_id: 'task_seed', learned_at: '2026-01-01T00:00:00.000Z', evidence: { status: 403 } },
          uses: 0,
          last_used_at: null,
        },
      ],
    })
    const off = await runtime.tasks.create({ prompt: 'Create a CRM contact', user_id: 'user_c', memory: false })
    expect(scopesOf((await runtime.tasks.wait(off.id, { until: 'waiting' })).waiting?.auth_url)).toEqual([
      'contacts.read',
    ])
    const on = await runtime.tasks.create({ prompt: 'Create a CRM contact', user_id: 'user_d' })
    expect(scopesOf((await runtime.tasks.wait(on.id, { until: 'waiting' })).waiting?.auth_url)).toEqual([
      'contacts.read',
      'contacts.write',
    ])
    await runtime.memory.reset(null, { tool: 'crm' })
    const reset = await runtime.tasks.create({ prompt: 'Create a CRM contact', user_id: 'user_e' })
    expect(scopesOf((await runtime.tasks.wait(reset.id, { until: 'waiting' })).waiting?.auth_url)).toEqual([
      'contacts.read',
    ])
  })
})
