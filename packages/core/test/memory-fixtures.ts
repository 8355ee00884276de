import { defineTool, ToolError, type Tool } from '@inboard/tools'
import { z } from 'zod'
import type { Planner, PlannedCall, Task, Trace } from '@inboard/core'
import type { TestRuntime } from '@inboard/core/testing'

/** Runs a task to its end on the fake clock. */
export async function run(
  runtime: TestRuntime,
  input: Parameters<TestRuntime['tasks']['create']>[0],
  scope: { account?: string } = {},
): Promise<{ task: Task; trace: Trace; notes: string }> {
  const created = await runtime.tasks.create(input, scope)
  let task = await runtime.tasks.get(created.id, scope)
  for (let i = 0; i < 500 && (task.status === 'running' || task.status === 'pending'); i++) {
    await runtime.clock.advance(50)
    task = await runtime.tasks.get(created.id, scope)
  }
  const trace = await runtime.tasks.trace(created.id, scope)
  return { task, trace, notes: trace.steps.map((step) => step.note ?? '').join(' | ') }
}

/** A planner that calls `calls(prompt)` once, then finishes with the output (every output, for several calls); counts its decisions. */
export function callThenFinish(calls: (prompt: string) => PlannedCall[]): Planner & { decisions: number } {
  const planner = {
    name: 'test-planner',
    decisions: 0,
    plan(context: Parameters<Planner['plan']>[0]) {
      planner.decisions++
      const last = context.history.at(-1)
      if (!last) return { type: 'call' as const, calls: calls(context.task.prompt) }
      if (last.status !== 'complete') return { type: 'fail' as const, message: last.error?.message ?? 'failed' }
      return {
        type: 'finish' as const,
        result: context.history.length === 1 ? last.output : context.history.map((call) => call.output),
      }
    },
  }
  return planner
}

/** An upstream with a fixed-window limit of `limit` requests per `windowMs`, answering 429 like an HTTP API. */
export function limitedService(clock: { now(): number }, options: { limit: number; windowMs: number }) {
  const state = { limit: options.limit, served: 0, limited: 0, windowStart: -1, count: 0 }
  const hit = (): void => {
    const now = clock.now()
    const window = Math.floor(now / options.windowMs) * options.windowMs
    if (window !== state.windowStart) {
      state.windowStart = window
      state.count = 0
    }
    if (state.count >= state.limit) {
      state.limited++
      const retryAfterMs = window + options.windowMs - now
      throw new ToolError('rate_limited', 'Rate limited (GET /items → 429)', {
        retryAfterMs,
        details: {
          status: 429,
          headers: {
            'retry-after': String(Math.ceil(retryAfterMs / 1000)),
            'x-ratelimit-limit': String(state.limit),
            'x-ratelimit-remaining': '0',
          },
        },
      })
    }
    state.count++
    state.served++
  }
  const tool: Tool = defineTool({
    name: 'svc',
    description: 'A rate-limited item service',
    capabilities: {
      get: { description: 'Get an item', input: z.object({ id: z.number() }), run: ({ id }) => (hit(), { id }) },
    },
  })
  return { state, tool }
}

/** `count` calls of svc.get. */
export const gets = (count: number): PlannedCall[] =>
  Array.from({ length: count }, (_, id) => ({ tool: 'svc', capability: 'get', input: { id } }))
