import { Validator } from '@seriousme/openapi-schema-validator'
import { ROUTE_LIST } from './support/route-list.js'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
afterEach(async () => {
  await server.close()
})

describe('GET /v1/openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document without an API key, listing every route', async () => {
    server = await startTestServer()
    const response = await server.call('/openapi.json', { key: null })
    expect(response.status).toBe(200)
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(document.openapi).toBe('3.1.0')
    const result = await new Validator().validate(document)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    for (const [method, path] of ROUTE_LIST)
      expect(document.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined()
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item))
    expect(operations).toHaveLength(ROUTE_LIST.length)
  })

  it('describes the create-task body with the runtime’s validation schema', async () => {
    server = await startTestServer()
    const document = (await (await server.call('/openapi.json', { key: null })).json()) as {
      paths: Record<
        string,
        {
          post?: {
            requestBody: {
              content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } }
            }
          }
        }
      >
    }
    const schema = document.paths['/v1/tasks']?.post?.requestBody.content['application/json'].schema
    expect(schema?.required).toEqual(['prompt'])
    expect(Object.keys(schema?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'prompt',
        'sub_agent',
        'user_id',
        'metadata',
        'mode',
        'priority',
        'timeout',
        'webhook_url',
      ]),
    )
  })
})

describe('GET /v1/oauth/callback', () => {
  it('answers 404 while the runtime has no OAuth', async () => {
    server = await startTestServer()
    const response = await server.call('/oauth/callback?state=s&code=c', { key: null })
    expect(response.status).toBe(404)
  })

  it('hands the redirect to runtime.auth.complete and answers with a page', async () => {
    server = await startTestServer()
    const calls: unknown[] = []
    Object.assign(server.runtime, { auth: { complete: async (params: unknown) => void calls.push(params) } })
    const response = await server.call('/oauth/callback?state=st_1&code=abc', { key: null })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    expect(calls).toEqual([{ state: 'st_1', code: 'abc' }])
    const missing = await server.call('/oauth/callback?code=abc', { key: null })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_request', param: 'state' } })
  })
})
