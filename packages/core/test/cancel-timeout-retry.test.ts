import { ToolError } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'

const callSlow = { type: 'call', calls: [{ tool: 'slow', capability: 'run', input: {} }] } as const

describe('cancellation, timeouts and retries', () => {
  it('cancels a running task and aborts its in-flight call through ctx.signal', async () => {
    let aborted = false
    let reason: unknown
    const slow = createScriptedTool({
      name: 'slow',
      capabilities: {
        run: [
          (_input: Record<string, unknown>, ctx: { signal: AbortSignal }) =>
            new Promise((_, reject) =>
              ctx.signal.addEventListener(
                'abort',
                () => ((aborted = true), (reason = ctx.signal.reason), reject(new Error('aborted'))),
              ),
            ),
        ],
      },
    })
    const runtime = createTestRuntime({
      tools: [slow],
      planner: createScriptedPlanner([callSlow, { type: 'finish', result: 'late' }]),
    })
    const events: string[] = []
    runtime.subscribe((event) => events.push(event.type))
    const task = await runtime.tasks.create({ prompt: 'slow' })
    await runtime.clock.advance(10)
    const cancelled = await runtime.tasks.cancel(task.id)
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.cancelled_at).toBeDefined()
    await runtime.clock.advance(10)
    expect(aborted).toBe(true)
    expect(reason).toMatchObject({ name: 'AbortError', message: 'The task was cancelled' })
    const final = await runtime.tasks.get(task.id)
    expect(final.status).toBe('cancelled')
    expect(events.filter((type) => ['task.complete', 'task.failed', 'task.cancelled'].includes(type))).toEqual([
      'task.cancelled',
    ])
    await expect(runtime.tasks.cancel(task.id)).rejects.toMatchObject({ code: 'task_already_complete' })
  })

  it('tells a planner through context.onAbort that the task was cancelled while it planned, and at once when it asks after that', async () => {
    const heard: unknown[] = []
    let release!: () => void
    const planning = new Promise<void>((resolve) => (release = resolve))
    const runtime = createTestRuntime({
      planner: {
        name: 'listening',
        plan: async (context) => {
          context.onAbort?.((reason) => heard.push(reason))
          await planning
          context.onAbort?.((reason) => heard.push(reason))
          return { type: 'finish', result: 'late' }
        },
      },
    })
    const task = await runtime.tasks.create({ prompt: 'plan slowly' })
    await runtime.clock.advance(1)
    await runtime.tasks.cancel(task.id)
    expect(heard).toMatchObject([{ name: 'AbortError', message: 'The task was cancelled' }])
    release()
    await runtime.clock.advance(1)
    expect(heard).toHaveLength(2)
    expect(heard[1]).toBe(heard[0])
    expect((await runtime.tasks.get(task.id)).status).toBe('cancelled')
  })

  it('cancels pending and waiting tasks', async () => {
    const slow = createScriptedTool({ name: 'slow', capabilities: { run: [() => new Promise(() => undefined)] } })
    const runtime = createTestRuntime({ concurrency: 1, tools: [slow], planner: createScriptedPlanner([callSlow]) })
    await runtime.tasks.create({ prompt: 'occupies the slot' })
    const queued = await runtime.tasks.create({ prompt: 'queued' })
    expect(queued.status).toBe('pending')
    expect((await runtime.tasks.cancel(queued.id)).status).toBe('cancelled')
    const asks = createTestRuntime({ planner: createScriptedPlanner([{ type: 'ask', message: 'which?', fields: [] }]) })
    const waiting = await asks.tasks.create({ prompt: 'ask me' })
    await asks.tasks.wait(waiting.id, { until: 'waiting' })
    expect((await asks.tasks.cancel(waiting.id)).status).toBe('cancelled')
  })

  it('fails a call that hangs past its timeout as recoverable, on the fake clock', async () => {
    const slow = createScriptedTool({ name: 'slow', capabilities: { run: [() => new Promise(() => undefined)] } })
    const runtime = createTestRuntime({
      tools: [slow],
      planner: createScriptedPlanner([callSlow]),
      limits: { callTimeoutMs: 1_000, retries: 1, retryMinDelayMs: 100 },
    })
    const task = await runtime.tasks.create({ prompt: 'slow' })
    await runtime.clock.advance(5_000)
    const done = await runtime.tasks.wait(task.id)
    expect(done.error).toMatchObject({ code: 'timeout', tool: 'slow', recoverable: true })
    expect(slow.calls).toHaveLength(2)
  })

  it('fails a task past its own timeout', async () => {
    const slow = createScriptedTool({ name: 'slow', capabilities: { run: [() => new Promise(() => undefined)] } })
    const runtime = createTestRuntime({ tools: [slow], planner: createScriptedPlanner([callSlow]) })
    const task = await runtime.tasks.create({ prompt: 'slow', timeout: 2 })
    await runtime.clock.advance(2_000)
    expect((await runtime.tasks.wait(task.id)).error?.code).toBe('task_timeout')
  })

  it('retries rate-limited calls after Retry-After and transient ones with backoff', async () => {
    const flaky = createScriptedTool({
      name: 'slow',
      capabilities: {
        run: [
          () => {
            throw new ToolError('rate_limited', '429', { retryAfterMs: 5_000 })
          },
          () => {
            throw new ToolError('transient', '503')
          },
          { ok: true },
        ],
      },
    })
    const runtime = createTestRuntime({
      tools: [flaky],
      planner: createScriptedPlanner([callSlow, (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output })]),
      limits: { retryMinDelayMs: 100 },
    })
    const task = await runtime.tasks.create({ prompt: 'flaky' })
    await runtime.clock.advance(4_999)
    expect(flaky.calls).toHaveLength(1)
    await runtime.clock.advance(1)
    expect(flaky.calls).toHaveLength(2)
    await runtime.clock.advance(200)
    const done = await runtime.tasks.wait(task.id)
    expect(done.result).toEqual({ ok: true })
    expect((await runtime.tasks.trace(task.id)).steps[1]?.note).toMatch(
      /attempt 1 failed \(rate_limited\); retrying in 5000 ms; attempt 2 failed \(transient\); retrying in \d+ ms/,
    )
  })

  it('does not retry errors that are not retryable', async () => {
    const broken = createScriptedTool({
      name: 'slow',
      capabilities: {
        run: [
          () => {
            throw new ToolError('not_found', 'no such deal')
          },
        ],
      },
    })
    const runtime = createTestRuntime({ tools: [broken], planner: createScriptedPlanner([callSlow]) })
    const done = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'x' })).id)
    expect(done.error?.code).toBe('not_found')
    expect(broken.calls).toHaveLength(1)
  })

  it('fails a task that exceeds the step limit', async () => {
    const noop = createScriptedTool({ name: 'slow', capabilities: { run: [1] } })
    const runtime = createTestRuntime({
      tools: [noop],
      planner: createScriptedPlanner(Array.from({ length: 10 }, () => callSlow)),
      limits: { maxSteps: 3 },
    })
    const done = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'loop' })).id)
    expect(done.error?.code).toBe('max_steps_exceeded')
    expect(noop.calls).toHaveLength(3)
  })

  it('fails a task whose planner throws, with planner_error', async () => {
    const runtime = createTestRuntime({
      planner: {
        name: 'broken',
        plan: () => {
          throw new Error('model unavailable')
        },
      },
    })
    const done = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'x' })).id)
    expect(done.error).toMatchObject({ code: 'planner_error', recoverable: true })
    expect(done.error?.message).toContain('model unavailable')
  })
})
