import { createHmac } from 'node:crypto'
import { createHandler, verifyWebhook, type WebhookAttemptReport, type WebhookOptions } from '@inboard/http'
import { createFakeClock } from '@inboard/core/testing'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver } from './support/webhook-receiver.js'
import { outboxIds, startTestServer, type TestServer } from './support/test-server.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const OLD_SECRET = 'whsec_c2VjcmV0LW9sZC1vbGQtb2xkLW9sZA=='

let server: TestServer | undefined
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined
afterEach(async () => {
  await server?.close()
  await receiver?.close()
  server = undefined
  receiver = undefined
})

async function setup(
  statuses: number[] = [],
  webhooks: Partial<WebhookOptions> = {},
  respond?: Parameters<typeof startReceiver>[1],
): Promise<{ server: TestServer; receiver: NonNullable<typeof receiver>; reports: WebhookAttemptReport[] }> {
  const reports: WebhookAttemptReport[] = []
  receiver = await startReceiver(statuses, respond)
  server = await startTestServer({
    runtime: { clock: createFakeClock(Date.now()) },
    handler: {
      webhooks: {
        url: `${receiver.url}/hook`,
        secret: SECRET,
        allowPrivateAddresses: true,
        onAttempt: (report) => reports.push(report),
        ...webhooks,
      },
    },
  })
  return { server, receiver, reports }
}

/** Fires due attempts and waits for their real network round trips. */
async function deliver(target: TestServer, ms = 0): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await target.runtime.clock.advance(i === 0 ? ms : 0)
    await target.handler.webhooksIdle()
  }
}

async function runTask(target: TestServer, body: Record<string, unknown>, settle = true): Promise<string> {
  const { id } = (await (await target.call('/tasks', { json: body })).json()) as { id: string }
  if (settle) await target.runtime.tasks.wait(id, { until: 'waiting' })
  return id
}

describe('webhooks', () => {
  it('sends task.complete with the result as data, signed for X-Ploton-Signature, Standard Webhooks and verifyWebhook', async () => {
    const { server, receiver } = await setup()
    const id = await runTask(server, { prompt: 'weather in San Francisco' })
    await deliver(server)
    const complete = receiver.received.find(
      (hook) => (JSON.parse(hook.body) as { event: string }).event === 'task.complete',
    )!
    const event = JSON.parse(complete.body) as Record<string, unknown>
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_/),
      event: 'task.complete',
      task_id: id,
      timestamp: expect.any(String),
      data: { temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' },
    })
    expect(complete.headers['x-ploton-signature']).toMatch(/^[0-9a-f]{64}$/)
    expect(complete.headers['webhook-id']).toBe(event.id)
    const headers = {
      'webhook-id': String(complete.headers['webhook-id']),
      'webhook-timestamp': String(complete.headers['webhook-timestamp']),
      'webhook-signature': String(complete.headers['webhook-signature']),
    }
    expect(new Webhook(SECRET).verify(complete.body, headers)).toEqual(event)
    expect(verifyWebhook({ payload: complete.body, headers: complete.headers, secret: SECRET })).toEqual({
      ok: true,
      event,
    })
    const plotonOnly = { 'x-ploton-signature': String(complete.headers['x-ploton-signature']) }
    // Stripping the Standard Webhooks headers must not bypass the timestamp (replay protection) by default.
    expect(verifyWebhook({ payload: complete.body, headers: plotonOnly, secret: SECRET })).toEqual({
      ok: false,
      reason: expect.stringContaining('webhook-timestamp'),
    })
    expect(
      verifyWebhook({
        payload: complete.body,
        headers: { ...plotonOnly, 'webhook-id': String(complete.headers['webhook-id']) },
        secret: SECRET,
      }).ok,
    ).toBe(false)
    expect(
      verifyWebhook({ payload: complete.body, headers: plotonOnly, secret: SECRET, requireTimestamp: false }).ok,
    ).toBe(true)
    expect(
      verifyWebhook({
        payload: complete.body,
        headers: { 'x-ploton-signature': '0'.repeat(64) },
        secret: SECRET,
        requireTimestamp: false,
      }),
    ).toEqual({ ok: false, reason: 'signature mismatch' })
    expect(
      verifyWebhook({ payload: complete.body.replace('62', '63'), headers: complete.headers, secret: SECRET }),
    ).toEqual({ ok: false, reason: 'signature mismatch' })
    expect(
      verifyWebhook({
        payload: complete.body,
        headers: complete.headers,
        secret: SECRET,
        now: Date.now() + 10 * 60_000,
      }).ok,
    ).toBe(false)
    expect(
      receiver.received.some((hook) => (JSON.parse(hook.body) as { event: string }).event === 'task.progress'),
    ).toBe(true)
  })

  it('sends task.failed with the error, task.waiting with reason, service, auth_url and message, and task.cancelled only when opted in', async () => {
    const { server, receiver } = await setup()
    await runTask(server, { prompt: 'please fail' })
    const waitingId = await runTask(server, { prompt: 'ask for a city' })
    await server.runtime.tasks.cancel(waitingId)
    await deliver(server)
    const events = receiver.received.map((hook) => JSON.parse(hook.body) as { event: string; data: unknown })
    expect(events.find((event) => event.event === 'task.failed')?.data).toEqual({
      error: {
        code: 'planner_error',
        message: 'The task was told to fail',
        tool: null,
        recoverable: false,
        suggestion: null,
      },
    })
    expect(events.find((event) => event.event === 'task.waiting')?.data).toEqual({
      reason: 'input_required',
      service: null,
      auth_url: null,
      message: 'Which city?',
    })
    expect(events.some((event) => event.event === 'task.cancelled')).toBe(false)

    await server.close()
    await receiver.close()
    const optedIn = await setup([], { sendCancelled: true })
    const id = await runTask(optedIn.server, { prompt: 'hang' }, false)
    await optedIn.server.runtime.tasks.cancel(id)
    await deliver(optedIn.server)
    expect(
      optedIn.receiver.received
        .map((hook) => JSON.parse(hook.body) as { event: string; data: unknown })
        .find((event) => event.event === 'task.cancelled')?.data,
    ).toMatchObject({ status: 'cancelled' })
  })

  it('sends a task’s events to its own webhook_url instead of the default endpoint', async () => {
    const { server, receiver } = await setup()
    await runTask(server, { prompt: 'weather', webhook_url: `${receiver.url}/per-task` })
    await deliver(server)
    expect(receiver.received.length).toBeGreaterThan(0)
    expect(receiver.received.every((hook) => hook.path === '/per-task')).toBe(true)
  })

  it('signs webhook-signature with every secret during a rotation, and X-Ploton-Signature with the newest only', async () => {
    const { server, receiver } = await setup([], { secret: [SECRET, OLD_SECRET] })
    await runTask(server, { prompt: 'weather' })
    await deliver(server)
    const hook = receiver.received[0]!
    const headers = {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    }
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    for (const secret of [SECRET, OLD_SECRET]) {
      expect(() => new Webhook(secret).verify(hook.body, headers)).not.toThrow()
      expect(verifyWebhook({ payload: hook.body, headers, secret }).ok).toBe(true)
    }
    // X-Ploton-Signature is what the contract says: one lowercase hex HMAC of the body, here with the newest secret.
    const plotonSignature = String(hook.headers['x-ploton-signature'])
    expect(plotonSignature).toMatch(/^[0-9a-f]{64}$/)
    expect(plotonSignature).toBe(createHmac('sha256', SECRET).update(hook.body).digest('hex'))
    expect(plotonSignature).not.toBe(createHmac('sha256', OLD_SECRET).update(hook.body).digest('hex'))
  })

  it('retries failures, redirects and timeouts with backoff, at most 5 attempts within 24 hours, all with one event id', async () => {
    // The first event gets 500, a redirect, no answer at all, 503 and 500; every other event gets 200.
    const plan = [500, 302, 0, 503, 500]
    let tracked: string | undefined
    const { server, receiver, reports } = await setup([], {}, (hook) => {
      const id = String(hook.headers['webhook-id'])
      tracked ??= id
      return id === tracked ? plan.shift() : 200
    })
    await runTask(server, { prompt: 'please fail' })
    await deliver(server)
    const ofEvent = (): WebhookAttemptReport[] => reports.filter((report) => report.event_id === tracked)
    const hooksOfEvent = (): number => receiver.received.filter((hook) => hook.headers['webhook-id'] === tracked).length
    const clock = server.runtime.clock
    const firstAttemptAt = clock.now()
    const delays: number[] = []
    let previous = firstAttemptAt
    for (let attempt = 2; attempt <= 5; attempt++) {
      const next = ofEvent().at(-1)!.next_attempt_at!
      delays.push(next - previous)
      await clock.advance(next - clock.now())
      await expect.poll(hooksOfEvent).toBe(attempt)
      // The third attempt gets no answer: it fails when 30 s pass on the runtime's clock.
      if (attempt === 3) await clock.advance(30_000)
      await server.handler.webhooksIdle()
      previous = next
    }
    const attempts = ofEvent()
    expect(attempts.map((report) => report.attempt)).toEqual([1, 2, 3, 4, 5])
    expect(attempts.map((report) => report.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'retrying',
      'abandoned',
    ])
    expect(attempts.map((report) => report.status)).toEqual([500, 302, null, 503, 500])
    expect(attempts[2]!.error).toMatch(/No response within 30000 ms/)
    expect(receiver.received.some((hook) => hook.path === '/redirected')).toBe(false)
    const nominal = [60_000, 480_000, 3_840_000, 30_720_000]
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(nominal[i]! * 0.75)
      expect(delay).toBeLessThanOrEqual(nominal[i]! * 1.25 + 30_000)
    })
    expect(previous - firstAttemptAt).toBeLessThan(24 * 60 * 60 * 1000)
    const bodies = new Set(
      receiver.received.filter((hook) => hook.headers['webhook-id'] === tracked).map((hook) => hook.body),
    )
    expect(bodies.size).toBe(1)
    expect(JSON.parse([...bodies][0]!)).toMatchObject({ id: tracked })
  })

  it('keeps undelivered events in the outbox so a new handler delivers them after a restart', async () => {
    const { server, receiver, reports } = await setup([500])
    const pending = outboxIds(server.runtime.storage)
    const id = await runTask(server, { prompt: 'weather' })
    await deliver(server)
    const failed = reports.find((report) => report.outcome === 'retrying')!
    await server.handler.close()
    expect(pending()).toContain(failed.event_id)

    const restarted: WebhookAttemptReport[] = []
    const handler = createHandler(server.runtime, {
      clock: server.runtime.clock,
      webhooks: {
        url: `${receiver.url}/hook`,
        secret: SECRET,
        allowPrivateAddresses: true,
        onAttempt: (report) => restarted.push(report),
      },
    })
    await handler.webhooksIdle()
    await server.runtime.clock.advance(failed.next_attempt_at! - server.runtime.clock.now())
    await handler.webhooksIdle()
    expect(restarted).toEqual([
      expect.objectContaining({ event_id: failed.event_id, task_id: id, attempt: 2, outcome: 'delivered' }),
    ])
    expect(pending()).toEqual([])
    await handler.close()
  })

  it('never blocks or fails a task when the endpoint is down', async () => {
    const { server, receiver } = await setup()
    await receiver.close()
    const id = await runTask(server, { prompt: 'weather' })
    await deliver(server)
    expect((await server.runtime.tasks.get(id, { account: 'default:test' })).status).toBe('complete')
  })

  it('refuses loopback, private, link-local and metadata endpoints unless allowed', async () => {
    const runtime = (await startTestServer()).runtime
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://localhost/hook',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.google.internal/',
      'http://192.168.1.10/',
      'http://[fd00::1]/',
    ]) {
      expect(() => createHandler(runtime, { webhooks: { url, secret: SECRET } }), url).toThrow(/webhook URL/)
    }
    expect(() =>
      createHandler(runtime, {
        webhooks: { url: 'http://127.0.0.1:9/hook', secret: SECRET, allowPrivateAddresses: true },
      }),
    ).not.toThrow()
    expect(() =>
      createHandler(runtime, { webhooks: { url: 'https://hooks.example.com/', secret: 'not-a-secret' } }),
    ).toThrow(/whsec_/)
    await runtime.close({ deadlineMs: 0 })
  })
})
