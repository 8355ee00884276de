import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TEST_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
beforeEach(async () => {
  server = await startTestServer({ handler: { maxBodyBytes: 1024 } })
})
afterEach(async () => {
  await server.close()
})

const raw = (body: string, contentType: string | null = 'application/json'): Promise<Response> =>
  server.call('/tasks', { method: 'POST', body, headers: contentType === null ? {} : { 'content-type': contentType } })

describe('bad input', () => {
  it('answers 400 invalid_request for invalid JSON and for bodies that are not objects', async () => {
    for (const body of ['{bad', '', '"text"', '[1,2]', 'null', '42']) {
      const response = await raw(body)
      expect(response.status, body).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param: 'body' } })
    }
  })

  it('answers 400 input_not_requested naming the values a waiting task did not ask for, and applies none of them', async () => {
    const { id } = (await (await server.call('/tasks', { json: { prompt: 'ask me' } })).json()) as { id: string }
    await server.runtime.tasks.wait(id, { until: 'waiting' })
    const refused = await server.call(`/tasks/${id}/input`, {
      json: { values: { city: 'Paris', capability: 'weather.current', admin: true } },
    })
    expect(refused.status).toBe(400)
    const { error } = (await refused.json()) as { error: { code: string; message: string; param: string } }
    expect(error).toMatchObject({ code: 'input_not_requested', param: 'values' })
    expect(error.message).toMatch(/did not ask for capability, admin \(it asked for city\)/)
    expect((await server.runtime.tasks.get(id)).status).toBe('waiting')
    expect((await server.call(`/tasks/${id}/input`, { json: { values: { city: 'Paris' } } })).status).toBe(200)
  })

  it('answers 400 for bodies nested deeper than 64 levels', async () => {
    const deep = `{"prompt":"x","metadata":{"a":${'['.repeat(100)}${']'.repeat(100)}}}`
    expect((await raw(deep)).status).toBe(400)
  })

  it('answers 415 unsupported_media_type for a body that is not declared JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const response = await raw('{"prompt":"hi"}', type)
      expect(response.status, String(type)).toBe(415)
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
    }
    expect((await raw('{"prompt":"hang"}', 'application/json; charset=utf-8')).status).toBe(201)
  })

  it('answers 413 payload_too_large past the body limit, declared or streamed', async () => {
    const big = JSON.stringify({ prompt: 'x'.repeat(2000) })
    const declared = await raw(big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    const chunked = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.base}/tasks`)
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TEST_KEY}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      for (let i = 0; i < 10; i++) req.write('x'.repeat(200))
      req.end()
    })
    expect(chunked).toBe(413)
  })

  it('answers 404 route_not_found for unknown routes and 405 method_not_allowed with Allow for wrong methods', async () => {
    for (const path of ['/nope', '/tasks/task_abc/nope', '/../etc/passwd']) {
      const response = await server.call(path)
      expect(response.status, path).toBe(404)
      expect(await response.json()).toMatchObject({ error: { code: 'route_not_found' } })
    }
    const wrong = await server.call('/tasks/task_abc', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, HEAD')
    expect(await wrong.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
    expect((await server.call('/tasks', { method: 'PUT' })).headers.get('allow')).toBe('POST, GET, HEAD')
  })

  it('rejects unsafe per-task webhook URLs naming webhook_url', async () => {
    // Per-task URLs need webhooks configured (a secret to sign with); without them any webhook_url is a 400.
    await server.close()
    server = await startTestServer({ handler: { webhooks: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } })
    for (const url of [
      'http://127.0.0.1/hook',
      'http://localhost:3000/',
      'http://169.254.169.254/latest',
      'http://[::1]/',
      'http://10.0.0.8/',
      'ftp://example.com/',
      'not a url',
    ]) {
      const response = await server.call('/tasks', { json: { prompt: 'hang', webhook_url: url } })
      expect(response.status, url).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param: 'webhook_url' } })
    }
    expect(
      (await server.call('/tasks', { json: { prompt: 'hang', webhook_url: 'https://hooks.example.com/inboard' } }))
        .status,
    ).toBe(201)
  })
})
