import { memoryStorage, type IdempotencyRecord } from '@inboard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { LIVE_KEY, OTHER_ACCOUNT_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
afterEach(async () => {
  await server.close()
})

const post = (body: unknown, key: string, apiKey?: string): Promise<Response> =>
  server.call('/tasks', {
    json: body,
    headers: { 'idempotency-key': key },
    ...(apiKey === undefined ? {} : { key: apiKey }),
  })

const taskCount = async (): Promise<number> => (await server.runtime.tasks.list({ limit: 100 })).data.length

describe('Idempotency-Key on POST /v1/tasks', () => {
  it('replays the first response with Idempotent-Replayed: true and creates one task', async () => {
    server = await startTestServer()
    const first = await post({ prompt: 'hang' }, 'req_unique_abc123')
    const second = await post({ prompt: 'hang' }, 'req_unique_abc123')
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(await second.json()).toEqual(await first.json())
    expect(await taskCount()).toBe(1)
  })

  it('answers 422 idempotency_key_reused for the same key with a different body', async () => {
    server = await startTestServer()
    await post({ prompt: 'hang' }, 'k1')
    const response = await post({ prompt: 'hang twice' }, 'k1')
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } })
  })

  it('answers 409 idempotency_key_in_use while the first request is still in progress', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    // A shared store answers over the network; hold the first request between claim and completion.
    const storage = memoryStorage()
    const complete = storage.idempotency.complete.bind(storage.idempotency)
    storage.idempotency.complete = async (key, record) => {
      await gate
      await complete(key, record)
    }
    server = await startTestServer({ runtime: { storage } })
    const first = post({ prompt: 'hang' }, 'k1')
    await expect.poll(() => taskCount()).toBe(1)
    const second = await post({ prompt: 'hang' }, 'k1')
    expect(second.status).toBe(409)
    expect(await second.json()).toMatchObject({ error: { code: 'idempotency_key_in_use' } })
    release()
    expect((await first).status).toBe(201)
    expect((await post({ prompt: 'hang' }, 'k1')).headers.get('idempotent-replayed')).toBe('true')
  })

  it('does not store requests rejected by validation', async () => {
    server = await startTestServer()
    expect((await post({ prompt: 5 }, 'k1')).status).toBe(400)
    expect((await post({ prompt: 'hang', sub_agent: 'missing' }, 'k1')).status).toBe(404)
    const fixed = await post({ prompt: 'hang' }, 'k1')
    expect(fixed.status).toBe(201)
    expect(fixed.headers.get('idempotent-replayed')).toBeNull()
  })

  it('does not store requests refused by the rate limit', async () => {
    server = await startTestServer({ handler: { rateLimit: { requestsPerMinute: 1 } } })
    expect((await server.call('/tasks')).status).toBe(200)
    expect((await post({ prompt: 'hang' }, 'k1')).status).toBe(429)
    await server.runtime.clock.advance(60_000)
    const response = await post({ prompt: 'hang' }, 'k1')
    expect(response.status).toBe(201)
    expect(response.headers.get('idempotent-replayed')).toBeNull()
  })

  it('accepts keys of 1 to 255 characters', async () => {
    server = await startTestServer()
    expect((await post({ prompt: 'hang' }, 'k'.repeat(255))).status).toBe(201)
    const long = await post({ prompt: 'hang' }, 'k'.repeat(256))
    expect(long.status).toBe(400)
    expect(await long.json()).toMatchObject({ error: { code: 'invalid_request', param: 'Idempotency-Key' } })
    expect((await post({ prompt: 'hang' }, '')).status).toBe(400)
  })

  it('expires keys after 24 hours on the runtime clock', async () => {
    server = await startTestServer()
    await post({ prompt: 'hang' }, 'k1')
    await server.runtime.clock.advance(24 * 60 * 60 * 1000 - 1)
    expect((await post({ prompt: 'hang' }, 'k1')).headers.get('idempotent-replayed')).toBe('true')
    await server.runtime.clock.advance(1)
    expect((await post({ prompt: 'hang' }, 'k1')).headers.get('idempotent-replayed')).toBeNull()
    expect(await taskCount()).toBe(2)
  })

  it('scopes keys to the account and environment', async () => {
    server = await startTestServer()
    for (const apiKey of [undefined, LIVE_KEY, OTHER_ACCOUNT_KEY]) {
      const response = await post({ prompt: 'hang' }, 'shared', apiKey)
      expect(response.status).toBe(201)
      expect(response.headers.get('idempotent-replayed')).toBeNull()
    }
    expect(await taskCount()).toBe(3)
  })

  it('creates exactly one task for 50 concurrent requests with one key', async () => {
    server = await startTestServer({ handler: { rateLimit: { requestsPerMinute: 1000 } } })
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post({ prompt: 'hang', metadata: { n: 1 } }, 'burst')),
    )
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as Array<{ id: string }>
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201))
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(49)
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1)
    expect(await taskCount()).toBe(1)
  })
})

describe('idempotency records in the in-memory storage', () => {
  it('keeps at most maxIdempotencyRecords, forgetting the oldest completed records first', async () => {
    server = await startTestServer({ runtime: { storage: memoryStorage({ maxIdempotencyRecords: 2 }) } })
    for (const key of ['a', 'b', 'c']) expect((await post({ prompt: 'hang' }, key)).status).toBe(201)
    expect(await taskCount()).toBe(3)
    // 'a' was the oldest completed record: a retry with it runs again; 'c' is still replayed.
    expect((await post({ prompt: 'hang' }, 'c')).headers.get('idempotent-replayed')).toBe('true')
    expect((await post({ prompt: 'hang' }, 'a')).headers.get('idempotent-replayed')).toBeNull()
    expect(await taskCount()).toBe(4)
  })

  it('evicts completed records before in-progress ones, and holds 10,000 records by default', async () => {
    const record = (done: boolean): IdempotencyRecord => ({
      fingerprint: 'f',
      response: done ? { status: 201, body: '{}' } : null,
      expiresAt: 1_000,
    })
    const id = (key: string) => ({ scope: 'acct', key })
    const small = memoryStorage({ maxIdempotencyRecords: 2 }).idempotency
    await small.claim(id('in-progress'), record(false), 0)
    await small.claim(id('done'), record(false), 0)
    await small.complete(id('done'), record(true))
    await small.claim(id('new'), record(false), 0)
    expect(await small.claim(id('in-progress'), record(false), 0)).toMatchObject({ response: null })
    expect(await small.claim(id('done'), record(false), 0)).toBeNull()

    const defaults = memoryStorage().idempotency
    for (let i = 0; i < 10_050; i++) {
      await defaults.claim(id(`k${i}`), record(false), 0)
      await defaults.complete(id(`k${i}`), record(true))
    }
    // The first 50 were forgotten: claiming them again succeeds; the last ones are still held.
    expect(await defaults.claim(id('k0'), record(false), 0)).toBeNull()
    expect(await defaults.claim(id('k10049'), record(false), 0)).toMatchObject({ response: { status: 201 } })
    expect(() => memoryStorage({ maxIdempotencyRecords: 0 })).toThrow(/maxIdempotencyRecords/)
  })
})
