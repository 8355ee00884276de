import { createServer } from 'node:http'
import { memoryStorage } from '@inboard/core'
import { createHandler } from '@inboard/http'
import { describe, expect, it } from 'vitest'
import { startReceiver } from './support/webhook-receiver.js'
import { closeServer, listen, outboxIds, startTestServer } from './support/test-server.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

describe('webhook address guard', () => {
  it('refuses IPv6 forms that carry a non-public IPv4 address, and site-local fec0::, unless private addresses are allowed', async () => {
    const runtime = (await startTestServer()).runtime
    const refused = [
      'http://[64:ff9b::a00:1]/', // NAT64, hex: 10.0.0.1
      'http://[64:ff9b::10.0.0.1]/', // NAT64, dotted
      'http://[64:ff9b::127.0.0.1]/',
      'http://[::ffff:10.0.0.1]/', // IPv4-mapped
      'http://[::ffff:a9fe:a9fe]/', // IPv4-mapped metadata, hex
      'http://[::127.0.0.1]/', // IPv4-compatible
      'http://[::10.1.2.3]/',
      'http://[2002:c0a8:101::1]/', // 6to4 with 192.168.1.1 inside
      'http://[2002:7f00:1::]/', // 6to4 with 127.0.0.1 inside
      'http://[fec0::1]/', // deprecated site-local
    ]
    for (const url of refused) {
      expect(() => createHandler(runtime, { webhooks: { url, secret: SECRET } }), url).toThrow(/webhook URL/)
      expect(
        () => createHandler(runtime, { webhooks: { url, secret: SECRET, allowPrivateAddresses: true } }),
        url,
      ).not.toThrow()
    }
    for (const url of ['http://[64:ff9b::808:808]/', 'http://[2606:4700::1111]/', 'https://hooks.example.com/']) {
      expect(() => createHandler(runtime, { webhooks: { url, secret: SECRET } }), url).not.toThrow()
    }
    await runtime.close({ deadlineMs: 0 })
  })
})

describe('webhook delivery', () => {
  it('lets go of the connection 5 s after the status arrives when the receiver never finishes the body', async () => {
    let closed = 0
    let received = 0
    const slow = createServer((req, res) => {
      received += 1
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('still writing')
        res.on('close', () => (closed += 1))
      })
    })
    const url = await listen(slow)
    const server = await startTestServer({
      handler: { webhooks: { url: `${url}/hook`, secret: SECRET, allowPrivateAddresses: true } },
    })
    try {
      const { id } = (await (await server.call('/tasks', { json: { prompt: 'weather' } })).json()) as { id: string }
      await server.runtime.tasks.wait(id, { until: 'waiting' })
      for (let i = 0; i < 5; i++) {
        await server.runtime.clock.advance(0)
        await server.handler.webhooksIdle()
      }
      expect(received).toBeGreaterThan(0)
      await expect.poll(() => server.handler.webhooksIdle().then(() => received), { timeout: 2_000 }).toBeGreaterThan(0)
      expect(closed).toBe(0)
      await server.runtime.clock.advance(5_000)
      await expect.poll(() => closed, { timeout: 2_000 }).toBeGreaterThan(0)
    } finally {
      await server.close()
      slow.closeAllConnections()
      await closeServer(slow)
    }
  })
})

describe('webhook sockets', () => {
  it('opens at most webhooks.maxSockets connections at once to a slow receiver, and reuses them', async () => {
    let open = 0
    let peak = 0
    let connections = 0
    const held: Array<() => void> = []
    let release = false
    const slow = createServer((req, res) => {
      req.resume()
      req.on('end', () => (release ? res.writeHead(200).end() : held.push(() => res.writeHead(200).end())))
    })
    slow.on('connection', (socket) => {
      connections += 1
      peak = Math.max(peak, ++open)
      socket.on('close', () => (open -= 1))
    })
    const url = await listen(slow)
    const server = await startTestServer({
      handler: { webhooks: { url: `${url}/hook`, secret: SECRET, allowPrivateAddresses: true, maxSockets: 3 } },
    })
    try {
      const ids: string[] = []
      for (let i = 0; i < 12; i++)
        ids.push(
          ((await (await server.call('/tasks', { json: { prompt: `weather ${i}` } })).json()) as { id: string }).id,
        )
      for (const id of ids) await server.runtime.tasks.wait(id, { until: 'waiting' })
      await server.runtime.clock.advance(0)
      await expect.poll(() => held.length, { timeout: 2_000 }).toBe(3)
      // The receiver holds three requests; the other deliveries wait for a socket instead of opening more.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(open).toBe(3)
      release = true
      for (const answer of held.splice(0)) answer()
      await server.handler.webhooksIdle()
      expect(peak).toBe(3)
      expect(connections).toBe(3)
    } finally {
      await server.close()
      slow.closeAllConnections()
      await closeServer(slow)
    }
  })
})

describe('per-task webhook_url', () => {
  it('is refused with 400 invalid_request naming webhook_url when the handler has no webhooks configured', async () => {
    const server = await startTestServer()
    try {
      const response = await server.call('/tasks', {
        json: { prompt: 'weather', webhook_url: 'https://hooks.example.com/task' },
      })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: { code: string; param: string; message: string } }
      expect(body.error).toMatchObject({ code: 'invalid_request', param: 'webhook_url' })
      expect(body.error.message).toMatch(/webhooks are not configured/)
      expect((await server.runtime.tasks.list({ limit: 10 })).data).toHaveLength(0)
    } finally {
      await server.close()
    }
  })
})

describe('webhook queue cap', () => {
  it('drops the oldest waiting deliveries past maxQueued, removes them from the outbox and reports them to onError', async () => {
    const receiver = await startReceiver()
    const storage = memoryStorage()
    const pending = outboxIds(storage)
    const errors: unknown[] = []
    const server = await startTestServer({
      runtime: { storage },
      handler: {
        onError: (error) => errors.push(error),
        webhooks: { url: `${receiver.url}/hook`, secret: SECRET, allowPrivateAddresses: true, maxQueued: 2 },
      },
    })
    try {
      // The fake clock has not moved, so no attempt has run yet: every event is waiting.
      for (let i = 0; i < 3; i++) {
        const { id } = (await (await server.call('/tasks', { json: { prompt: 'weather' } })).json()) as { id: string }
        await server.runtime.tasks.wait(id, { until: 'waiting' })
      }
      await server.handler.webhooksIdle()
      const waiting = pending()
      expect(waiting).toHaveLength(2)
      expect(errors.length).toBeGreaterThan(0)
      expect(String(errors[0])).toMatch(/Dropped webhook .* more than 2 deliveries were waiting/)
      expect(String(errors[0])).not.toContain(SECRET)
      for (let i = 0; i < 5; i++) {
        await server.runtime.clock.advance(0)
        await server.handler.webhooksIdle()
      }
      expect(receiver.received.map((hook) => hook.headers['webhook-id']).sort()).toEqual([...waiting].sort())
      expect(() => createHandler(server.runtime, { webhooks: { secret: SECRET, maxQueued: 0 } })).toThrow(/maxQueued/)
    } finally {
      await server.close()
      await receiver.close()
    }
  })
})
