import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { METADATA_LIMITS, memoryStorage } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { createHandler } from '@inboard/http'
import { createNodeServer } from '@inboard/http/node'
import {
  LIVE_KEY,
  OTHER_ACCOUNT_KEY,
  TEST_KEY,
  closeServer,
  listen,
  startTestServer,
  type TestServer,
} from './support/test-server.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const post = (
  path: string,
  json: unknown,
  options: { key?: string; headers?: Record<string, string> } = {},
): Promise<Response> => server!.call(path, { json, key: options.key ?? TEST_KEY, headers: options.headers ?? {} })

describe('tenant limits: what one request may hold', () => {
  it('refuses metadata over 50 keys, keys over 40 characters and values over 500 characters, in-process and over HTTP', async () => {
    server = await startTestServer()
    const many = Object.fromEntries(Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, 'v']))
    const cases = [
      many,
      { ['k'.repeat(41)]: 'v' },
      { note: 'x'.repeat(501) },
      { nested: { list: 'y'.repeat(600).split('') } },
    ]
    for (const metadata of cases) {
      const response = await post('/tasks', { prompt: 'hang', metadata })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({
        error: { code: 'invalid_request', message: expect.stringMatching(/metadata/) },
      })
      await expect((async () => server.runtime.tasks.create({ prompt: 'hang', metadata }))()).rejects.toMatchObject({
        code: 'invalid_request',
      })
    }
    const fits = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${'k'.repeat(38)}${i}`.slice(-40), 'v'.repeat(500)]),
    )
    expect((await post('/tasks', { prompt: 'hang', metadata: fits })).status).toBe(201)
  })

  it('refuses a body with an object of tens of thousands of keys quickly, before parsing it', async () => {
    server = await startTestServer({ handler: { maxBodyBytes: 4_000_000 } })
    const wide = `{"prompt":"hang","metadata":{${Array.from({ length: 80_000 }, (_, i) => `"k${i}":1`).join(',')}}}`
    // The server runs in this process: the longest gap between timer ticks is how long its event loop stalled.
    let last = performance.now()
    let stall = 0
    const ticker = setInterval(() => {
      const now = performance.now()
      stall = Math.max(stall, now - last)
      last = now
    }, 5)
    const response = await server.call('/tasks', {
      method: 'POST',
      body: wide,
      headers: { 'content-type': 'application/json' },
    })
    clearInterval(ticker)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_request', param: 'body', message: expect.stringMatching(/more than 1000 keys/) },
    })
    // Parsing such an object alone stalls V8 for a second or more on a busy machine; the scan takes milliseconds.
    expect(stall).toBeLessThan(700)
    const longArray = `{"prompt":"ask","values":[${'1,'.repeat(10_000)}1]}`
    expect(
      (
        await server.call('/tasks', {
          method: 'POST',
          body: longArray,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400)
    // Commas and braces inside strings are text, not members.
    const text = JSON.stringify({ prompt: `hang ${'{"a":1,'.repeat(2_000)}`.slice(0, 9_000) })
    expect(
      (await server.call('/tasks', { method: 'POST', body: text, headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(201)
  })
})

describe('tenant limits: smaller holes', () => {
  it('answers 400 to two Idempotency-Key headers instead of joining them into a new key', async () => {
    server = await startTestServer()
    const { hostname, port } = new URL(server.base)
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = [
        'host',
        `${hostname}:${port}`,
        'authorization',
        `Bearer ${TEST_KEY}`,
        'content-type',
        'application/json',
        'idempotency-key',
        'first',
        'idempotency-key',
        'second',
      ]
      const req = httpRequest(
        { hostname, port, method: 'POST', path: `${new URL(server!.base).pathname}/tasks`, headers },
        (res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => (body += chunk.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ prompt: 'hang' }))
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_request', param: 'Idempotency-Key' } })
    expect(((await (await server.call('/tasks')).json()) as { data: unknown[] }).data).toHaveLength(0)
  })

  it('answers 403 live_mode_not_allowed when a test key asks for a live task, and lets a live key have one', async () => {
    server = await startTestServer()
    const refused = await post('/tasks', { prompt: 'hang', mode: 'live' })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'live_mode_not_allowed', param: 'mode' } })
    const live = await post('/tasks', { prompt: 'hang', mode: 'live' }, { key: LIVE_KEY })
    expect(live.status).toBe(201)
    expect(await live.json()).toMatchObject({ mode: 'live' })
  })

  it('refuses cloud metadata host names for webhooks, as httpTool does', async () => {
    server = await startTestServer({ handler: { webhooks: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } })
    for (const url of [
      'http://metadata.goog/hook',
      'http://instance-data.ec2.internal/hook',
      'http://METADATA.google.internal./hook',
    ]) {
      const response = await post('/tasks', { prompt: 'hang', webhook_url: url })
      expect(response.status, url).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param: 'webhook_url' } })
    }
  })

  it('answers 400 to query parameters a route does not take, naming them', async () => {
    server = await startTestServer()
    const misspelt = await server.call('/tasks?stauts=failed')
    expect(misspelt.status).toBe(400)
    expect(await misspelt.json()).toMatchObject({ error: { code: 'invalid_request', param: 'stauts' } })
    expect((await server.call('/subagents?color=red')).status).toBe(400)
    const created = (await (await post('/tasks', { prompt: 'hang' })).json()) as { id: string }
    expect((await server.call(`/tasks/${created.id}?expand=trace`)).status).toBe(400)
    expect((await server.call('/tasks?status=running&limit=5')).status).toBe(200)
  })

  it("keeps one account's Idempotency-Key records when another account stores more than the cap", async () => {
    server = await startTestServer({ runtime: { storage: memoryStorage({ maxIdempotencyRecords: 20 }) } })
    const first = await post('/tasks', { prompt: 'hang' }, { key: TEST_KEY, headers: { 'idempotency-key': 'mine' } })
    const id = ((await first.json()) as { id: string }).id
    for (let i = 0; i < 30; i++)
      expect(
        (
          await post(
            '/tasks',
            { prompt: 'hang' },
            { key: OTHER_ACCOUNT_KEY, headers: { 'idempotency-key': `theirs-${i}` } },
          )
        ).status,
      ).toBe(201)
    const retry = await post('/tasks', { prompt: 'hang' }, { key: TEST_KEY, headers: { 'idempotency-key': 'mine' } })
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(((await retry.json()) as { id: string }).id).toBe(id)
  })

  it('serves node:http with headers and request timeouts for slow clients', async () => {
    const runtime = createTestRuntime()
    const node = createNodeServer(createHandler(runtime, { keys: [{ key: TEST_KEY }] }))
    expect(node.headersTimeout).toBe(10_000)
    expect(node.requestTimeout).toBe(30_000)
    const quick = createNodeServer(createHandler(runtime, { keys: [{ key: TEST_KEY }] }), {
      headersTimeoutMs: 200,
      requestTimeoutMs: 200,
    })
    const base = await listen(quick)
    const { hostname, port } = new URL(base)
    // A client that sends half its headers and stops is cut off instead of holding the socket.
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write('GET /v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '),
      )
      let answer = ''
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''))
      setTimeout(() => socket.destroy(), 5_000).unref()
    })
    expect(outcome).toBe('HTTP/1.1 408 Request Timeout')
    await closeServer(quick)
    await runtime.close({ deadlineMs: 0 })
  })
})
