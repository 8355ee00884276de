import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createRuntime, memoryStorage, type Storage } from '@inboard/core'
import { createFakeClock } from '@inboard/core/testing'
import { CLIENT_SECRET } from './auth-server.js'
import { useOAuthServer } from './support/oauth-server-fixture.js'
import { callThenFinish, crmTool } from './auth-fixtures.js'

const server = useOAuthServer()

/** One process of the app: a runtime on the shared storage, with the same vault key every time. */
function startProcess(storage: Storage, key: string, at: number) {
  return createRuntime({
    storage,
    tools: [crmTool(server)],
    planner: callThenFinish('list_contacts'),
    clock: createFakeClock(at),
    auth: {
      encryptionKey: key,
      services: {
        crm: {
          type: 'oauth2',
          authorizeUrl: server.authorizeUrl,
          tokenUrl: server.tokenUrl,
          clientId: server.clientId,
          clientSecret: CLIENT_SECRET,
          scopes: ['contacts.read'],
          redirectUri: server.redirectUri,
        },
      },
    },
  })
}

describe('a task waiting for OAuth consent across a restart', () => {
  it('resumes the task in the new process when the user finishes the consent the old process started', async () => {
    const storage = memoryStorage()
    const key = randomBytes(32).toString('base64')
    const start = Date.parse('2026-03-01T09:00:00Z')
    const first = startProcess(storage, key, start)
    const task = await first.tasks.create({ prompt: 'List my CRM contacts', user_id: 'user_restart' })
    const waiting = await first.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting?.reason).toBe('oauth_consent_required')

    // The first process dies; the user finishes consent at the link it handed out, and the
    // redirect reaches a new process on the same storage.
    const second = startProcess(storage, key, start + 60_000)
    const redirect = await server.consent(waiting.waiting?.auth_url ?? '', { login: 'user_restart' })
    const completed = await second.auth.complete({
      state: redirect.searchParams.get('state') ?? '',
      code: redirect.searchParams.get('code') ?? '',
    })
    expect(completed).toMatchObject({ user_id: 'user_restart', service: 'crm', resumed: 1 })
    const done = await second.tasks.wait(task.id)
    expect(done).toMatchObject({
      status: 'complete',
      result: { owner: 'user_restart', contacts: [{ name: 'Contact of user_restart' }] },
    })
    expect((await second.tasks.trace(task.id)).steps.map((step) => `${step.action}:${step.status}`)).toEqual([
      'plan:complete',
      'list_contacts:waiting',
      'wait_oauth_consent_required:complete',
      'list_contacts:complete',
      'plan:complete',
    ])
    await second.close({ deadlineMs: 0 })
  })
})
