import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import { inspect } from 'node:util'
import type { Planner, RuntimeEvent } from '@inboard/core'
import { createFakeClock } from '@inboard/core/testing'
import { httpTool, toolFromDefinition } from '@inboard/tools'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startReceiver } from './support/webhook-receiver.js'
import { closeServer, listen, LIVE_KEY, startTestServer, type TestServer } from './support/test-server.js'

// Canaries: none of these may appear, in any form, in anything the runtime or the HTTP layer emits.
const API_KEY = 'canary-header-key+Q7/xv9=Lm2'
const QUERY_KEY = 'canary-query-key&Wp4 r8=Tz'
const ACCESS_TOKEN = 'canary-access-token-Jd83Kq0Pz'
const REFRESH_TOKEN = 'canary-refresh-token-Vb61Nn2Ws'
const CLIENT_SECRET = 'canary-client-secret-Hx58Rt3Y'
const TOOL_KEY = 'canary-configured-key-Ty74Mc1B'
const TOOL_BEARER = 'canary-configured-bearer-Ue29Ls6D'
const CANARIES = [API_KEY, QUERY_KEY, ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, TOOL_KEY, TOOL_BEARER]
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

/** Every form a canary could be echoed in: as is, URL- and form-encoded, JSON-escaped, and inside Basic credentials. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(`inboard-app:${encodeURIComponent(secret)}`).toString('base64'),
  ]
}

function leaks(text: string): string[] {
  return CANARIES.flatMap((secret) =>
    forms(secret)
      .filter((form) => text.includes(form))
      .map((form) => `${secret} as ${form}`),
  )
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * A real upstream that echoes what it received in its errors: the API answers 400 (200 at `/ok`) with the
 * request's credential headers and query in `message`, and the token endpoint refuses every grant
 * with the form body and the Authorization header in `error_description`.
 */
async function startEchoUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://upstream')
      res.setHeader('content-type', 'application/json')
      if (url.pathname === '/token') {
        res.writeHead(400).end(
          JSON.stringify({
            error: 'invalid_request',
            error_description: `got ${body} auth ${req.headers.authorization ?? ''}`,
          }),
        )
        return
      }
      const echoed = [req.headers['x-api-key'], req.headers.authorization, url.search].filter(Boolean).join(' ')
      res.writeHead(url.pathname === '/ok' ? 200 : 400).end(
        JSON.stringify({
          message: `bad request: ${echoed}`,
          received: { headers: req.headers, query: url.search, body },
        }),
      )
    })
  })
  const url = await listen(server)
  return { url, close: () => closeServer(server) }
}

/** Routes by prompt word to one tool's failing call, then finishes with its output. */
const planner: Planner = {
  name: 'echo-test',
  plan(context) {
    const last = context.history.at(-1)
    if (last !== undefined) return { type: 'finish', result: last.output ?? null }
    const tool = ['crm', 'search', 'calendar', 'web'].find((name) => context.task.prompt.includes(name))!
    const { upstream, path } = context.task.metadata as { upstream?: string; path?: string }
    const input = tool === 'web' ? { url: `${upstream!}${path!}` } : {}
    return { type: 'call', calls: [{ tool, capability: tool === 'web' ? 'get' : 'fail', input }] }
  },
}

let server: TestServer | undefined
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const close of closers.splice(0)) await close()
  vi.restoreAllMocks()
})

describe('secrets echoed by an upstream', () => {
  it('never reach error messages, traces, events, webhooks or logs, in any encoding', async () => {
    const upstream = await startEchoUpstream()
    const receiver = await startReceiver()
    closers.push(
      () => upstream.close(),
      () => receiver.close(),
    )
    const definition = (name: string, auth: Record<string, unknown>): ReturnType<typeof toolFromDefinition> =>
      toolFromDefinition({
        name,
        description: `${name} echo`,
        version: '1.0.0',
        base_url: upstream.url,
        auth,
        capabilities: [{ name: 'fail', description: 'Fails with an echo', method: 'GET', path: '/api' }],
      })
    const tools = [
      definition('crm', { type: 'api_key', header: 'X-Api-Key' }),
      definition('search', { type: 'api_key', query_param: 'key' }),
      definition('calendar', {
        type: 'oauth2',
        authorize_url: `${upstream.url}/authorize`,
        token_url: `${upstream.url}/token`,
        scopes: [],
      }),
      httpTool({
        name: 'web',
        allow: ['127.0.0.1'],
        allowPrivate: true,
        headers: { 'x-api-key': TOOL_KEY, authorization: `Bearer ${TOOL_BEARER}` },
      }),
    ]
    const logged: string[] = []
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void logged.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' ')),
      )
    }
    server = await startTestServer({
      runtime: {
        clock: createFakeClock(Date.now()),
        tools,
        planner,
        auth: {
          encryptionKey: randomBytes(32).toString('base64'),
          services: {
            crm: { type: 'api_key' },
            search: { type: 'api_key' },
            calendar: {
              type: 'oauth2',
              authorizeUrl: `${upstream.url}/authorize`,
              tokenUrl: `${upstream.url}/token`,
              clientId: 'inboard-app',
              clientSecret: CLIENT_SECRET,
              redirectUri: 'http://app.test/callback',
            },
          },
        },
      },
      handler: {
        onError: (error) => void logged.push(inspect(error, { depth: 10 })),
        webhooks: { url: `${receiver.url}/hook`, secret: WEBHOOK_SECRET, allowPrivateAddresses: true },
      },
    })
    const { runtime } = server
    const events: RuntimeEvent[] = []
    runtime.subscribe((event) => void events.push(event))
    const auth = runtime.auth!
    // A live key without an account acts in the scope 'default:live'.
    const account = { account: 'default:live' }
    await auth.setCredentials('ada', 'crm', { secret: API_KEY, ...account })
    await auth.setCredentials('ada', 'search', { secret: QUERY_KEY, ...account })
    await auth.setCredentials('ada', 'calendar', {
      secret: { accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, expiresAt: new Date(Date.now() + 3_600_000) },
      ...account,
    })
    await auth.setCredentials('bob', 'calendar', {
      secret: {
        accessToken: 'stale-access-token-Qe40',
        refreshToken: REFRESH_TOKEN,
        expiresAt: new Date(Date.now() - 1_000),
      },
      ...account,
    })

    const runs = [
      { prompt: 'crm', user_id: 'ada' },
      { prompt: 'search', user_id: 'ada' },
      { prompt: 'calendar', user_id: 'ada' },
      { prompt: 'calendar', user_id: 'bob' },
      { prompt: 'web', user_id: 'ada', metadata: { upstream: upstream.url, path: '/echo?x=1' } },
      { prompt: 'web', user_id: 'ada', metadata: { upstream: upstream.url, path: '/ok' } },
    ]
    const emitted: string[] = []
    for (const body of runs) {
      const created = await server.call('/tasks', { key: LIVE_KEY, json: body })
      expect(created.status).toBe(201)
      const { id } = (await created.json()) as { id: string }
      await runtime.tasks.wait(id, { until: 'waiting' })
      emitted.push(
        await (await server.call(`/tasks/${id}`, { key: LIVE_KEY })).text(),
        await (await server.call(`/tasks/${id}/trace`, { key: LIVE_KEY })).text(),
      )
    }
    for (let i = 0; i < 5; i++) {
      await runtime.clock.advance(0)
      await server.handler.webhooksIdle()
    }

    const tasks = emitted
      .filter((_, i) => i % 2 === 0)
      .map((text) => JSON.parse(text) as { status: string; error?: { message: string }; result?: unknown })
    // The upstream did echo: each failure says so, with the secrets cut out.
    expect(tasks.map((task) => task.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'complete'])
    for (const task of tasks.slice(0, 5)) expect(task.error?.message).toContain('[redacted]')
    expect(tasks[3]!.error?.message).toMatch(/Refreshing the calendar token failed/)
    expect(JSON.stringify(tasks[5]!.result)).toContain('[redacted]')
    const hooks = receiver.received.map((hook) => hook.body)
    expect(hooks.some((hook) => hook.includes('"task.failed"'))).toBe(true)

    const everything = [...emitted, ...events.map((event) => JSON.stringify(event)), ...hooks, ...logged].join('\n')
    expect(leaks(everything)).toEqual([])
  })
})
