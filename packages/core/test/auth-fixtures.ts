import { randomBytes } from 'node:crypto'
import { toolFromDefinition } from '@inboard/tools'
import { Keyv } from 'keyv'
import { createRuntime, type AuthOptions, type Runtime, type AuthApi, type Task } from '@inboard/core'
import { createFakeClock, createScriptedPlanner, type FakeClock } from '@inboard/core/testing'
import { CLIENT_SECRET, type AuthServer } from './auth-server.js'

/** The CRM tool as an app would declare it: custom-tool JSON with OAuth 2.0 auth at the test API. */
export function crmTool(server: AuthServer): ReturnType<typeof toolFromDefinition> {
  return toolFromDefinition({
    name: 'crm',
    description: 'CRM contacts',
    version: '1.0.0',
    base_url: server.apiUrl,
    auth: { type: 'oauth2', authorize_url: server.authorizeUrl, token_url: server.tokenUrl, scopes: ['contacts.read'] },
    capabilities: [
      { name: 'list_contacts', description: 'List contacts', method: 'GET', path: '/contacts' },
      {
        name: 'create_contact',
        description: 'Create a contact',
        method: 'POST',
        path: '/contacts',
        parameters: { name: { type: 'string', required: true } },
      },
    ],
  })
}

/** Calls one CRM capability, then finishes with its output. */
export function callThenFinish(
  capability: 'list_contacts' | 'create_contact',
): ReturnType<typeof createScriptedPlanner> {
  const input = capability === 'create_contact' ? { name: 'Ada' } : {}
  return createScriptedPlanner([
    { type: 'call', calls: [{ tool: 'crm', capability, input }] },
    (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
  ])
}

export interface AuthHarness {
  runtime: Runtime & { readonly auth: AuthApi }
  clock: FakeClock
  store: Keyv
  /** The raw map behind the keyv store, to inspect what is at rest. */
  raw: Map<string, unknown>
  key: string
}

export function createAuthRuntime(
  server: AuthServer,
  options: {
    planner?: ReturnType<typeof createScriptedPlanner>
    store?: Keyv
    raw?: Map<string, unknown>
    key?: string
    concurrency?: number
    auth?: Partial<AuthOptions>
  } = {},
): AuthHarness {
  const raw = options.raw ?? new Map<string, unknown>()
  const store = options.store ?? new Keyv({ store: raw })
  const key = options.key ?? randomBytes(32).toString('base64')
  const clock = createFakeClock()
  const runtime = createRuntime({
    tools: [crmTool(server)],
    planner: options.planner ?? callThenFinish('list_contacts'),
    clock,
    concurrency: options.concurrency ?? 10,
    auth: {
      encryptionKey: key,
      store,
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
      ...options.auth,
    },
  })
  return { runtime, clock, store, raw, key }
}

/** Runs the consent at `task.waiting.auth_url` as `login` and hands the redirect to `runtime.auth.complete`. */
export async function consentFor(
  harness: AuthHarness,
  server: AuthServer,
  { task, login }: { task: Task; login: string },
): Promise<Awaited<ReturnType<AuthApi['complete']>>> {
  const authUrl = task.waiting?.auth_url
  if (authUrl == null) throw new Error(`Task ${task.id} is not waiting for consent`)
  const redirect = await server.consent(authUrl, { login })
  return harness.runtime.auth.complete({
    state: redirect.searchParams.get('state') ?? '',
    code: redirect.searchParams.get('code') ?? '',
  })
}

/** Connects `login` through a pre-connect link (no task involved). */
export async function connect(harness: AuthHarness, server: AuthServer, login: string): Promise<void> {
  const redirect = await server.consent(await harness.runtime.auth.authorizationUrl(login, 'crm'), { login })
  await harness.runtime.auth.complete({
    state: redirect.searchParams.get('state') ?? '',
    code: redirect.searchParams.get('code') ?? '',
  })
}

/** The test provider's access-token lifetime. */
export const HOUR = 3_600_000

/** Refresh-token grants the provider has answered so far. */
export function refreshCount(server: AuthServer): number {
  return server.tokenRequests.filter((grant) => grant === 'refresh_token').length
}
