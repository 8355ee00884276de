import { describe, expect, it } from 'vitest'
import type { Planner } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { weatherTool } from './helpers.js'

/** A planner that spends "model time" on the runtime's clock, as a model planner would. */
function modelPlanner(clock: { advance(ms: number): Promise<void> }): Planner {
  return {
    name: 'model-test',
    async plan(context) {
      const step = context.modelCall!('generate', 'test:small')
      await clock.advance(40)
      if (context.history.length === 0) {
        step.end({ status: 'complete', usage: { input_tokens: 120, output_tokens: 15 } })
        return { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { location: 'Paris' } }] }
      }
      step.end({ status: 'complete', usage: { input_tokens: 200, output_tokens: 30 }, note: 'finished' })
      return { type: 'finish', result: context.history.at(-1)?.output }
    },
  }
}

describe('model calls in the trace', () => {
  it('records each model call as a model step with its model id, duration and tokens, and sums the tokens on the task', async () => {
    const clock = createFakeClock()
    const runtime = createTestRuntime({ tools: [weatherTool], planner: modelPlanner(clock), clock })
    const created = await Promise.resolve(await runtime.tasks.create({ prompt: 'weather in Paris', memory: false }))
    const task = await runtime.tasks.wait(created.id)
    expect(task.status).toBe('complete')
    expect(task.usage).toEqual({ input_tokens: 320, output_tokens: 45 })
    const trace = await Promise.resolve(await runtime.tasks.trace(created.id))
    const models = trace.steps.filter((step) => step.tool === 'model')
    expect(models).toHaveLength(2)
    expect(models[0]).toMatchObject({
      action: 'generate',
      status: 'complete',
      duration_ms: 40,
      model: 'test:small',
      usage: { input_tokens: 120, output_tokens: 15 },
    })
    expect(models[0]!.note).toBe('model test:small; input_tokens=120 output_tokens=15')
    expect(models[1]!.note).toContain('finished')
  })

  it('leaves usage off tasks whose planner made no model call', async () => {
    const runtime = createTestRuntime({ tools: [weatherTool] })
    const created = await Promise.resolve(
      await runtime.tasks.create({
        prompt: 'Look up the current weather in San Francisco and return temperature and humidity',
      }),
    )
    const task = await runtime.tasks.wait(created.id)
    expect(task.status).toBe('complete')
    expect('usage' in task).toBe(false)
    expect(
      (await Promise.resolve(await runtime.tasks.trace(created.id))).steps.some((step) => step.tool === 'model'),
    ).toBe(false)
  })
})
