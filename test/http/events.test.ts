import { request as httpRequest, type IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { RuntimeEvent, Task } from '@inboard/core'
import { OTHER_ACCOUNT_KEY, TEST_KEY, startTestServer, type TestServer } from './support/test-server.js'
import { SseReader, type SseMessage } from './events-sse.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const weather = 'Look up the current weather in San Francisco'

async function open(path: string, init: RequestInit & { key?: string } = {}): Promise<SseReader> {
  const response = await server!.call(path, init)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  return new SseReader(response)
}

async function create(body: Record<string, unknown>, query = '', key?: string): Promise<Task> {
  const response = await server!.call(`/tasks${query}`, { json: body, ...(key === undefined ? {} : { key }) })
  expect(response.status).toBe(201)
  return (await response.json()) as Task
}

const parsed = (message: SseMessage): RuntimeEvent => JSON.parse(message.data) as RuntimeEvent

async function until(reader: SseReader, type: string): Promise<SseMessage[]> {
  const seen: SseMessage[] = []
  for (;;) {
    const message = await reader.next()
    if (message === null) throw new Error(`stream ended before ${type}`)
    seen.push(message)
    if (message.event === type) return seen
  }
}

describe('GET /v1/tasks/:id/events', () => {
  it('streams a task from its history to its terminal event, then ends', async () => {
    server = await startTestServer()
    const all = await open('/events')
    const task = await create({ prompt: 'ask me for a city' })
    await until(all, 'task.waiting')
    const reader = await open(`/tasks/${task.id}/events`)
    const history = await until(reader, 'task.waiting')
    expect(history.map((message) => message.event)).toEqual(
      expect.arrayContaining(['task.created', 'task.running', 'step.started', 'step.complete', 'task.waiting']),
    )
    expect(history[0]!.event).toBe('task.created')
    const ids = history.map((message) => Number(message.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(parsed(history.at(-1)!)).toMatchObject({
      type: 'task.waiting',
      task_id: task.id,
      task: { status: 'waiting', waiting: { reason: 'input_required' } },
    })

    expect((await server.call(`/tasks/${task.id}/input`, { json: { values: { city: 'Paris' } } })).status).toBe(200)
    const rest = await reader.rest()
    expect(rest.at(-1)).toMatchObject({ event: 'task.complete' })
    expect(parsed(rest.at(-1)!)).toMatchObject({ task: { status: 'complete', result: { values: { city: 'Paris' } } } })
    await all.cancel()
  })

  it('gives a client that connects after the end a snapshot of the finished task and closes', async () => {
    server = await startTestServer()
    const task = await create({ prompt: weather }, '?wait=5')
    expect(task.status).toBe('complete')
    const messages = await (await open(`/tasks/${task.id}/events`)).rest()
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ event: 'task.complete', id: undefined })
    expect(parsed(messages[0]!)).toMatchObject({
      type: 'task.complete',
      task_id: task.id,
      task: { status: 'complete' },
    })
  })

  it("answers 404 for another account's task", async () => {
    server = await startTestServer()
    const task = await create({ prompt: 'ask me' })
    const response = await server.call(`/tasks/${task.id}/events`, { key: OTHER_ACCOUNT_KEY })
    expect(response.status).toBe(404)
  })
})

describe('GET /v1/events', () => {
  it("shows only the key's account and environment, filtered by type and task", async () => {
    server = await startTestServer()
    const mine = await open('/events?type=task.complete,task.failed')
    const theirs = await open('/events', { key: OTHER_ACCOUNT_KEY })
    const other = await create({ prompt: weather }, '', OTHER_ACCOUNT_KEY)
    const failing = await create({ prompt: 'fail now' })
    const ok = await create({ prompt: weather })
    const seen = [parsed((await mine.next())!), parsed((await mine.next())!)]
    expect(seen.map((event) => [event.type, event.task_id])).toEqual([
      ['task.failed', failing.id],
      ['task.complete', ok.id],
    ])
    const theirEvents = await until(theirs, 'task.complete')
    expect(new Set(theirEvents.map((message) => parsed(message).task_id))).toEqual(new Set([other.id]))
    await mine.cancel()
    await theirs.cancel()

    const one = await open(`/events?task_id=${ok.id}&type=task.complete`, { headers: { 'Last-Event-ID': '0' } })
    expect(parsed((await one.next())!)).toMatchObject({ type: 'task.complete', task_id: ok.id })
    await one.cancel()
    expect((await server.call('/events?type=task.exploded')).status).toBe(400)
  })

  it('replays what a reconnecting client missed after its Last-Event-ID', async () => {
    server = await startTestServer()
    const first = await open('/events?type=task.complete')
    const a = await create({ prompt: weather })
    const seen = (await first.next())!
    expect(parsed(seen).task_id).toBe(a.id)
    await first.cancel()
    const b = await create({ prompt: weather })
    const c = await create({ prompt: weather })
    await server.call(`/tasks/${c.id}?wait=5`)
    const again = await open('/events?type=task.complete', { headers: { 'Last-Event-ID': seen.id! } })
    const missed = [parsed((await again.next())!), parsed((await again.next())!)]
    expect(missed.map((event) => event.task_id)).toEqual([b.id, c.id])
    await again.cancel()
  })

  it('starts a stream opened without Last-Event-ID at the newest event, however many the server keeps', async () => {
    server = await startTestServer({
      handler: { events: { maxBufferBytes: 16_384 }, rateLimit: { requestsPerMinute: 10_000 } },
    })
    const first = await open('/events?type=task.complete')
    const long = 'x'.repeat(1_000)
    // Far more kept than one stream may buffer: replaying it all would close a new stream at once.
    for (let i = 0; i < 30; i++) await create({ prompt: `${long} ${i} ${weather}` }, '?wait=5')
    await first.cancel()
    const late = await open('/events')
    const task = await create({ prompt: weather })
    const message = await late.next()
    expect(message).not.toBeNull()
    expect(parsed(message!)).toMatchObject({ type: 'task.created', task_id: task.id })
    await late.cancel()
  })

  it('caps open streams per key and frees a slot when a client disconnects', async () => {
    server = await startTestServer({
      handler: { events: { maxStreamsPerKey: 2 }, rateLimit: { requestsPerMinute: 100 } },
    })
    const one = await open('/events')
    const two = await open('/events')
    const refused = await server.call('/events')
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } })
    expect((await server.call('/events', { key: OTHER_ACCOUNT_KEY })).status).toBe(200)
    await one.cancel()
    await expect.poll(async () => (await server!.call('/events')).status, { timeout: 5_000 }).toBe(200)
    await two.cancel()
  })

  it('drops a client that never reads instead of buffering for it', async () => {
    server = await startTestServer({
      handler: { events: { maxStreamsPerKey: 1, maxBufferBytes: 16_384 }, rateLimit: { requestsPerMinute: 10_000 } },
    })
    const url = new URL(`${server.base}/events`)
    const stalled = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(url, { headers: { Authorization: `Bearer ${TEST_KEY}` } }, resolve)
      req.on('error', reject)
      req.end()
    })
    stalled.pause()
    expect(stalled.statusCode).toBe(200)
    const big = 'x'.repeat(9_000)
    for (let i = 0; i < 400; i++) await create({ prompt: `${big} ${weather}` })
    // The stalled stream was dropped, so its slot is free again.
    await expect.poll(async () => (await server!.call('/events')).status, { timeout: 10_000 }).toBe(200)
    stalled.destroy()
  })
})

describe('?wait=N', () => {
  it('answers when the task is terminal or waiting, or when N seconds pass', async () => {
    server = await startTestServer()
    expect((await create({ prompt: weather }, '?wait=5')).status).toBe('complete')
    const waiting = await create({ prompt: 'ask me' }, '?wait=5')
    expect(waiting.status).toBe('waiting')
    const hanging = await create({ prompt: 'hang on' })
    let answered: Task | null = null
    const pending = server
      .call(`/tasks/${hanging.id}?wait=2`)
      .then(async (response) => (answered = (await response.json()) as Task))
    for (let i = 0; i < 100 && answered === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (i > 5) await server.runtime.clock.advance(100)
    }
    await pending
    expect(answered!.status).toBe('running')
    expect(server.runtime.clock.now()).toBeGreaterThanOrEqual(2_000)
    const invalid = await server.call(`/tasks/${hanging.id}?wait=31`)
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toMatchObject({ error: { code: 'invalid_request', param: 'wait' } })
  })
})
