import { inspect } from 'node:util'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RuntimeErrorContext } from '@inboard/core'
import { createScriptedPlanner, createTestRuntime } from '@inboard/core/testing'

/** Everything written to the console or to stderr while a test runs. */
function printed(): string[] {
  const lines: string[] = []
  for (const level of ['error', 'warn', 'log', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation(
      (...args: unknown[]) =>
        void lines.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ')),
    )
  }
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk))
    return true
  })
  return lines
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the runtime onError option', () => {
  it('receives a listener that throws, with the task it concerns, and nothing is printed', async () => {
    const lines = printed()
    const reported: { error: unknown; context: RuntimeErrorContext }[] = []
    const runtime = createTestRuntime({
      planner: createScriptedPlanner([{ type: 'finish', result: 'done' }]),
      onError: (error, context) => reported.push({ error, context }),
    })
    runtime.on('task.created', () => {
      throw new Error('listener broke')
    })
    const task = await runtime.tasks.create({ prompt: 'anything' })
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    await runtime.close()

    expect(reported).toEqual([
      {
        error: expect.objectContaining({ message: 'listener broke' }),
        context: { message: 'a listener for task.created threw', taskId: task.id },
      },
    ])
    expect(lines).toEqual([])
  })

  it('receives broken telemetry once when telemetry has no onError of its own, and nothing is printed', async () => {
    const lines = printed()
    const reported: RuntimeErrorContext[] = []
    const tracer = new BasicTracerProvider().getTracer('broken')
    tracer.startSpan = () => {
      throw new Error('tracer broke')
    }
    const runtime = createTestRuntime({
      planner: createScriptedPlanner([
        { type: 'finish', result: 'one' },
        { type: 'finish', result: 'two' },
      ]),
      telemetry: { tracer },
      onError: (_error, context) => reported.push(context),
    })
    for (const prompt of ['first', 'second']) {
      const task = await runtime.tasks.create({ prompt })
      expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    }
    await runtime.close()

    expect(reported).toEqual([{ message: 'telemetry failed; spans may be missing (tasks are unaffected)' }])
    expect(lines).toEqual([])
  })

  it('logs to console.error when not given', async () => {
    const lines = printed()
    const runtime = createTestRuntime({ planner: createScriptedPlanner([{ type: 'finish', result: 'done' }]) })
    runtime.on('task.created', () => {
      throw new Error('listener broke')
    })
    const task = await runtime.tasks.create({ prompt: 'anything' })
    await runtime.tasks.wait(task.id)
    await runtime.close()

    expect(lines).toEqual([
      expect.stringContaining('[inboard] a listener for task.created threw: Error: listener broke'),
    ])
  })
})
