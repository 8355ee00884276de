import { afterEach, describe, expect, it } from 'vitest'
import { ToolError, toolFromDefinition } from '@inboard/tools'
import type { Tool } from '@inboard/tools'
import { sendJson, startServer } from './support/http-server.js'
import type { TestServer } from './support/http-server.js'
import { testContext } from './support/tool-context.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function service(
  baseUrl: string,
  auth: Record<string, unknown> = { type: 'bearer', env_var: 'INBOARD_TEST_UNSET' },
): Tool {
  return toolFromDefinition({
    name: 'svc',
    description: 'A service that fails in interesting ways',
    version: '1.0.0',
    base_url: baseUrl,
    auth,
    capabilities: [
      {
        name: 'probe',
        description: 'Probe',
        path: '/probe/{case}',
        parameters: { case: { type: 'string', required: true } },
      },
    ],
  })
}

const token = testContext({ credentials: { get: () => ({ type: 'bearer', token: 'tok' }) } })

async function probe(tool: Tool, which: string, ctx = token): Promise<ToolError> {
  const spec = tool.capabilities.probe
  if (!spec) throw new Error('missing capability')
  const outcome = await Promise.resolve(spec.run({ case: which }, ctx)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(outcome).toBeInstanceOf(ToolError)
  return outcome as ToolError
}

describe('HTTP failures become ToolErrors', () => {
  it('maps 401 to auth_token_expired when a token was sent and to auth_required when none was', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 401, {
        body: { error: 'invalid_token' },
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      }),
    )
    const expired = await probe(service(server.url), 'x')
    expect(expired.code).toBe('auth_token_expired')
    expect(expired.recoverable).toBe(true)
    expect(expired.details).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    })

    const anonymous = await probe(service(server.url, { type: 'none' }), 'x', testContext())
    expect(anonymous.code).toBe('auth_required')
  })

  it('maps a 403 insufficient_scope challenge to insufficient_scope with the scopes asked for', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 403, {
        body: {},
        headers: {
          'www-authenticate': 'Bearer realm="crm", error="insufficient_scope", scope="contacts.read contacts.write"',
        },
      }),
    )
    const error = await probe(service(server.url), 'x')
    expect(error.code).toBe('insufficient_scope')
    expect(error.scopes).toEqual(['contacts.read', 'contacts.write'])
    expect(error.suggestion).toContain('contacts.read')
  })

  it('maps 404 to not_found', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 404, { body: { message: 'no such contact' } }),
    )
    const error = await probe(service(server.url), 'missing')
    expect(error.code).toBe('not_found')
    expect(error.recoverable).toBe(false)
    expect(error.message).toContain('no such contact')
  })

  it('maps 429 to rate_limited with Retry-After seconds and the X-RateLimit counters as evidence', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 429, {
        body: { message: 'slow down' },
        headers: {
          'retry-after': '7',
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '1767225600',
        },
      }),
    )
    const error = await probe(service(server.url), 'x')
    expect(error.code).toBe('rate_limited')
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(7_000)
    expect(error.details).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7', 'x-ratelimit-limit': '100' },
      rate_limit: { limit: 100, remaining: 0, reset: 1767225600, reset_at: '2026-01-01T00:00:00.000Z' },
    })
  })

  it('reads an HTTP-date Retry-After on 503 as a delay from now', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 503, { body: {}, headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() } }),
    )
    const error = await probe(service(server.url), 'x')
    expect(error.code).toBe('rate_limited')
    expect(error.retryAfterMs).toBeGreaterThan(25_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000)
  })

  it('derives the wait from X-RateLimit-Reset when a 429 has no Retry-After', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 429, {
        body: {},
        headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' },
      }),
    )
    const error = await probe(service(server.url), 'x')
    expect(error.retryAfterMs).toBeGreaterThan(4_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(5_000)
  })

  it('keeps a 429 recoverable when X-RateLimit-Reset is too large for a date, and caps waits at 24 hours', async () => {
    const day = 24 * 60 * 60 * 1000
    server = await startServer((request, response) => {
      const which = request.url.pathname.split('/').pop()
      if (which === 'huge-reset')
        sendJson(response, 429, {
          body: {},
          headers: {
            'x-ratelimit-limit': '10',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': '100000000000000000',
          },
        })
      else if (which === 'long-retry') sendJson(response, 429, { body: {}, headers: { 'retry-after': '315360000' } })
      else if (which === 'far-date')
        sendJson(response, 503, { body: {}, headers: { 'retry-after': 'Fri, 01 Jan 2100 00:00:00 GMT' } })
      else
        sendJson(response, 429, {
          body: {},
          headers: { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3 * 24 * 3600) },
        })
    })
    const huge = await probe(service(server.url), 'huge-reset')
    expect(huge.code).toBe('rate_limited')
    expect(huge.recoverable).toBe(true)
    expect(huge.details).toMatchObject({ rate_limit: { limit: 10, remaining: 0, reset: 1e17 } })
    expect((huge.details as { rate_limit: Record<string, unknown> }).rate_limit.reset_at).toBeUndefined()

    expect((await probe(service(server.url), 'long-retry')).retryAfterMs).toBe(day)
    expect((await probe(service(server.url), 'far-date')).retryAfterMs).toBe(day)
    expect((await probe(service(server.url), 'far-reset')).retryAfterMs).toBe(day)
  })

  it('maps other 5xx responses to transient and other 4xx to a non-recoverable upstream_error', async () => {
    server = await startServer((request, response) =>
      sendJson(response, request.url.pathname.endsWith('boom') ? 502 : 422, { body: { error: { message: 'nope' } } }),
    )
    const transient = await probe(service(server.url), 'boom')
    expect(transient.code).toBe('transient')
    expect(transient.retryable).toBe(true)
    const refused = await probe(service(server.url), 'bad')
    expect(refused.code).toBe('upstream_error')
    expect(refused.recoverable).toBe(false)
    expect(refused.details).toMatchObject({ status: 422, body: { error: { message: 'nope' } } })
  })

  it('maps a connection failure to transient', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: {} }))
    const url = server.url
    await server.close()
    server = undefined
    const error = await probe(service(url), 'x')
    expect(error.code).toBe('transient')
    expect(error.message).toContain('Could not reach')
  })

  it('maps a malformed JSON body to a non-recoverable upstream_error', async () => {
    server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"half":')
    })
    const error = await probe(service(server.url), 'x')
    expect(error.code).toBe('upstream_error')
    expect(error.recoverable).toBe(false)
  })

  it('aborts the request when the task signal is aborted', async () => {
    let seen = (): void => undefined
    const requested = new Promise<void>((resolve) => {
      seen = resolve
    })
    server = await startServer(() => seen())
    const controller = new AbortController()
    const spec = service(server.url).capabilities.probe
    const pending = spec?.run(
      { case: 'slow' },
      testContext({ signal: controller.signal, credentials: { get: () => ({ type: 'bearer', token: 't' }) } }),
    )
    // Abort once the request is in flight at the server, not after a guessed number of milliseconds.
    await requested
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('redirects of an authenticated HTTP operation', () => {
  const keyed = testContext({ credentials: { get: () => ({ type: 'api_key', key: 'sk_secret_key' }) } })
  const keyedService = (baseUrl: string): Tool =>
    service(baseUrl, { type: 'api_key', header: 'X-Api-Key', env_var: 'INBOARD_TEST_UNSET' })
  let other: TestServer | undefined
  afterEach(async () => {
    await other?.close()
    other = undefined
  })

  it('refuses a redirect to another origin without sending the API key header there', async () => {
    other = await startServer((_request, response) => sendJson(response, 200, { body: { stolen: true } }))
    const target = other.url
    server = await startServer((_request, response) => {
      response.writeHead(302, { location: `${target}/collect` }).end()
    })
    const error = await probe(keyedService(server.url), 'x', keyed)
    expect(server.requests[0]?.headers['x-api-key']).toBe('sk_secret_key')
    expect(other.requests).toHaveLength(0)
    expect(error.code).toBe('upstream_error')
    expect(error.recoverable).toBe(false)
    expect(error.message).toContain(new URL(target).origin)
    expect(error.message).not.toContain('sk_secret_key')
    expect(JSON.stringify(error.details)).not.toContain('sk_secret_key')
  })

  it('follows same-origin redirects with the key, turns 303 into GET, and stops after five hops', async () => {
    server = await startServer((request, response) => {
      const left = Number(request.url.pathname.split('/').pop())
      if (request.url.pathname.startsWith('/see-other')) response.writeHead(303, { location: '/probe/0' }).end()
      else if (left === 0) sendJson(response, 200, { body: { arrived: true, method: request.method } })
      else response.writeHead(302, { location: `/probe/${left - 1}` }).end()
    })
    const spec = keyedService(server.url).capabilities.probe
    if (!spec) throw new Error('missing capability')
    await expect(Promise.resolve(spec.run({ case: '5' }, keyed))).resolves.toEqual({ arrived: true, method: 'GET' })
    expect(server.requests).toHaveLength(6)
    expect(server.requests.every((request) => request.headers['x-api-key'] === 'sk_secret_key')).toBe(true)

    const tooMany = await probe(keyedService(server.url), '6', keyed)
    expect(tooMany.code).toBe('upstream_error')
    expect(tooMany.message).toContain('more than 5 times')

    const posting = toolFromDefinition({
      name: 'svc',
      description: 'Posts',
      version: '1.0.0',
      base_url: server.url,
      auth: { type: 'none' },
      capabilities: [
        {
          name: 'send',
          description: 'Send',
          method: 'POST',
          path: '/see-other',
          parameters: { a: { type: 'number' } },
        },
      ],
    }).capabilities.send
    if (!posting) throw new Error('missing capability')
    await expect(Promise.resolve(posting.run({ a: 1 }, testContext()))).resolves.toEqual({
      arrived: true,
      method: 'GET',
    })
    expect(server.requests.at(-1)?.headers['content-type']).toBeUndefined()
  })
})
