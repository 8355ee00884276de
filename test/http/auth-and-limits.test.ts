import { createHandler, keyDigest } from '@inboard/http'
import { afterEach, describe, expect, it } from 'vitest'
import { LIVE_KEY, TEST_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
afterEach(async () => {
  await server.close()
})

describe('API keys', () => {
  it('answers 401 missing_api_key without an Authorization header', async () => {
    server = await startTestServer()
    const response = await server.call('/tasks', { key: null })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: { code: 'missing_api_key', message: expect.any(String) } })
  })

  it('answers 401 invalid_api_key for malformed, unknown and revoked keys', async () => {
    server = await startTestServer()
    const headers = [
      'Basic abc',
      'Bearer',
      'Bearer sk_test_abcdefghijkl',
      'Bearer pk_prod_abcdefghijkl',
      'Bearer pk_test_short',
      'Bearer pk_test_unknownunknown1',
      `Bearer ${TEST_KEY} extra`,
    ]
    for (const authorization of headers) {
      const response = await server.call('/tasks', { key: null, headers: { authorization } })
      expect(response.status, authorization).toBe(401)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } })
    }
    expect((await server.call('/tasks')).status).toBe(200)
    expect(server.handler.revokeKey(TEST_KEY)).toBe(true)
    expect((await server.call('/tasks')).status).toBe(401)
  })

  it('answers 429 too_many_auth_failures with Retry-After to an address that sent too many bad keys, whatever its key, until the window ends', async () => {
    server = await startTestServer({ handler: { authFailures: { maxFailures: 3, windowMs: 60_000 } } })
    // A request without a key is not a guess, and does not count.
    for (let i = 0; i < 5; i++) expect((await server.call('/tasks', { key: null })).status).toBe(401)
    for (let i = 0; i < 3; i++)
      expect((await server.call('/tasks', { key: `pk_test_guess${String(i).padStart(20, '0')}` })).status).toBe(401)
    const refused = await server.call('/tasks')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await refused.json()).toMatchObject({ error: { code: 'too_many_auth_failures' } })
    await server.runtime.clock.advance(30_000)
    expect((await server.call('/tasks', { key: 'pk_test_guess99999999999999999999' })).headers.get('retry-after')).toBe(
      '30',
    )
    await server.runtime.clock.advance(30_000)
    expect((await server.call('/tasks')).status).toBe(200)
  })

  it('throttles failed authentication per address: another client address is not refused', async () => {
    server = await startTestServer({ handler: { authFailures: { maxFailures: 1 } } })
    const request = (key: string): Request =>
      new Request(`${server.base}/tasks`, { headers: { authorization: `Bearer ${key}` } })
    expect((await server.handler(request('pk_test_unknownunknown1'), { clientAddress: '198.51.100.7' })).status).toBe(
      401,
    )
    expect((await server.handler(request(TEST_KEY), { clientAddress: '198.51.100.7' })).status).toBe(429)
    expect((await server.handler(request(TEST_KEY), { clientAddress: '198.51.100.8' })).status).toBe(200)
  })

  it('accepts keys given as SHA-256 digests and through an authenticate callback', async () => {
    const dynamic = 'pk_live_fromTheDatabase0001'
    server = await startTestServer({
      handler: {
        keys: [{ sha256: keyDigest(TEST_KEY), environment: 'test', account: 'acct_digest' }],
        authenticate: (token) => (token === dynamic ? { environment: 'live', account: 'acct_db' } : null),
      },
    })
    expect((await server.call('/tasks')).status).toBe(200)
    expect((await server.call('/tasks', { key: dynamic })).status).toBe(200)
    expect((await server.call('/tasks', { key: LIVE_KEY })).status).toBe(401)
  })

  it('refuses a key whose environment does not match its prefix at start-up', async () => {
    server = await startTestServer()
    expect(() => server.handler.addKey({ key: TEST_KEY, environment: 'live' })).toThrow(/cannot have environment/)
  })
})

describe('rate limits', () => {
  it('sends X-RateLimit headers on every authenticated response, errors included', async () => {
    server = await startTestServer()
    const ok = await server.call('/tasks')
    const notFound = await server.call('/tasks/task_missing')
    for (const [response, remaining] of [
      [ok, '99'],
      [notFound, '98'],
    ] as const) {
      expect(response.headers.get('x-ratelimit-limit')).toBe('100')
      expect(response.headers.get('x-ratelimit-remaining')).toBe(remaining)
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBe(
        Math.ceil((server.runtime.clock.now() + 60_000) / 1000),
      )
    }
    expect((await server.call('/tasks', { key: null })).headers.get('x-ratelimit-limit')).toBeNull()
  })

  it('answers 429 rate_limit_exceeded with Retry-After past the per-key limit, until the window resets', async () => {
    server = await startTestServer({ handler: { rateLimit: { requestsPerMinute: 3 } } })
    for (let i = 0; i < 3; i++) expect((await server.call('/tasks')).status).toBe(200)
    await server.runtime.clock.advance(20_000)
    const limited = await server.call('/tasks')
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } })
    expect(limited.headers.get('retry-after')).toBe('40')
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect((await server.call('/tasks', { key: LIVE_KEY })).status).toBe(200)
    await server.runtime.clock.advance(40_000)
    expect((await server.call('/tasks')).status).toBe(200)
  })

  it('lets a key set its own limit', async () => {
    server = await startTestServer({ handler: { keys: [{ key: TEST_KEY, requestsPerMinute: 1 }] } })
    expect((await server.call('/tasks')).headers.get('x-ratelimit-limit')).toBe('1')
    expect((await server.call('/tasks')).status).toBe(429)
  })
})

describe('per-key requestsPerMinute', () => {
  it('refuses a key whose requestsPerMinute is not a positive integer', async () => {
    server = await startTestServer()
    for (const requestsPerMinute of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => createHandler(server.runtime, { keys: [{ key: TEST_KEY, requestsPerMinute }] }),
        String(requestsPerMinute),
      ).toThrow(/requestsPerMinute must be a positive integer/)
    }
    expect(() => server.handler.addKey({ key: LIVE_KEY, requestsPerMinute: 0 })).toThrow(
      /requestsPerMinute must be a positive integer/,
    )
    expect(() =>
      server.handler.addKey({ sha256: keyDigest(LIVE_KEY), environment: 'live', requestsPerMinute: Number.NaN }),
    ).toThrow(/requestsPerMinute/)
  })

  it('uses the default limit and reports through onError when authenticate returns an unusable requestsPerMinute', async () => {
    const dynamic = 'pk_live_fromTheDatabase0002'
    const errors: unknown[] = []
    server = await startTestServer({
      handler: {
        rateLimit: { requestsPerMinute: 7 },
        onError: (error) => errors.push(error),
        authenticate: (token) =>
          token === dynamic ? { environment: 'live', account: 'acct_db', requestsPerMinute: Number.NaN } : null,
      },
    })
    const response = await server.call('/tasks', { key: dynamic })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-ratelimit-limit')).toBe('7')
    expect(response.headers.get('x-ratelimit-remaining')).toBe('6')
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/requestsPerMinute NaN/)
  })
})
