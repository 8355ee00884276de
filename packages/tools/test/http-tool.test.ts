import { afterEach, describe, expect, it } from 'vitest'
import { httpTool, ToolError } from '@inboard/tools'
import type { HttpToolOptions, HttpToolResponse, ResolvedAddress, Tool, ToolContext } from '@inboard/tools'
import { sendJson, startServer } from './support/http-server.js'
import type { TestServer } from './support/http-server.js'
import { testContext } from './support/tool-context.js'

const servers: TestServer[] = []
const tools: Tool[] = []
afterEach(async () => {
  for (const created of tools.splice(0)) await created.close?.()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args)
  servers.push(server)
  return server
}

function tool(options: HttpToolOptions): Tool {
  const created = httpTool(options)
  tools.push(created)
  return created
}

const portOf = (server: TestServer): string => new URL(server.url).port

/** Validates input as the runtime would, then runs the capability. */
async function call(
  target: Tool,
  request: { capability: 'get' | 'request'; input: Record<string, unknown>; ctx?: ToolContext },
): Promise<HttpToolResponse> {
  const { capability, input, ctx = testContext() } = request
  const spec = target.capabilities[capability]
  if (spec === undefined) throw new Error(`missing capability ${capability}`)
  return (await spec.run(spec.input.parse(input), ctx)) as HttpToolResponse
}

async function refusal(promise: Promise<unknown>): Promise<ToolError> {
  const outcome = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(outcome).toBeInstanceOf(ToolError)
  return outcome as ToolError
}

const resolveTo =
  (...addresses: string[]) =>
  async (): Promise<ResolvedAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

const hello = (_request: unknown, response: Parameters<typeof sendJson>[0]): void =>
  sendJson(response, 200, { body: { hello: 'world' } })

describe('httpTool: private addresses', () => {
  it('refuses a server on 127.0.0.1 by default and reaches it with allowPrivate', async () => {
    const server = await serve(hello)
    const refused = await refusal(
      call(tool({ allow: [`127.0.0.1:${portOf(server)}`] }), {
        capability: 'get',
        input: { url: `${server.url}/ping` },
      }),
    )
    expect(refused.code).toBe('forbidden_destination')
    expect(refused.recoverable).toBe(false)
    expect(refused.details).toMatchObject({
      reason: 'private_address',
      kind: 'loopback',
      address: '127.0.0.1',
      range: '127.0.0.0/8',
    })
    expect(refused.suggestion).toContain('allowPrivate')
    expect(server.requests).toHaveLength(0)

    const allowed = await call(tool({ allow: [`127.0.0.1:${portOf(server)}`], allowPrivate: true }), {
      capability: 'get',
      input: { url: `${server.url}/ping` },
    })
    expect(allowed).toMatchObject({ status: 200, url: `${server.url}/ping`, body: { hello: 'world' } })
    expect(allowed.headers['content-type']).toBe('application/json')
    expect(server.requests).toHaveLength(1)
  })

  it('opens only the CIDR blocks listed in allowPrivate', async () => {
    const server = await serve(hello)
    const open = await call(tool({ allow: ['*'], allowPrivate: ['127.0.0.0/8'] }), {
      capability: 'get',
      input: { url: server.url },
    })
    expect(open.status).toBe(200)
    const closed = await refusal(
      call(tool({ allow: ['*'], allowPrivate: ['10.0.0.0/8', 'fc00::/7'] }), {
        capability: 'get',
        input: { url: server.url },
      }),
    )
    expect(closed.code).toBe('forbidden_destination')
    expect(server.requests).toHaveLength(1)
  })

  it('keeps metadata endpoints closed under allowPrivate: true unless their address is listed', async () => {
    const open = tool({ allow: ['*'], allowPrivate: true })
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://0.0.0.0:80/',
    ]) {
      const refused = await refusal(call(open, { capability: 'get', input: { url } }))
      expect(refused.code).toBe('forbidden_destination')
    }
    const metadata = await refusal(call(open, { capability: 'get', input: { url: 'http://169.254.169.254/' } }))
    expect(metadata.details).toMatchObject({ kind: 'metadata' })
    const named = await refusal(call(open, { capability: 'get', input: { url: 'http://metadata.google.internal/' } }))
    expect(named.details).toMatchObject({ reason: 'metadata_host' })
  })

  it('refuses every spelling of a loopback address in a URL before connecting', async () => {
    const server = await serve(hello)
    const port = portOf(server)
    const anyHost = tool({ allow: ['*'] })
    const spellings = [
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '127.0.0.1.',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::1]',
      '[::127.0.0.1]',
      '[64:ff9b::7f00:1]',
      '[2002:7f00:1::1]',
    ]
    for (const host of spellings) {
      const refused = await refusal(call(anyHost, { capability: 'get', input: { url: `http://${host}:${port}/` } }))
      expect(refused.code, host).toBe('forbidden_destination')
      expect(refused.details?.kind, host).toBe('loopback')
    }
    expect(server.requests).toHaveLength(0)
  })

  it('refuses private and reserved literals of every kind', async () => {
    const anyHost = tool({ allow: ['*'] })
    for (const host of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.10',
      '100.64.1.1',
      '169.254.0.5',
      '198.18.0.1',
      '192.0.2.10',
      '224.0.0.251',
      '255.255.255.255',
      '240.0.0.1',
      '[fe80::1]',
      '[fd12::1]',
      '[ff02::1]',
      '[2001:db8::1]',
    ]) {
      const refused = await refusal(call(anyHost, { capability: 'get', input: { url: `http://${host}/` } }))
      expect(refused.code, host).toBe('forbidden_destination')
    }
  })
})

describe('httpTool: hostnames are checked on the addresses they resolve to', () => {
  it('refuses localhost, which resolves to a loopback address', async () => {
    const server = await serve(hello)
    const refused = await refusal(
      call(tool({ allow: ['localhost'] }), {
        capability: 'get',
        input: { url: `http://localhost:${portOf(server)}/` },
      }),
    )
    expect(refused.code).toBe('forbidden_destination')
    expect(refused.details).toMatchObject({ reason: 'private_address', kind: 'loopback' })
    expect(server.requests).toHaveLength(0)
  })

  it('refuses a public-looking hostname whose resolver answers 127.0.0.1', async () => {
    const server = await serve(hello)
    const refused = await refusal(
      call(tool({ allow: ['api.example.test'], resolve: resolveTo('127.0.0.1') }), {
        capability: 'get',
        input: { url: `http://api.example.test:${portOf(server)}/` },
      }),
    )
    expect(refused.code).toBe('forbidden_destination')
    expect(refused.message).toContain('api.example.test is 127.0.0.1')
    expect(server.requests).toHaveLength(0)
  })

  it('refuses a hostname when any one of its addresses is private', async () => {
    const refused = await refusal(
      call(tool({ allow: ['mixed.example.test'], resolve: resolveTo('93.184.216.34', '::ffff:10.0.0.1') }), {
        capability: 'get',
        input: { url: 'http://mixed.example.test/' },
      }),
    )
    expect(refused.details).toMatchObject({ kind: 'private', ipv4: '10.0.0.1' })
  })

  it('connects to exactly the address it vetted, so a rebinding resolver cannot swap it afterwards', async () => {
    const publicServer = await serve(hello)
    const internal = await serve(hello, '127.0.0.2')
    const port = portOf(publicServer)
    // Rebinding: the first answer is the allowed address, every later one the internal service.
    let lookups = 0
    const rebinding = async (): Promise<ResolvedAddress[]> => [
      { address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 },
    ]
    const options: HttpToolOptions = {
      allow: [`rebind.example.test:${port}`],
      allowPrivate: ['127.0.0.1/32'],
      resolve: rebinding,
    }
    const first = await call(tool(options), {
      capability: 'get',
      input: { url: `http://rebind.example.test:${port}/` },
    })
    expect(first.status).toBe(200)
    expect(lookups).toBe(1)
    expect(publicServer.requests[0]?.headers.host).toBe(`rebind.example.test:${port}`)

    const second = await refusal(
      call(tool(options), { capability: 'get', input: { url: `http://rebind.example.test:${port}/` } }),
    )
    expect(second.details).toMatchObject({ address: '127.0.0.2' })
    expect(internal.requests).toHaveLength(0)
  })

  it('reports a hostname that does not resolve as not_found', async () => {
    const error = await refusal(
      call(tool({ allow: ['*.invalid'] }), { capability: 'get', input: { url: 'http://no-such-host.invalid/' } }),
    )
    expect(error.code).toBe('not_found')
  })
})

describe('httpTool: the allowlist', () => {
  it('refuses hosts outside the allowlist with forbidden_destination before connecting', async () => {
    let lookups = 0
    const counting = async (): Promise<ResolvedAddress[]> => {
      lookups += 1
      return [{ address: '93.184.216.34', family: 4 }]
    }
    const api = tool({ allow: ['api.example.com', '*.example.org:8443'], resolve: counting })
    for (const url of [
      'https://evil.example.com/',
      'https://example.org:8443/',
      'https://a.example.org/',
      'https://api.example.com.evil.test/',
      'http://api.example.org/',
    ]) {
      const refused = await refusal(call(api, { capability: 'get', input: { url } }))
      expect(refused.code, url).toBe('forbidden_destination')
      expect(refused.details, url).toMatchObject({
        reason: 'not_allowlisted',
        allowed: ['api.example.com', '*.example.org:8443'],
      })
    }
    expect(lookups).toBe(0)
  })

  it('matches wildcards on subdomains at any depth and ports when given', async () => {
    const server = await serve(hello)
    const port = portOf(server)
    const wild = tool({
      allow: [`*.example.test:${port}`],
      allowPrivate: ['127.0.0.1/32'],
      resolve: resolveTo('127.0.0.1'),
    })
    expect((await call(wild, { capability: 'get', input: { url: `http://a.example.test:${port}/` } })).status).toBe(200)
    expect(
      (await call(wild, { capability: 'get', input: { url: `http://deep.a.Example.TEST:${port}/` } })).status,
    ).toBe(200)
    expect(
      (await refusal(call(wild, { capability: 'get', input: { url: `http://example.test:${port}/` } }))).details,
    ).toMatchObject({ reason: 'not_allowlisted' })
    expect(
      (await refusal(call(wild, { capability: 'get', input: { url: 'http://a.example.test:1/' } }))).details,
    ).toMatchObject({ reason: 'not_allowlisted' })
  })

  it('rejects malformed options when the tool is created', () => {
    expect(() => httpTool({ allow: [] })).toThrow(/at least one host/)
    expect(() => httpTool({ allow: ['https://example.com/path'] })).toThrow(/not a URL/)
    expect(() => httpTool({ allow: ['api.*.example.com'] })).toThrow(/wildcard/)
    expect(() => httpTool({ allow: ['example.com'], allowPrivate: ['10.0.0.0/33'] })).toThrow(/CIDR/)
    expect(() => httpTool({ allow: ['example.com'], allowPrivate: ['not-an-ip'] })).toThrow(/CIDR/)
    expect(() => httpTool({ allow: ['example.com'], headers: { Host: 'internal' } })).toThrow(/host/)
    expect(() => httpTool({ allow: ['example.com'], maxBytes: 0 })).toThrow(/maxBytes/)
  })
})

describe('httpTool: redirects', () => {
  const allowed = (server: TestServer, extra: Partial<HttpToolOptions> = {}): Tool =>
    tool({ allow: ['*'], allowPrivate: ['127.0.0.1/32'], ...extra, resolve: extra.resolve ?? resolveTo('127.0.0.1') })

  it('refuses a redirect from an allowed host to loopback, private or metadata targets', async () => {
    const internal = await serve(hello, '127.0.0.2')
    const targets = [
      internal.url,
      'http://[::1]/',
      'http://10.0.0.5/',
      'http://169.254.169.254/latest/meta-data/',
      `http://2130706434:${portOf(internal)}/`,
    ]
    const server = await serve((request, response) => {
      const target = targets[Number(request.url.searchParams.get('to'))] ?? '/'
      response.writeHead(302, { location: target }).end()
    })
    const client = allowed(server)
    for (const [index, target] of targets.entries()) {
      const refused = await refusal(call(client, { capability: 'get', input: { url: `${server.url}/go?to=${index}` } }))
      expect(refused.code, target).toBe('forbidden_destination')
    }
    expect(internal.requests).toHaveLength(0)
  })

  it('refuses a redirect to a host outside the allowlist, and one whose name resolves to a private address', async () => {
    const server = await serve((request, response) => {
      const location = request.url.pathname === '/out' ? 'http://elsewhere.test/' : 'http://internal.example.test/'
      response.writeHead(301, { location }).end()
    })
    const port = portOf(server)
    const resolve = async (hostname: string): Promise<ResolvedAddress[]> => [
      { address: hostname === 'internal.example.test' ? '192.168.1.20' : '127.0.0.1', family: 4 },
    ]
    const client = tool({
      allow: [`api.example.test:${port}`, 'internal.example.test'],
      allowPrivate: ['127.0.0.1/32'],
      resolve,
    })
    expect(
      (await refusal(call(client, { capability: 'get', input: { url: `http://api.example.test:${port}/out` } })))
        .details,
    ).toMatchObject({ reason: 'not_allowlisted' })
    expect(
      (await refusal(call(client, { capability: 'get', input: { url: `http://api.example.test:${port}/in` } })))
        .details,
    ).toMatchObject({ reason: 'private_address', address: '192.168.1.20' })
  })

  it('follows five redirects and refuses the sixth', async () => {
    const server = await serve((request, response) => {
      const left = Number(request.url.pathname.slice(1))
      if (left === 0) sendJson(response, 200, { body: { arrived: true } })
      else response.writeHead(302, { location: `/${left - 1}` }).end()
    })
    const ctx = testContext()
    const five = await call(allowed(server), { capability: 'get', input: { url: `${server.url}/5` }, ctx: ctx })
    expect(five).toMatchObject({ status: 200, url: `${server.url}/0`, body: { arrived: true } })
    expect(ctx.notes.filter((note) => note.startsWith('Redirect 302'))).toHaveLength(5)

    const six = await refusal(call(allowed(server), { capability: 'get', input: { url: `${server.url}/6` } }))
    expect(six.code).toBe('upstream_error')
    expect(six.message).toContain('more than 5 times')
    const none = await call(allowed(server, { maxRedirects: 0 }), {
      capability: 'get',
      input: { url: `${server.url}/1` },
    }).catch((error: unknown) => error)
    expect(none).toMatchObject({ code: 'upstream_error' })
  })

  it('keeps method and body on 307, switches to GET on 303, and drops credentials when the origin changes', async () => {
    const second = await serve((_request, response) => sendJson(response, 200, { body: { ok: true } }))
    const first = await serve((request, response) => {
      const status = request.url.pathname === '/see-other' ? 303 : 307
      response.writeHead(status, { location: `${second.url}/landed` }).end()
    })
    const client = allowed(first)
    await call(client, {
      capability: 'request',
      input: {
        method: 'POST',
        url: `${first.url}/temporary`,
        headers: { authorization: 'Bearer secret', 'x-trace': 't1' },
        body: { a: 1 },
      },
    })
    expect(second.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}' })
    expect(second.requests[0]?.headers.authorization).toBeUndefined()
    expect(second.requests[0]?.headers['x-trace']).toBe('t1')
    expect(first.requests[0]?.headers.authorization).toBe('Bearer secret')

    await call(client, {
      capability: 'request',
      input: { method: 'POST', url: `${first.url}/see-other`, body: { a: 2 } },
    })
    expect(second.requests[1]).toMatchObject({ method: 'GET', body: '' })
    expect(second.requests[1]?.headers['content-type']).toBeUndefined()
  })
})

describe('httpTool: configured headers on redirects', () => {
  it('drops every configured header (an API key) when a redirect changes origin, and keeps them on the same origin', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, { body: { ok: true } }))
    const first = await serve((request, response) => {
      if (request.url.pathname === '/away') response.writeHead(302, { location: `${other.url}/landed` }).end()
      else if (request.url.pathname === '/here') response.writeHead(302, { location: '/final' }).end()
      else sendJson(response, 200, { body: { ok: true } })
    })
    const client = tool({
      allow: ['*'],
      allowPrivate: ['127.0.0.1/32'],
      headers: { 'X-Api-Key': 'sk_secret', 'user-agent': 'inboard-test' },
      resolve: resolveTo('127.0.0.1'),
    })
    await call(client, { capability: 'get', input: { url: `${first.url}/away`, headers: { 'x-trace': 't1' } } })
    expect(first.requests[0]?.headers['x-api-key']).toBe('sk_secret')
    expect(other.requests).toHaveLength(1)
    expect(other.requests[0]?.headers['x-api-key']).toBeUndefined()
    expect(other.requests[0]?.headers['user-agent']).not.toBe('inboard-test')
    expect(other.requests[0]?.headers['x-trace']).toBe('t1')

    await call(client, { capability: 'get', input: { url: `${first.url}/here` } })
    expect(first.requests.at(-1)?.url.pathname).toBe('/final')
    expect(first.requests.at(-1)?.headers['x-api-key']).toBe('sk_secret')
  })
})

describe('httpTool: requests and responses', () => {
  const local = (extra: Partial<HttpToolOptions> = {}): Tool =>
    tool({ allow: ['127.0.0.1'], allowPrivate: ['127.0.0.1/32'], ...extra })

  it('sends the method, query, headers and a JSON or text body', async () => {
    const server = await serve((request, response) => sendJson(response, 201, { body: { received: request.body } }))
    const created = await call(local({ headers: { 'user-agent': 'inboard-test' } }), {
      capability: 'request',
      input: {
        method: 'PUT',
        url: `${server.url}/items/7?keep=1`,
        query: { tag: ['a', 'b'], limit: 5, draft: false },
        headers: { 'X-Api-Key': 'k' },
        body: { name: 'seven' },
      },
    })
    expect(created).toMatchObject({ status: 201, body: { received: '{"name":"seven"}' } })
    const [seen] = server.requests
    expect(seen?.method).toBe('PUT')
    expect(seen?.url.search).toBe('?keep=1&tag=a&tag=b&limit=5&draft=false')
    expect(seen?.headers).toMatchObject({
      'x-api-key': 'k',
      'user-agent': 'inboard-test',
      'content-type': 'application/json',
    })

    await call(local(), { capability: 'request', input: { method: 'POST', url: server.url, body: 'plain words' } })
    expect(server.requests[1]).toMatchObject({ body: 'plain words' })
    expect(server.requests[1]?.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it('returns text as a string, an empty body as null and binary content as base64', async () => {
    const server = await serve((request, response) => {
      if (request.url.pathname === '/text') response.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>')
      else if (request.url.pathname === '/empty') response.writeHead(204).end()
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 255]))
    })
    expect((await call(local(), { capability: 'get', input: { url: `${server.url}/text` } })).body).toBe('<p>hi</p>')
    expect(await call(local(), { capability: 'get', input: { url: `${server.url}/empty` } })).toMatchObject({
      status: 204,
      body: null,
    })
    expect(await call(local(), { capability: 'get', input: { url: `${server.url}/bytes` } })).toMatchObject({
      body: 'AAEC/w==',
      body_encoding: 'base64',
    })
  })

  it('maps error statuses through the shared HTTP error mapping', async () => {
    const server = await serve((request, response) => {
      if (request.url.pathname === '/busy')
        sendJson(response, 429, { body: { message: 'slow down' }, headers: { 'retry-after': '2' } })
      else if (request.url.pathname === '/gone') sendJson(response, 404, { body: { error: 'no such item' } })
      else sendJson(response, 500, { body: {} })
    })
    const busy = await refusal(call(local(), { capability: 'get', input: { url: `${server.url}/busy` } }))
    expect(busy).toMatchObject({ code: 'rate_limited', retryAfterMs: 2_000 })
    expect(busy.message).toContain('slow down')
    expect((await refusal(call(local(), { capability: 'get', input: { url: `${server.url}/gone` } }))).code).toBe(
      'not_found',
    )
    expect((await refusal(call(local(), { capability: 'get', input: { url: `${server.url}/boom` } }))).code).toBe(
      'transient',
    )
  })

  it('stops reading a response larger than maxBytes, declared or streamed', async () => {
    const server = await serve((request, response) => {
      if (request.url.pathname === '/declared')
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' }).end('x'.repeat(5000))
      else {
        response.writeHead(200, { 'content-type': 'text/plain' })
        response.write('y'.repeat(600))
        response.end('y'.repeat(600))
      }
    })
    for (const path of ['/declared', '/streamed']) {
      const tooLarge = await refusal(
        call(local({ maxBytes: 1_000 }), { capability: 'get', input: { url: `${server.url}${path}` } }),
      )
      expect(tooLarge.code, path).toBe('upstream_error')
      expect(tooLarge.details, path).toMatchObject({ max_bytes: 1_000 })
    }
    expect(
      (await call(local({ maxBytes: 5_000 }), { capability: 'get', input: { url: `${server.url}/declared` } })).body,
    ).toHaveLength(5_000)
  })

  it('fails with timeout when the server does not answer in time, and with the abort reason on cancellation', async () => {
    const arrivals: (() => void)[] = []
    const server = await serve(() => arrivals.shift()?.())
    const slow = await refusal(call(local({ timeoutMs: 100 }), { capability: 'get', input: { url: server.url } }))
    expect(slow.code).toBe('timeout')
    expect(slow.retryable).toBe(true)

    const controller = new AbortController()
    // Abort once the server holds the request, not after a guessed number of milliseconds.
    const requested = new Promise<void>((resolve) => arrivals.push(resolve))
    const pending = call(local(), {
      capability: 'get',
      input: { url: server.url },
      ctx: testContext({ signal: controller.signal }),
    })
    await requested
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('refuses other schemes, embedded credentials, reserved headers and a body on GET', async () => {
    const client = local()
    const spec = client.capabilities.request
    if (spec === undefined) throw new Error('missing capability')
    const direct = (input: Record<string, unknown>): Promise<ToolError> =>
      refusal(Promise.resolve(spec.run({ method: 'GET', ...input }, testContext())))
    expect((await direct({ url: 'file:///etc/passwd' })).code).toBe('invalid_input')
    expect((await direct({ url: 'gopher://127.0.0.1/' })).code).toBe('invalid_input')
    expect((await direct({ url: 'http://user:pw@127.0.0.1/' })).code).toBe('invalid_input')
    expect((await direct({ url: 'http://127.0.0.1/', headers: { Host: 'internal.test' } })).code).toBe('invalid_input')
    expect((await direct({ url: 'http://127.0.0.1/', body: 'x' })).code).toBe('invalid_input')
    expect(spec.input.safeParse({ url: 'ftp://example.com/' }).success).toBe(false)
  })

  it('marks request as side-effecting and get as read-only', () => {
    const client = local()
    expect(client.name).toBe('http')
    expect(client.capabilities.request?.sideEffects).toBe(true)
    expect(client.capabilities.get?.sideEffects).toBeUndefined()
    expect(client.description).toBe('HTTP requests to 127.0.0.1')
    expect(httpTool({ allow: ['api.github.com'], name: 'github' }).name).toBe('github')
  })
})
