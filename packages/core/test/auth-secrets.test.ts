import { inspect } from 'node:util'
import { toolFromDefinition } from '@inboard/tools'
import { describe, expect, it, vi } from 'vitest'
import { createRuntime, type RuntimeEvent } from '@inboard/core'
import { createFakeClock, createScriptedPlanner } from '@inboard/core/testing'
import { CLIENT_SECRET } from './auth-server.js'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { callThenFinish, consentFor, createAuthRuntime } from './auth-fixtures.js'

const server = useOAuthServer()

const API_KEY = 'canary-api-key-Zp3mQ8rT'

/** Everything a secret could leak into, captured as text. */
function capture(): { text: () => string; add: (value: unknown) => void; stop: () => void } {
  const chunks: string[] = []
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi
      .spyOn(console, level)
      .mockImplementation(
        (...args: unknown[]) => void chunks.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' ')),
      ),
  )
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream)
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return original(chunk, ...(rest as []))
    })
    return spy
  })
  return {
    text: () => chunks.join('\n'),
    add: (value) =>
      void chunks.push(typeof value === 'string' ? value : inspect(value, { depth: 12 }) + JSON.stringify(value)),
    stop: () => {
      for (const spy of [...spies, ...writes]) spy.mockRestore()
    },
  }
}

describe('secrets', () => {
  it('keeps tokens, API keys and the client secret out of traces, events, errors, results and logs', async () => {
    const seen = capture()
    try {
      const harness = createAuthRuntime(server, { planner: callThenFinish('create_contact') })
      const { runtime, clock } = harness
      runtime.subscribe((event: RuntimeEvent) => seen.add(event))

      // Connect through a task, hit insufficient_scope, consent again, refresh on expiry and on 401.
      const task = await runtime.tasks.create({ prompt: 'Create a contact', user_id: 'user_canary' })
      seen.add(
        await consentFor(harness, server, {
          task: await runtime.tasks.wait(task.id, { until: 'waiting' }),
          login: 'user_canary',
        }),
      )
      seen.add(
        await consentFor(harness, server, {
          task: await runtime.tasks.wait(task.id, { until: 'waiting' }),
          login: 'user_canary',
        }),
      )
      await runtime.tasks.wait(task.id)
      await clock.advance(3_600_000)
      const refreshed = await runtime.tasks.create({ prompt: 'Create another', user_id: 'user_canary' })
      await runtime.tasks.wait(refreshed.id)
      await server.expireAccessToken(server.issued.at(-1)?.access_token ?? '')
      const retried = await runtime.tasks.create({ prompt: 'Create a third', user_id: 'user_canary' })
      await runtime.tasks.wait(retried.id)

      // Failures: a bad state, a code the token endpoint refuses, and a task without a user.
      seen.add(await runtime.auth.complete({ state: 'forged', code: 'x' }).catch((error: unknown) => error))
      const link = new URL(await runtime.auth.authorizationUrl('user_canary', 'crm'))
      seen.add(
        await runtime.auth
          .complete({ state: link.searchParams.get('state') ?? '', code: 'not-a-real-code' })
          .catch((error: unknown) => error),
      )
      const anonymous = await runtime.tasks.create({ prompt: 'Create a contact' })
      await runtime.tasks.wait(anonymous.id)
      seen.add(await runtime.auth.status('user_canary', 'crm'))

      // An API-key service whose upstream rejects the key (sent in the query string).
      const legacy = toolFromDefinition({
        name: 'legacy',
        description: 'Legacy CRM',
        version: '1.0.0',
        base_url: server.apiUrl,
        auth: { type: 'api_key', query_param: 'api_key' },
        capabilities: [{ name: 'list', description: 'List', method: 'GET', path: '/contacts' }],
      })
      const keyed = createRuntime({
        tools: [legacy],
        clock: createFakeClock(),
        planner: createScriptedPlanner([
          { type: 'call', calls: [{ tool: 'legacy', capability: 'list', input: {} }] },
          { type: 'finish', result: 'done' },
        ]),
        auth: { encryptionKey: harness.key, services: { legacy: { type: 'api_key' } } },
      })
      keyed.subscribe((event) => seen.add(event))
      await keyed.auth.setCredentials('user_canary', 'legacy', { secret: API_KEY })
      const keyedTask = await keyed.tasks.create({ prompt: 'List', user_id: 'user_canary' })
      const failed = await keyed.tasks.wait(keyedTask.id)
      expect(failed.error?.code).toBe('auth_token_expired')
      seen.add(failed)
      seen.add(await keyed.tasks.trace(keyedTask.id))

      for (const id of [task.id, refreshed.id, retried.id, anonymous.id]) {
        seen.add(await runtime.tasks.get(id))
        seen.add(await runtime.tasks.trace(id))
      }
      seen.add(await runtime.tasks.list({}))

      // The flow really ran: two consents, a refresh on expiry, a refresh after the 401.
      expect((await runtime.tasks.get(retried.id)).status).toBe('complete')
      expect(server.tokenRequests.filter((grant) => grant === 'refresh_token').length).toBeGreaterThanOrEqual(2)

      const canaries = [
        CLIENT_SECRET,
        API_KEY,
        ...server.issued.flatMap((tokens) => [tokens.access_token, tokens.refresh_token ?? []].flat()),
      ]
      expect(canaries.length).toBeGreaterThan(6)
      const text = seen.text()
      expect(text).toContain('oauth_state_invalid')
      expect(text).toContain('oauth_exchange_failed')
      expect(text).toContain('user_required')
      expect(text).toContain('code_challenge=') // the task.waiting events were captured
      for (const canary of canaries)
        expect(text.includes(canary), `a secret leaked: ${canary.slice(0, 6)}…`).toBe(false)

      // At rest: neither tokens, the API key, nor user ids appear in the store.
      const rest = JSON.stringify([...harness.raw])
      for (const canary of [...canaries, 'user_canary']) expect(rest.includes(canary)).toBe(false)
    } finally {
      seen.stop()
    }
  })
})
