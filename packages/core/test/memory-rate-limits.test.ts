import { defineTool, ToolError } from '@inboard/tools'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { callThenFinish, gets, limitedService, run } from './memory-fixtures.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('execution memory: rate limits', () => {
  it('learns a limit from a 429 with its evidence and paces later tasks under it instead of collecting 429s', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const { state, tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)

    const first = await run(runtime, { prompt: 'get eight items' })
    expect(first.task.status).toBe('complete')
    expect(state.limited).toBe(1)
    expect(first.notes).toContain('learned rate limit 5/1s from a 429')
    const entry = (await runtime.memory.get(null)).find((item) => item.kind === 'rate_limit')
    expect(entry).toMatchObject({
      kind: 'rate_limit',
      tool: 'svc',
      value: { limit: 5, window_ms: 1_000 },
      provenance: { task_id: first.task.id, evidence: { status: 429, 'x-ratelimit-limit': '5' } },
    })

    const second = await run(runtime, { prompt: 'get eight items again' })
    expect(second.task.status).toBe('complete')
    expect(state.limited).toBe(1)
    expect(second.notes).toContain('paced to learned limit 5/1s')
    expect(second.notes).toMatch(/waited \d+ ms/)
    expect((await runtime.memory.get(null)).find((item) => item.kind === 'rate_limit')?.uses).toBeGreaterThan(0)
  })

  it('shares one pacer across subagents and concurrent tasks of the same service', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(4)) })
    const { state, tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await runtime.subagents.deploy({ name: 'alpha', prompt: 'items', tools: ['svc'] })
    await runtime.subagents.deploy({ name: 'beta', prompt: 'items', tools: ['svc'] })
    await run(runtime, { prompt: 'get items', sub_agent: 'alpha' })
    await run(runtime, { prompt: 'get items', sub_agent: 'alpha' })
    expect(state.limited).toBe(1)
    await runtime.clock.advance(2_000)

    const before = state.limited
    const tasks = await Promise.all(
      ['alpha', 'beta', 'beta'].map((sub_agent) => runtime.tasks.create({ prompt: 'get items', sub_agent })),
    )
    await runtime.clock.advance(5_000)
    for (const task of tasks) expect((await runtime.tasks.get(task.id)).status).toBe('complete')
    expect(state.limited).toBe(before)
    expect(
      (await runtime.tasks.trace(tasks[2]!.id)).steps.some((step) =>
        step.note?.includes('paced to learned limit 5/1s'),
      ),
    ).toBe(true)
  })

  it('revises a limit when a later 429 announces a different one', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const { state, tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await run(runtime, { prompt: 'get items' })
    state.limit = 3
    await runtime.clock.advance(1_000)
    const lowered = await run(runtime, { prompt: 'get items' })
    expect(lowered.task.status).toBe('complete')
    expect(lowered.notes).toContain('learned rate limit 3/1s from a 429 (was 5/1s)')
    expect((await runtime.memory.get(null)).find((item) => item.kind === 'rate_limit')).toMatchObject({
      value: { limit: 3 },
      provenance: { task_id: lowered.task.id },
    })
  })

  it('notices a raised limit announced by X-RateLimit-Limit on responses fetched through ctx.fetch', async () => {
    let limit = 2
    let windowStart = -1
    let count = 0
    const clock = createFakeClock()
    vi.stubGlobal('fetch', async () => {
      const window = Math.floor(clock.now() / 1_000)
      if (window !== windowStart) [windowStart, count] = [window, 0]
      const headers = { 'x-ratelimit-limit': String(limit), 'retry-after': '1' }
      if (++count > limit) return new Response('slow down', { status: 429, headers })
      return Response.json({ ok: true }, { headers })
    })
    const api = defineTool({
      name: 'api',
      description: 'An HTTP API',
      capabilities: {
        ping: {
          description: 'Ping',
          input: z.object({ n: z.number() }),
          run: async (_input, ctx) => {
            const response = await ctx.fetch!('https://api.example/ping')
            if (response.status === 429)
              throw new ToolError('rate_limited', '429', {
                retryAfterMs: 1_000,
                details: { status: 429, headers: Object.fromEntries(response.headers) },
              })
            return response.json()
          },
        },
      },
    })
    const planner = callThenFinish(() => [0, 1, 2].map((n) => ({ tool: 'api', capability: 'ping', input: { n } })))
    const runtime = createTestRuntime({ tools: [api], planner, clock })
    const learned = await run(runtime, { prompt: 'ping thrice' })
    expect(learned.notes).toContain('learned rate limit 2/1s')
    limit = 10
    const raised = await run(runtime, { prompt: 'ping thrice' })
    expect(raised.notes).toContain('learned rate limit raised to 10/1s (was 2)')
    expect((await runtime.memory.get(null)).find((item) => item.kind === 'rate_limit')).toMatchObject({
      value: { limit: 10 },
      provenance: { task_id: raised.task.id, evidence: { 'x-ratelimit-limit': 10, previous_limit: 2 } },
    })
  })

  it('learns a fixed window from X-RateLimit-* headers on ordinary responses, before any 429', async () => {
    const clock = createFakeClock()
    let count = 0
    let windowStart = 0
    vi.stubGlobal('fetch', async () => {
      const now = clock.now()
      const start = Math.floor(now / 10_000) * 10_000
      if (start !== windowStart) [windowStart, count] = [start, 0]
      count++
      return Response.json(
        { ok: true },
        {
          headers: {
            'x-ratelimit-limit': '100',
            'x-ratelimit-remaining': String(100 - count),
            'x-ratelimit-reset': String((start + 10_000) / 1000),
          },
        },
      )
    })
    const api = defineTool({
      name: 'api',
      description: 'An HTTP API',
      capabilities: {
        ping: {
          description: 'Ping',
          input: z.object({}),
          run: async (_input, ctx) => (await ctx.fetch!('https://api.example/ping')).json(),
        },
      },
    })
    const runtime = createTestRuntime({
      tools: [api],
      planner: callThenFinish(() => [{ tool: 'api', capability: 'ping', input: {} }]),
      clock,
    })
    const first = await run(runtime, { prompt: 'ping' })
    expect(first.notes).not.toContain('learned rate limit')
    await clock.advance(10_000)
    const rolled = await run(runtime, { prompt: 'ping' })
    expect(rolled.notes).toContain('learned rate limit 100/10s from X-RateLimit headers')
    expect((await runtime.memory.get(null)).find((item) => item.kind === 'rate_limit')).toMatchObject({
      value: { limit: 100, window_ms: 10_000 },
      provenance: { task_id: rolled.task.id, evidence: { 'x-ratelimit-limit': 100, 'x-ratelimit-remaining': 99 } },
    })
  })

  it('keeps accounts apart: a limit learned for one account does not pace another', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const { tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await run(runtime, { prompt: 'get items' }, { account: 'acct_a' })
    await runtime.clock.advance(1_000)
    const other = await run(runtime, { prompt: 'get four' }, { account: 'acct_b' })
    // acct_b starts unpaced and learns its own limit from its own 429.
    expect(other.notes.indexOf('learned rate limit 5/1s')).toBeGreaterThan(-1)
    expect(other.notes.indexOf('paced')).toBeGreaterThan(other.notes.indexOf('learned rate limit 5/1s'))
    const entries = await runtime.memory.get(null)
    expect(entries.filter((entry) => entry.kind === 'rate_limit').map((entry) => entry.account)).toEqual([
      'acct_a',
      'acct_b',
    ])
  })

  it('neither learns nor paces when memory is off for the runtime or the task', async () => {
    const off = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)), memory: { enabled: false } })
    const { state, tool } = limitedService(off.clock, { limit: 5, windowMs: 1_000 })
    off.addTool(tool)
    await run(off, { prompt: 'get items' })
    await off.clock.advance(1_000)
    await run(off, { prompt: 'get items' })
    expect(state.limited).toBe(2)
    expect(off.memory.enabled).toBe(false)
    expect(await off.memory.get(null)).toEqual([])

    const on = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const limited = limitedService(on.clock, { limit: 5, windowMs: 1_000 })
    on.addTool(limited.tool)
    const optedOut = await run(on, { prompt: 'get items', memory: false })
    expect(optedOut.task.status).toBe('complete')
    expect(limited.state.limited).toBe(1)
    expect(await on.memory.get(null)).toEqual([])
    const learning = await run(on, { prompt: 'get items' })
    expect(learning.notes).toContain('learned rate limit 5/1s')
  })
})
