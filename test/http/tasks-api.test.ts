import { taskListItemSchema, taskSchema, traceSchema } from '@inboard/http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LIVE_KEY, OTHER_ACCOUNT_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
beforeEach(async () => {
  server = await startTestServer()
})
afterEach(async () => {
  await server.close()
})

const weatherPrompt = 'Look up the current weather in San Francisco and return temperature, conditions, and humidity'

async function createTask(
  body: Record<string, unknown> = { prompt: weatherPrompt },
  key?: string,
): Promise<{ id: string; status: string } & Record<string, unknown>> {
  const response = await server.call('/tasks', { json: body, ...(key === undefined ? {} : { key }) })
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string; status: string }
}

describe('POST /v1/tasks', () => {
  it('answers 201 with the task as it is now, running', async () => {
    const task = await createTask({
      prompt: weatherPrompt,
      user_id: 'user_123',
      metadata: { source: 'lead_enrichment_pipeline' },
    })
    expect(taskSchema.parse(task)).toMatchObject({
      status: 'running',
      user_id: 'user_123',
      metadata: { source: 'lead_enrichment_pipeline' },
      sub_agent: null,
    })
    expect(task.id).toMatch(/^task_/)
  })

  it('routes to a named subagent and answers 404 subagent_not_found for an unknown one', async () => {
    expect(
      (await server.call('/subagents', { json: { name: 'weather-agent', prompt: 'Weather forecasts' } })).status,
    ).toBe(201)
    expect(await createTask({ prompt: weatherPrompt, sub_agent: 'weather-agent' })).toMatchObject({
      sub_agent: 'weather-agent',
    })
    const missing = await server.call('/tasks', { json: { prompt: weatherPrompt, sub_agent: 'crm-agent' } })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'subagent_not_found' } })
  })

  it('answers 422 prompt_too_long past 10,000 characters', async () => {
    const response = await server.call('/tasks', { json: { prompt: 'x'.repeat(10_001) } })
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      error: { code: 'prompt_too_long', message: expect.any(String), param: 'prompt' },
    })
  })

  it('answers 400 invalid_request naming the field for a missing prompt or a field of the wrong type', async () => {
    const missing = await server.call('/tasks', { json: { sub_agent: 'crm-agent' } })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_request', param: 'prompt' } })
    const wrongType = await server.call('/tasks', { json: { prompt: 'hi', metadata: 'nope' } })
    expect(await wrongType.json()).toMatchObject({ error: { code: 'invalid_request', param: 'metadata' } })
    const priority = await server.call('/tasks', { json: { prompt: 'hi', priority: 11 } })
    expect(await priority.json()).toMatchObject({ error: { code: 'invalid_request', param: 'priority' } })
  })

  it('queues an account’s tasks beyond its concurrency cap as pending', async () => {
    await server.close()
    server = await startTestServer({ runtime: { accountConcurrency: 2 } })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await createTask({ prompt: `hang ${i}` })).status)
    expect(statuses).toEqual(['running', 'running', 'pending'])
    expect((await createTask({ prompt: 'hang' }, OTHER_ACCOUNT_KEY)).status).toBe('running')
  })
})

describe('GET /v1/tasks/:id', () => {
  it('returns the result once complete', async () => {
    const { id } = await createTask()
    await server.runtime.tasks.wait(id)
    const response = await server.call(`/tasks/${id}`)
    expect(response.status).toBe(200)
    const task = taskSchema.parse(await response.json())
    expect(task).toMatchObject({ id, status: 'complete', prompt: weatherPrompt, completed_at: expect.any(String) })
  })

  it('returns the error of a failed task', async () => {
    const { id } = await createTask({ prompt: 'please fail' })
    await server.runtime.tasks.wait(id)
    const task = (await (await server.call(`/tasks/${id}`)).json()) as Record<string, unknown>
    expect(task).toMatchObject({
      status: 'failed',
      failed_at: expect.any(String),
      error: { code: expect.any(String), message: expect.any(String), recoverable: false },
    })
  })

  it('answers 404 task_not_found for an unknown id and for an id of the wrong shape', async () => {
    for (const id of ['task_doesnotexist', 'nope', '%E2%9C%93', 'task_' + 'a'.repeat(300)]) {
      const response = await server.call(`/tasks/${id}`)
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ error: { code: 'task_not_found' } })
    }
  })

  it('hides a live task from a test key, a test task from a live key and another account’s tasks', async () => {
    const live = await createTask({ prompt: weatherPrompt }, LIVE_KEY)
    const test = await createTask()
    expect((await server.call(`/tasks/${live.id}`)).status).toBe(404)
    expect((await server.call(`/tasks/${test.id}`, { key: LIVE_KEY })).status).toBe(404)
    expect((await server.call(`/tasks/${test.id}`, { key: OTHER_ACCOUNT_KEY })).status).toBe(404)
    expect((await server.call(`/tasks/${live.id}/cancel`, { method: 'POST' })).status).toBe(404)
    expect(
      ((await (await server.call('/tasks')).json()) as { data: Array<{ id: string }> }).data.map((task) => task.id),
    ).toEqual([test.id])
  })

  it('runs test-key tasks in test mode and live-key tasks as asked', async () => {
    expect((await createTask({ prompt: weatherPrompt })).mode).toBe('test')
    expect((await server.call('/tasks', { json: { prompt: weatherPrompt, mode: 'live' } })).status).toBe(403)
    expect((await createTask({ prompt: weatherPrompt }, LIVE_KEY)).mode).toBe('live')
    expect((await createTask({ prompt: weatherPrompt, mode: 'test' }, LIVE_KEY)).mode).toBe('test')
  })
})

describe('GET /v1/tasks', () => {
  it('lists newest first without result, error or prompt, with an exact has_more', async () => {
    const ids = []
    for (let i = 0; i < 3; i++) {
      ids.push((await createTask()).id)
      await server.runtime.clock.advance(1000)
    }
    await Promise.all(ids.map((id) => server.runtime.tasks.wait(id)))
    const first = (await (await server.call('/tasks?limit=2')).json()) as {
      data: Array<Record<string, unknown>>
      has_more: boolean
    }
    expect(first.has_more).toBe(true)
    expect(first.data.map((task) => task.id)).toEqual([ids[2], ids[1]])
    for (const item of first.data) {
      expect(taskListItemSchema.parse(item)).toBeTruthy()
      expect(item).not.toHaveProperty('result')
      expect(item).not.toHaveProperty('prompt')
    }
    const second = (await (await server.call('/tasks?limit=2&offset=2')).json()) as {
      data: Array<{ id: string }>
      has_more: boolean
    }
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[0] })], has_more: false })
  })

  it('filters by status, sub_agent and user_id', async () => {
    const done = await createTask({ prompt: weatherPrompt, user_id: 'user_1' })
    await server.runtime.tasks.wait(done.id)
    const hanging = await createTask({ prompt: 'hang', user_id: 'user_2' })
    const running = (await (await server.call('/tasks?status=running')).json()) as { data: Array<{ id: string }> }
    expect(running.data.map((task) => task.id)).toEqual([hanging.id])
    const byUser = (await (await server.call('/tasks?user_id=user_1')).json()) as { data: Array<{ id: string }> }
    expect(byUser.data.map((task) => task.id)).toEqual([done.id])
    const bySubagent = (await (await server.call('/tasks?sub_agent=crm-agent')).json()) as { data: unknown[] }
    expect(bySubagent.data).toEqual([])
  })

  it('defaults to 20 items, allows 100 and refuses 101, negative offsets, bad numbers and unknown statuses naming the field', async () => {
    for (let i = 0; i < 21; i++) await createTask({ prompt: 'hang' })
    const page = (await (await server.call('/tasks')).json()) as { data: unknown[]; has_more: boolean }
    expect(page.data).toHaveLength(20)
    expect(page.has_more).toBe(true)
    expect((await server.call('/tasks?limit=100')).status).toBe(200)
    for (const [query, param] of [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['limit=abc', 'limit'],
      ['status=done', 'status'],
      ['limit=1&limit=2', 'limit'],
    ]) {
      const response = await server.call(`/tasks?${query}`)
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', param } })
    }
  })
})

describe('GET /v1/tasks size', () => {
  it('answers a page of 100 tasks with the largest metadata and prompts in under 3 MB: no prompt or result in list items', async () => {
    await server.close()
    server = await startTestServer({ handler: { rateLimit: { requestsPerMinute: 1_000 } } })
    // The metadata limits: 50 keys of 40 characters, values of 500 (about 27 KB per task as JSON).
    const metadata = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${i}`.padStart(40, 'k'), 'v'.repeat(500)]),
    )
    for (let i = 0; i < 100; i++) await createTask({ prompt: `${weatherPrompt} ${'p'.repeat(9_800)}`, metadata })
    const response = await server.call('/tasks?limit=100')
    const text = await response.text()
    const page = JSON.parse(text) as { data: Array<Record<string, unknown>> }
    expect(page.data).toHaveLength(100)
    for (const item of page.data) {
      expect(item).not.toHaveProperty('prompt')
      expect(item).not.toHaveProperty('result')
    }
    // Bound: 100 × (50 × (40 + 500) characters of metadata + 1 KB of other fields) ≈ 2.8 MB.
    expect(Buffer.byteLength(text)).toBeLessThan(3 * 1_048_576)
  })
})

describe('POST /v1/tasks/:id/cancel', () => {
  it('cancels a running task and answers 409 task_already_complete the second time', async () => {
    const { id } = await createTask({ prompt: 'hang' })
    const response = await server.call(`/tasks/${id}/cancel`, { method: 'POST' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id, status: 'cancelled', cancelled_at: expect.any(String) })
    const again = await server.call(`/tasks/${id}/cancel`, { method: 'POST' })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'task_already_complete' } })
  })

  it('cancels pending and waiting tasks', async () => {
    await server.close()
    server = await startTestServer({ runtime: { accountConcurrency: 1 } })
    await createTask({ prompt: 'hang' })
    const pending = await createTask({ prompt: 'hang' })
    expect(pending.status).toBe('pending')
    expect((await server.call(`/tasks/${pending.id}/cancel`, { method: 'POST' })).status).toBe(200)
    const waiting = await createTask({ prompt: 'ask me' }, OTHER_ACCOUNT_KEY)
    await server.runtime.tasks.wait(waiting.id, { until: 'waiting' })
    expect((await server.call(`/tasks/${waiting.id}/cancel`, { method: 'POST', key: OTHER_ACCOUNT_KEY })).status).toBe(
      200,
    )
  })
})

describe('GET /v1/tasks/:id/trace', () => {
  it('returns the steps with tool, action, status and duration', async () => {
    const { id } = await createTask()
    await server.runtime.tasks.wait(id)
    const response = await server.call(`/tasks/${id}/trace`)
    expect(response.status).toBe(200)
    const trace = traceSchema.parse(await response.json())
    expect(trace.task_id).toBe(id)
    expect(trace.steps.some((step) => step.tool === 'weather')).toBe(true)
  })

  it('is readable while the task runs', async () => {
    const { id } = await createTask({ prompt: 'hang' })
    const response = await server.call(`/tasks/${id}/trace`)
    expect(response.status).toBe(200)
    expect(traceSchema.parse(await response.json()).task_id).toBe(id)
  })
})

describe('POST /v1/tasks/:id/input', () => {
  it('resumes a waiting task with a message', async () => {
    const { id } = await createTask({ prompt: 'ask for a city' })
    const waiting = await server.runtime.tasks.wait(id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({ reason: 'input_required', message: 'Which city?' })
    expect(((await (await server.call(`/tasks/${id}`)).json()) as { waiting: unknown }).waiting).toMatchObject({
      reason: 'input_required',
      service: null,
      auth_url: null,
    })
    const response = await server.call(`/tasks/${id}/input`, { json: { message: 'Paris' } })
    expect(response.status).toBe(200)
    const done = await server.runtime.tasks.wait(id)
    expect(done.result).toEqual({ messages: ['Paris'], values: {} })
  })

  it('answers 409 task_not_waiting for a running task and 400 for an empty body', async () => {
    const { id } = await createTask({ prompt: 'hang' })
    const response = await server.call(`/tasks/${id}/input`, { json: { message: 'hello' } })
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ error: { code: 'task_not_waiting' } })
    expect((await server.call(`/tasks/${id}/input`, { json: {} })).status).toBe(400)
  })
})
