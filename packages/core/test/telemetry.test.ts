import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import { trace, type Tracer } from '@opentelemetry/api'
import { ToolError } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'
import type { Planner, TelemetryOptions } from '@inboard/core'
import { createFakeClock } from '@inboard/core/testing'

const STATUS_UNSET = 0
const STATUS_ERROR = 2

function tracing(options: Omit<TelemetryOptions, 'tracer'> = {}): {
  exporter: InMemorySpanExporter
  telemetry: TelemetryOptions
} {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  return { exporter, telemetry: { ...options, tracer: provider.getTracer('inboard-test') } }
}

const byName = (spans: readonly ReadableSpan[], name: string): ReadableSpan[] =>
  spans.filter((span) => span.name === name)
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId

const weather = createScriptedTool({
  name: 'weather',
  capabilities: { current: [{ temperature: '12°C' }], forecast: [{ days: 3 }] },
})

describe('OpenTelemetry spans', () => {
  it('traces a multi-step task as invoke_agent with plan and execute_tool children', async () => {
    const { exporter, telemetry } = tracing()
    const runtime = createTestRuntime({
      tools: [weather],
      telemetry,
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { city: 'Paris' } }] },
        { type: 'call', calls: [{ tool: 'weather', capability: 'forecast', input: { city: 'Paris' } }] },
        { type: 'finish', result: 'mild' },
      ]),
    })
    await Promise.resolve(
      await runtime.subagents.deploy({ name: 'forecaster', prompt: 'Answers weather questions', tools: ['weather'] }),
    )
    const task = await Promise.resolve(
      await runtime.tasks.create({
        prompt: 'Weather in Paris, secret plans inside',
        sub_agent: 'forecaster',
        user_id: 'u_1',
      }),
    )
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')

    const spans = exporter.getFinishedSpans()
    const [root] = byName(spans, 'invoke_agent forecaster')
    expect(root).toBeDefined()
    expect(root!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'forecaster',
      'inboard.task.id': task.id,
      'inboard.task.status': 'complete',
    })
    expect(root!.status.code).toBe(STATUS_UNSET)
    expect(parentOf(root!)).toBeUndefined()

    const plans = byName(spans, 'plan')
    expect(
      plans.map((span) => [
        span.attributes['gen_ai.operation.name'],
        span.attributes['inboard.planner'],
        span.attributes['inboard.step.status'],
      ]),
    ).toEqual([
      ['plan', 'scripted', 'complete'],
      ['plan', 'scripted', 'complete'],
      ['plan', 'scripted', 'complete'],
    ])
    const calls = spans.filter((span) => span.name.startsWith('execute_tool '))
    expect(calls.map((span) => span.name)).toEqual(['execute_tool weather.current', 'execute_tool weather.forecast'])
    expect(calls[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather.current',
      'inboard.tool': 'weather',
      'inboard.capability': 'current',
      'inboard.tool.status': 'complete',
      'inboard.tool.attempts': 1,
    })
    expect(calls[0]!.attributes['gen_ai.tool.call.id']).toMatch(/^call_/)
    expect(calls[0]!.attributes['gen_ai.tool.call.id']).not.toBe(calls[1]!.attributes['gen_ai.tool.call.id'])
    for (const child of [...plans, ...calls]) {
      expect(parentOf(child)).toBe(root!.spanContext().spanId)
      expect(child.spanContext().traceId).toBe(root!.spanContext().traceId)
    }
    // Content stays out unless asked for.
    const everything = JSON.stringify(spans.map((span) => span.attributes))
    expect(everything).not.toContain('secret plans')
    expect(everything).not.toContain('Paris')
    expect(everything).not.toContain('u_1')
  })

  it('counts the attempts of a retried call and records each failed one', async () => {
    const { exporter, telemetry } = tracing()
    const flaky = createScriptedTool({
      name: 'crm',
      capabilities: {
        search: [
          () => {
            throw new ToolError('transient', 'upstream 503')
          },
          { deals: [] },
        ],
      },
    })
    const runtime = createTestRuntime({
      tools: [flaky],
      telemetry,
      limits: { retryMinDelayMs: 10 },
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'crm', capability: 'search', input: {} }] },
        { type: 'finish', result: 'none' },
      ]),
    })
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'find deals' }))
    await runtime.clock.advance(50)
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    const [call] = byName(exporter.getFinishedSpans(), 'execute_tool crm.search')
    expect(call!.attributes).toMatchObject({ 'inboard.tool.attempts': 2, 'inboard.tool.status': 'complete' })
    expect(call!.status.code).toBe(STATUS_UNSET)
    expect(call!.events.map((event) => [event.name, event.attributes])).toEqual([
      ['inboard.attempt.failed', { 'inboard.attempt': 1, 'error.type': 'transient' }],
    ])
  })

  it('marks a failed task and its failing call as errors with the error code', async () => {
    const { exporter, telemetry } = tracing()
    const broken = createScriptedTool({
      name: 'crm',
      capabilities: {
        search: [
          () => {
            throw new ToolError('not_found', 'no such deal')
          },
        ],
      },
    })
    const runtime = createTestRuntime({
      tools: [broken],
      telemetry,
      planner: createScriptedPlanner([{ type: 'call', calls: [{ tool: 'crm', capability: 'search', input: {} }] }]),
    })
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'find the deal' }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('failed')
    const spans = exporter.getFinishedSpans()
    const [root] = byName(spans, 'invoke_agent')
    expect(root!.status).toEqual({ code: STATUS_ERROR, message: 'no such deal' })
    expect(root!.attributes).toMatchObject({ 'error.type': 'not_found', 'inboard.task.status': 'failed' })
    const [call] = byName(spans, 'execute_tool crm.search')
    expect(call!.status.code).toBe(STATUS_ERROR)
    expect(call!.attributes).toMatchObject({
      'error.type': 'not_found',
      'inboard.tool.status': 'failed',
      'inboard.tool.attempts': 1,
    })
    expect(parentOf(call!)).toBe(root!.spanContext().spanId)
  })

  it('records prompts, inputs and outputs only when recordContent is on', async () => {
    const { exporter, telemetry } = tracing({ recordContent: true })
    const runtime = createTestRuntime({
      tools: [weather],
      telemetry,
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { city: 'Oslo' } }] },
        { type: 'finish', result: 'cold' },
      ]),
    })
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'Weather in Oslo?' }))
    await runtime.tasks.wait(task.id)
    const spans = exporter.getFinishedSpans()
    expect(String(byName(spans, 'invoke_agent')[0]!.attributes['gen_ai.input.messages'])).toContain('Weather in Oslo?')
    expect(String(byName(spans, 'invoke_agent')[0]!.attributes['gen_ai.output.messages'])).toContain('cold')
    const [call] = byName(spans, 'execute_tool weather.current')
    expect(JSON.parse(String(call!.attributes['gen_ai.tool.call.arguments']))).toEqual({ city: 'Oslo' })
    expect(JSON.parse(String(call!.attributes['gen_ai.tool.call.result']))).toEqual({ temperature: '12°C' })
    expect(byName(spans, 'plan').map((span) => span.attributes['inboard.step.note'])).toEqual([
      expect.stringContaining('call weather.current'),
      expect.stringContaining('finish'),
    ])
  })

  it('nests model calls under their planner decision as chat spans with token usage', async () => {
    const { exporter, telemetry } = tracing()
    const clock = createFakeClock()
    const planner: Planner = {
      name: 'model-test',
      async plan(context) {
        const call = context.modelCall!('generate', 'test:small')
        await clock.advance(25)
        call.end({ status: 'complete', usage: { input_tokens: 120, output_tokens: 15 } })
        return { type: 'finish', result: 'done' }
      },
    }
    const runtime = createTestRuntime({ clock, planner, telemetry })
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'summarise', memory: false }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    const spans = exporter.getFinishedSpans()
    const [chat] = byName(spans, 'chat test:small')
    const [plan] = byName(spans, 'plan')
    const [root] = byName(spans, 'invoke_agent')
    expect(chat!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'test:small',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 15,
    })
    expect(parentOf(chat!)).toBe(plan!.spanContext().spanId)
    expect(parentOf(plan!)).toBe(root!.spanContext().spanId)
    expect(root!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 15 })
  })

  it('never fails a task when the exporter or the tracer throws', async () => {
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('collector down')
      },
      shutdown: async () => undefined,
    }
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(throwing)] })
    const errors: unknown[] = []
    const plan = createScriptedPlanner([
      { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: {} }] },
      { type: 'finish', result: 'ok' },
    ])
    const runtime = createTestRuntime({
      tools: [weather],
      planner: plan,
      telemetry: { tracer: provider.getTracer('x'), onError: (error) => errors.push(error) },
    })
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'weather' }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')

    const brokenTracer = provider.getTracer('y')
    brokenTracer.startSpan = () => {
      throw new Error('tracer broke')
    }
    const again = createTestRuntime({
      tools: [weather],
      planner: createScriptedPlanner([{ type: 'finish', result: 'ok' }]),
      telemetry: { tracer: brokenTracer, onError: (error) => errors.push(error) },
    })
    const second = await Promise.resolve(await again.tasks.create({ prompt: 'weather' }))
    expect((await again.tasks.wait(second.id)).status).toBe('complete')
    expect(errors).toContainEqual(expect.objectContaining({ message: 'tracer broke' }))
  })

  it('emits nothing and changes nothing when turned off', async () => {
    const { exporter, telemetry } = tracing()
    const runtime = createTestRuntime({
      tools: [weather],
      telemetry: false,
      planner: createScriptedPlanner([{ type: 'finish', result: 'ok' }]),
    })
    void telemetry
    const task = await Promise.resolve(await runtime.tasks.create({ prompt: 'weather' }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    expect(exporter.getFinishedSpans()).toEqual([])
  })

  it('records every span of a task from the first recorded one on, after tasks whose spans were not recorded', async () => {
    const { exporter, telemetry } = tracing()
    const real = telemetry.tracer!
    // Records nothing at first, as the API does before a tracer provider is registered.
    let recording = false
    const tracer: Tracer = Object.assign(Object.create(real) as Tracer, {
      startSpan: (...args: Parameters<Tracer['startSpan']>) =>
        recording
          ? real.startSpan(...args)
          : trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
    })
    const script = [
      { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { city: 'Paris' } }] },
      { type: 'finish', result: 'mild' },
    ] as const
    const runtime = createTestRuntime({
      tools: [weather],
      telemetry: { tracer },
      planner: createScriptedPlanner([...script, ...script]),
    })
    const first = await Promise.resolve(await runtime.tasks.create({ prompt: 'weather' }))
    expect((await runtime.tasks.wait(first.id)).status).toBe('complete')
    expect(exporter.getFinishedSpans()).toEqual([])
    recording = true
    const second = await Promise.resolve(await runtime.tasks.create({ prompt: 'weather' }))
    expect((await runtime.tasks.wait(second.id)).status).toBe('complete')
    const spans = exporter.getFinishedSpans()
    expect(spans.map((span) => span.name).sort()).toEqual([
      'execute_tool weather.current',
      'invoke_agent',
      'plan',
      'plan',
    ])
    expect(byName(spans, 'invoke_agent')[0]!.attributes).toMatchObject({
      'inboard.task.id': second.id,
      'inboard.task.status': 'complete',
    })
  })
})
