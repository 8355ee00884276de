import { afterEach, describe, expect, it } from 'vitest'
import { ToolDefinitionError, toolFromDefinition } from '@inboard/tools'
import type { Credential, Tool, ToolContext } from '@inboard/tools'
import { sendJson, startServer } from './support/http-server.js'
import type { TestServer } from './support/http-server.js'
import { testContext } from './support/tool-context.js'
import { failure } from './support/tool-failure.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function crm(baseUrl: string, extra: Record<string, unknown> = {}): Tool {
  return toolFromDefinition({
    name: 'crm',
    description: 'Contacts and deals',
    version: '1.2.0',
    base_url: `${baseUrl}/v1`,
    auth: { type: 'api_key', header: 'X-API-Key', env_var: 'INBOARD_TEST_CRM_KEY' },
    capabilities: [
      {
        name: 'get_contact',
        description: 'One contact by id',
        path: '/contacts/{id}',
        parameters: { id: { type: 'string', required: true }, fields: { type: 'array' } },
      },
      {
        name: 'search_contacts',
        description: 'Search contacts',
        parameters: { query: { type: 'string', required: true }, limit: { type: 'number', default: 25 } },
      },
      {
        name: 'create_contact',
        description: 'Create a contact',
        path: '/contacts',
        side_effects: true,
        parameters: { email: { type: 'string', required: true }, tags: { type: 'array' } },
      },
    ],
    ...extra,
  })
}

async function call(tool: Tool, request: { capability: string; input: unknown; ctx?: ToolContext }): Promise<unknown> {
  const { capability, input, ctx = testContext() } = request
  const spec = tool.capabilities[capability]
  if (!spec) throw new Error(`no capability ${capability}`)
  return spec.run(spec.input.parse(input), ctx)
}

const keyFromVault = (key: string) => ({ get: (): Credential => ({ type: 'api_key', key }) })

describe('toolFromDefinition', () => {
  it('rejects a malformed definition naming the path of each bad field', () => {
    let thrown: unknown
    try {
      toolFromDefinition({
        name: 'Bad Name',
        description: 'x',
        version: 'one',
        base_url: 'not a url',
        auth: { type: 'api_key', env_var: 'K' },
        capabilities: [
          {
            name: 'list',
            description: 'List',
            method: 'FETCH',
            parameters: { limit: { type: 'int' }, page: { type: 'number', default: 'first' } },
          },
        ],
      })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ToolDefinitionError)
    const error = thrown as ToolDefinitionError
    const paths = error.issues.map((issue) => issue.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'version',
        'base_url',
        'auth.header',
        'capabilities.0.method',
        'capabilities.0.parameters.limit.type',
        'capabilities.0.parameters.page.default',
      ]),
    )
    for (const path of paths) expect(error.message).toContain(path)
  })

  it('rejects path placeholders that are not declared parameters and duplicate capability names', () => {
    const definition = {
      name: 'crm',
      description: 'CRM',
      version: '1.0.0',
      base_url: 'https://crm.example.com',
      capabilities: [
        { name: 'get', description: 'Get', path: '/things/{thing_id}', parameters: {} },
        { name: 'get', description: 'Again', parameters: {} },
      ],
    }
    expect(() => toolFromDefinition(definition)).toThrow(
      /capabilities\.0\.path: Path placeholder \{thing_id\}[\s\S]*capabilities\.1\.name: Duplicate/,
    )
  })

  it('builds capabilities with zod inputs, defaults, and side-effect flags from the definition', () => {
    const tool = crm('https://crm.example.com')
    expect(tool.name).toBe('crm')
    expect(Object.keys(tool.capabilities)).toEqual(['get_contact', 'search_contacts', 'create_contact'])
    expect(tool.capabilities.search_contacts?.input.parse({ query: 'ann' })).toEqual({ query: 'ann', limit: 25 })
    expect(tool.capabilities.get_contact?.input.safeParse({}).success).toBe(false)
    expect(tool.capabilities.search_contacts?.sideEffects).toBe(false)
    expect(tool.capabilities.create_contact?.sideEffects).toBe(true)
  })

  it('templates URL-encoded path parameters and sends the rest as a query string on GET', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: { id: 'a/b c', name: 'Ann' } }))
    const result = await call(crm(server.url), {
      capability: 'get_contact',
      input: { id: 'a/b c', fields: ['name', 'email'] },
      ctx: testContext({ credentials: keyFromVault('k_vault') }),
    })
    expect(result).toEqual({ id: 'a/b c', name: 'Ann' })
    const [request] = server.requests
    expect(request?.method).toBe('GET')
    expect(request?.url.pathname).toBe('/v1/contacts/a%2Fb%20c')
    expect(request?.url.searchParams.getAll('fields')).toEqual(['name', 'email'])
    expect(request?.headers['x-api-key']).toBe('k_vault')
  })

  it('defaults the path to the capability name and sends a JSON body with POST for side effects', async () => {
    server = await startServer((request, response) =>
      sendJson(response, 201, {
        body: { created: request.body === '' ? null : (JSON.parse(request.body) as unknown) },
      }),
    )
    const tool = crm(server.url)
    await call(tool, {
      capability: 'search_contacts',
      input: { query: 'ann' },
      ctx: testContext({ credentials: keyFromVault('k') }),
    })
    const created = await call(tool, {
      capability: 'create_contact',
      input: { email: 'ann@example.com', tags: ['vip'] },
      ctx: testContext({ credentials: keyFromVault('k') }),
    })
    expect(server.requests[0]?.url.pathname).toBe('/v1/search_contacts')
    expect(Object.fromEntries(server.requests[0]?.url.searchParams ?? [])).toEqual({ query: 'ann', limit: '25' })
    expect(server.requests[1]?.method).toBe('POST')
    expect(server.requests[1]?.headers['content-type']).toBe('application/json')
    expect(created).toEqual({ created: { email: 'ann@example.com', tags: ['vip'] } })
  })

  it('reads the API key from the environment when no credential source is wired in', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: [] }))
    process.env.INBOARD_TEST_CRM_KEY = 'k_env'
    try {
      await call(crm(server.url), { capability: 'search_contacts', input: { query: 'x' } })
    } finally {
      delete process.env.INBOARD_TEST_CRM_KEY
    }
    expect(server.requests[0]?.headers['x-api-key']).toBe('k_env')
  })

  it('fails with auth_required and no request when there is no credential anywhere', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: [] }))
    const error = await failure(call(crm(server.url), { capability: 'search_contacts', input: { query: 'x' } }))
    expect(error.code).toBe('auth_required')
    expect(error.details).toMatchObject({ service: 'crm', auth_type: 'api_key', env_vars: ['INBOARD_TEST_CRM_KEY'] })
    expect(server.requests).toHaveLength(0)
  })

  it('asks the credential source for OAuth scopes and sends the access token as a bearer token', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: { ok: true } }))
    const asked: unknown[] = []
    const tool = toolFromDefinition({
      name: 'mail',
      description: 'Mail',
      version: '0.1.0',
      base_url: server.url,
      auth: {
        type: 'oauth2',
        authorize_url: 'https://idp.example.com/authorize',
        token_url: 'https://idp.example.com/token',
        scopes: ['mail.read'],
      },
      capabilities: [{ name: 'inbox', description: 'Inbox', parameters: {} }],
    })
    const ctx = testContext({
      credentials: {
        get: (service, request) => {
          asked.push({ service, request })
          return { type: 'oauth2', accessToken: 'tok_1' }
        },
      },
    })
    await call(tool, { capability: 'inbox', input: {}, ctx: ctx })
    expect(asked).toEqual([{ service: 'mail', request: { scopes: ['mail.read'] } }])
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok_1')

    const missing = await failure(call(tool, { capability: 'inbox', input: {} }))
    expect(missing.code).toBe('auth_required')
    expect(missing.scopes).toEqual(['mail.read'])
    expect(missing.details).toMatchObject({
      authorize_url: 'https://idp.example.com/authorize',
      token_url: 'https://idp.example.com/token',
    })
  })

  it('sends basic credentials and query-string API keys, redacting the key in error details', async () => {
    server = await startServer((_request, response) => sendJson(response, 400, { body: { message: 'bad things' } }))
    const basic = toolFromDefinition({
      name: 'legacy',
      description: 'Legacy',
      version: '1.0.0',
      base_url: server.url,
      auth: { type: 'basic' },
      capabilities: [{ name: 'ping', description: 'Ping', parameters: {} }],
    })
    await failure(
      call(basic, {
        capability: 'ping',
        input: {},
        ctx: testContext({ credentials: { get: () => ({ type: 'basic', username: 'ann', password: 's3cret' }) } }),
      }),
    )
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ann:s3cret').toString('base64')}`)

    const queryKey = toolFromDefinition({
      name: 'maps',
      description: 'Maps',
      version: '1.0.0',
      base_url: server.url,
      auth: { type: 'api_key', query_param: 'key' },
      capabilities: [{ name: 'geocode', description: 'Geocode', parameters: { q: { type: 'string' } } }],
    })
    const error = await failure(
      call(queryKey, {
        capability: 'geocode',
        input: { q: 'Paris' },
        ctx: testContext({ credentials: keyFromVault('k_secret') }),
      }),
    )
    expect(server.requests[1]?.url.searchParams.get('key')).toBe('k_secret')
    expect(error.code).toBe('upstream_error')
    expect(error.recoverable).toBe(false)
    expect(error.message).toContain('bad things')
    expect(JSON.stringify(error.details)).not.toContain('k_secret')
    expect(error.message).not.toContain('k_secret')
  })

  it('uses ctx.fetch when the runtime provides one', async () => {
    server = await startServer((_request, response) => sendJson(response, 200, { body: { ok: true } }))
    const seen: string[] = []
    const ctx = testContext({
      credentials: keyFromVault('k'),
      fetch: (input, init) => {
        seen.push(input instanceof Request ? input.url : input.toString())
        return fetch(input, init)
      },
    })
    await call(crm(server.url), { capability: 'search_contacts', input: { query: 'x' }, ctx: ctx })
    expect(seen).toEqual([`${server.url}/v1/search_contacts?query=x&limit=25`])
  })

  it('runs side-effecting capabilities against the sandbox base URL in the sandbox implementation', async () => {
    server = await startServer((request, response) => sendJson(response, 200, { body: { path: request.url.pathname } }))
    const tool = crm('https://live.invalid', { sandbox_base_url: `${server.url}/sandbox` })
    const spec = tool.capabilities.create_contact
    const result = await spec?.sandbox?.(
      { email: 'a@b.co' },
      testContext({ mode: 'test', credentials: keyFromVault('k') }),
    )
    expect(result).toEqual({ path: '/sandbox/contacts' })
    expect(tool.capabilities.search_contacts?.sandbox).toBeUndefined()
  })
})
