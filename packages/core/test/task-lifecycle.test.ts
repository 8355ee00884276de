import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InboardError, type RuntimeEvent } from '@inboard/core'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'
import { callWeather, weatherTool } from './helpers.js'

describe('task lifecycle', () => {
  it('runs a one-tool task to completion and returns the result, the tool and a trace', async () => {
    const runtime = createTestRuntime({
      tools: [weatherTool],
      planner: createScriptedPlanner([callWeather, (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output })]),
    })
    const created = await runtime.tasks.create({
      prompt: 'Weather in San Francisco',
      user_id: 'user_1',
      metadata: { source: 'test' },
    })
    expect(created.status).toBe('running')
    expect(created.id).toMatch(/^task_[0-9A-Za-z]{22}$/)
    const done = await runtime.tasks.wait(created.id)
    expect(done).toMatchObject({
      status: 'complete',
      tool: 'weather',
      user_id: 'user_1',
      sub_agent: null,
      metadata: { source: 'test' },
      result: { temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' },
    })
    expect(done.completed_at).toBeDefined()
    const trace = await runtime.tasks.trace(created.id)
    expect(trace.steps.map((step) => `${step.tool}.${step.action}:${step.status}`)).toEqual([
      'scripted.plan:complete',
      'weather.current:complete',
      'scripted.plan:complete',
    ])
    expect(trace.steps[1]?.note).toBe('looked up San Francisco')
    expect(trace.steps[1]?.started_at).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('emits one typed event per status change, in order, and unsubscribes', async () => {
    const runtime = createTestRuntime({
      tools: [weatherTool],
      planner: createScriptedPlanner([callWeather, { type: 'finish', result: 'ok' }]),
    })
    const seen: string[] = []
    const off = runtime.subscribe((event: RuntimeEvent) => seen.push(event.type))
    const completes: string[] = []
    runtime.on('task.complete', (event) => completes.push(event.task.status))
    const task = await runtime.tasks.create({ prompt: 'Weather' })
    await runtime.tasks.wait(task.id)
    expect(seen.filter((type) => type.startsWith('task.') && type !== 'task.progress')).toEqual([
      'task.created',
      'task.running',
      'task.complete',
    ])
    expect(seen.filter((type) => type === 'step.complete')).toHaveLength(3)
    expect(completes).toEqual(['complete'])
    off()
    await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'again' })).id)
    expect(seen.filter((type) => type === 'task.created')).toHaveLength(1)
  })

  it('fails only the task whose tool throws, with the error shape of the contract', async () => {
    const crm = createScriptedTool({
      name: 'crm',
      capabilities: {
        fetch: [
          () => {
            throw new Error('boom')
          },
        ],
      },
    })
    const runtime = createTestRuntime({
      tools: [crm, weatherTool],
      planner: createScriptedPlanner([
        (ctx) =>
          ctx.task.prompt === 'crm'
            ? { type: 'call', calls: [{ tool: 'crm', capability: 'fetch', input: {} }] }
            : callWeather,
        { type: 'finish', result: 'ok' },
      ]),
    })
    const bad = await runtime.tasks.create({ prompt: 'crm' })
    const good = await runtime.tasks.create({ prompt: 'weather' })
    const [failed, fine] = await Promise.all([runtime.tasks.wait(bad.id), runtime.tasks.wait(good.id)])
    expect(failed.status).toBe('failed')
    expect(failed.error).toEqual({
      code: 'tool_error',
      message: 'boom',
      tool: 'crm',
      recoverable: false,
      suggestion: null,
    })
    expect(fine.status).toBe('complete')
  })

  it('refuses a capability outside the task and input failing its schema, without running them', async () => {
    const secret = createScriptedTool({ name: 'payments', capabilities: { charge: ['charged'] } })
    const runtime = createTestRuntime({
      tools: [weatherTool, secret],
      planner: createScriptedPlanner([
        (ctx) => ({
          type: 'call',
          calls: [
            ctx.task.prompt === 'pay'
              ? { tool: 'payments', capability: 'charge', input: {} }
              : { tool: 'weather', capability: 'current', input: { location: 42 } },
          ],
        }),
      ]),
    })
    await runtime.subagents.deploy({ name: 'weather-agent', prompt: 'Weather forecasts', tools: ['weather'] })
    const pay = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'pay', sub_agent: 'weather-agent' })).id)
    expect(pay.error?.code).toBe('capability_not_allowed')
    expect(secret.calls).toHaveLength(0)
    const bad = await runtime.tasks.wait(
      (await runtime.tasks.create({ prompt: 'weather', sub_agent: 'weather-agent' })).id,
    )
    expect(bad.error?.code).toBe('invalid_tool_input')
    expect(bad.error?.message).toContain('location')
    expect((await runtime.tasks.trace(bad.id)).steps.at(-1)).toMatchObject({
      tool: 'weather',
      action: 'current',
      status: 'failed',
    })
  })

  it('fails a step whose output does not match the capability output schema', async () => {
    const drifted = defineTool({
      name: 'crm',
      description: 'CRM',
      capabilities: {
        deal: {
          description: 'One deal',
          input: z.object({}),
          output: z.object({ amount: z.number() }),
          run: async () => ({ amount: 'a lot' }),
        },
      },
    })
    const runtime = createTestRuntime({
      tools: [drifted],
      planner: createScriptedPlanner([{ type: 'call', calls: [{ tool: 'crm', capability: 'deal', input: {} }] }]),
    })
    const task = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'deal' })).id)
    expect(task.status).toBe('failed')
    expect(task.error).toMatchObject({ code: 'invalid_output', tool: 'crm', recoverable: false })
    expect(task.error?.message).toContain('amount')
  })

  it('fails with no_capability_matched when the default planner finds nothing to call', async () => {
    const runtime = createTestRuntime({ tools: [weatherTool] })
    const task = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'Tell me a joke' })).id)
    expect(task.error).toMatchObject({ code: 'no_capability_matched', recoverable: false })
    expect(task.error?.suggestion).toContain('Name the service')
  })

  it('rejects bad input with documented codes and keeps running', async () => {
    const runtime = createTestRuntime({
      tools: [weatherTool],
      planner: createScriptedPlanner([{ type: 'finish', result: 1 }]),
    })
    // Bad input is a rejection, never a synchronous throw.
    const code = async (fn: () => Promise<unknown>): Promise<string | undefined> => {
      let pending: Promise<unknown>
      try {
        pending = fn()
      } catch {
        return 'threw synchronously'
      }
      try {
        await pending
      } catch (error) {
        return error instanceof InboardError ? error.code : 'not an InboardError'
      }
      return undefined
    }
    expect(await code(() => runtime.tasks.create({ prompt: '' }))).toBe('invalid_request')
    expect(await code(() => runtime.tasks.create({ prompt: 'x'.repeat(10_001) }))).toBe('prompt_too_long')
    expect(await code(() => runtime.tasks.create({ prompt: 'x', priority: 11 }))).toBe('invalid_request')
    expect(
      await code(() => runtime.tasks.create({ prompt: 'x', metadata: [] as unknown as Record<string, unknown> })),
    ).toBe('invalid_request')
    expect(await code(() => runtime.tasks.create({ prompt: 'x', sub_agent: 'nope' }))).toBe('subagent_not_found')
    expect(await code(() => runtime.tasks.create(null as unknown as { prompt: string }))).toBe('invalid_request')
    expect(await code(() => runtime.tasks.get('nope'))).toBe('task_not_found')
    expect(await code(() => runtime.tasks.get('task_doesnotexist'))).toBe('task_not_found')
    expect(await code(() => runtime.tasks.list({ status: 'done' as 'complete' }))).toBe('invalid_request')
    const ok = await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'x'.repeat(10_000) })).id)
    expect(ok.status).toBe('complete')
    expect(await code(() => runtime.tasks.cancel(ok.id))).toBe('task_already_complete')
  })
})
