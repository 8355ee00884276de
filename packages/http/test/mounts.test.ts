import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createTestRuntime, createScriptedPlanner } from '@inboard/core/testing'
import { createHandler, type InboardHandler } from '@inboard/http'
import { createExpressMiddleware } from '@inboard/http/express'
import { createFastifyPlugin } from '@inboard/http/fastify'
import { createHonoMiddleware } from '@inboard/http/hono'
import { createNodeListener } from '@inboard/http/node'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'

const KEY = 'pk_live_mountTestKey0123456789'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function newHandler(): InboardHandler {
  const runtime = createTestRuntime({ planner: createScriptedPlanner([{ type: 'finish', result: { ok: true } }]) })
  cleanups.push(() => runtime.close({ deadlineMs: 0 }))
  return createHandler(runtime, { keys: [{ key: KEY }], clock: runtime.clock, dashboard: true })
}

function track(server: Server): string {
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function listenExpress(app: ReturnType<typeof express>): Promise<Server> {
  return new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
}

/** The same round trip through every mount: create a task, read it back, load the dashboard, and fall through to the host app elsewhere. */
async function exercise(origin: string, hostRoute: boolean): Promise<void> {
  const auth = { authorization: `Bearer ${KEY}` }
  const created = await fetch(`${origin}/v1/tasks`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'finish at once' }),
  })
  expect(created.status).toBe(201)
  expect(created.headers.get('x-ratelimit-limit')).toBe('100')
  const { id } = (await created.json()) as { id: string }
  const read = await fetch(`${origin}/v1/tasks/${id}`, { headers: auth })
  expect(read.status).toBe(200)
  expect(await read.json()).toMatchObject({ id })
  const unsupported = await fetch(`${origin}/v1/tasks`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/plain' },
    body: 'hello',
  })
  expect(unsupported.status).toBe(415)
  const bad = await fetch(`${origin}/v1/tasks`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{oops',
  })
  expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } })
  expect((await fetch(`${origin}/v1/nope`, { headers: auth })).status).toBe(404)
  // The dashboard lives outside the API prefix; every mount routes it too.
  const page = await fetch(`${origin}/dashboard/`)
  expect(page.status).toBe(200)
  expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
  expect((await fetch(`${origin}/dashboard/vendor/preact.js`)).status).toBe(200)
  if (hostRoute) expect(await (await fetch(`${origin}/health`)).text()).toBe('host ok')
}

describe('mounts', () => {
  it('serves the API on node:http', async () => {
    const server = createServer(createNodeListener(newHandler()))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await exercise(track(server), false)
  })

  it('serves the API as Express middleware beside the app’s own routes', async () => {
    const app = express()
    app.use(createExpressMiddleware(newHandler()))
    app.use(express.json())
    app.get('/health', (_req, res) => void res.send('host ok'))
    await exercise(track(await listenExpress(app)), true)
  })

  it('re-encodes a body that express.json() already parsed', async () => {
    const app = express()
    app.use(express.json())
    app.use(createExpressMiddleware(newHandler()))
    const origin = track(await listenExpress(app))
    const created = await fetch(`${origin}/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'parsed first' }),
    })
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({ prompt: 'parsed first' })
  })

  it('serves the API as a Fastify plugin beside the app’s own routes', async () => {
    const app = Fastify()
    await app.register(createFastifyPlugin(newHandler()))
    app.get('/health', async () => 'host ok')
    await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.push(() => app.close())
    await exercise(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, true)
  })

  it('serves the API as Hono middleware beside the app’s own routes', async () => {
    const app = new Hono()
    app.use(createHonoMiddleware(newHandler()))
    app.get('/health', (c) => c.text('host ok'))
    const server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server))
    })
    await exercise(track(server), true)
  })
})
