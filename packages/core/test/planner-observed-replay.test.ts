import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Planner, PlannerContext } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { run } from './memory-fixtures.js'

/** An invoice service whose latest invoice can change between runs, and a chat that records posts. */
function services() {
  const state = { amount: 42, posts: [] as string[], reads: 0 }
  const billing = defineTool({
    name: 'billing',
    description: 'Invoices',
    capabilities: {
      latest: {
        description: 'Latest invoice of a user',
        input: z.object({ user: z.string() }),
        run: ({ user }) => (state.reads++, { id: `inv_${user}`, amount: state.amount }),
      },
    },
  })
  const chat = defineTool({
    name: 'chat',
    description: 'Chat',
    capabilities: {
      post: {
        description: 'Post a message',
        input: z.object({ text: z.string().min(1) }),
        sideEffects: true,
        run: ({ text }) => (state.posts.push(text), { ok: true }),
      },
    },
  })
  return { state, tools: [billing, chat] }
}

/** Stands in for a model: reads the invoice, posts a summary derived from it, finishes with a summary object. */
function summarisingPlanner(
  options: { refusals?: 'report'; badFirstPost?: boolean } = {},
): Planner & { asked: number } {
  const planner = {
    name: 'model',
    replay: 'observed' as const,
    ...(options.refusals ? { refusals: options.refusals } : {}),
    asked: 0,
    plan(context: PlannerContext) {
      planner.asked++
      const done = context.history.filter((call) => call.status === 'complete')
      const refused = context.history.filter((call) => call.status === 'failed')
      if (done.length === 0)
        return {
          type: 'call' as const,
          calls: [{ tool: 'billing', capability: 'latest', input: { user: context.task.user_id ?? 'nobody' } }],
        }
      const invoice = done[0]!.output as { id: string; amount: number }
      if (done.length === 1) {
        const text = options.badFirstPost && refused.length === 0 ? '' : `Invoice ${invoice.id}: $${invoice.amount}`
        return { type: 'call' as const, calls: [{ tool: 'chat', capability: 'post', input: { text } }] }
      }
      return {
        type: 'finish' as const,
        result: { summary: `$${invoice.amount}`, corrections: refused.map((call) => call.error?.code) },
      }
    },
  }
  return planner
}

describe("execution memory: an 'observed' planner's plans", () => {
  it('replays the same prompt without the planner while every call returns what it did, then finishes with the recorded result', async () => {
    const { state, tools } = services()
    const planner = summarisingPlanner()
    const runtime = createTestRuntime({ tools, planner })
    const prompt = 'Post a summary of my latest invoice'
    const first = await run(runtime, { prompt, user_id: 'u_1' })
    expect(first.task).toMatchObject({ status: 'complete', result: { summary: '$42' } })
    expect(planner.asked).toBe(3)

    const second = await run(runtime, { prompt, user_id: 'u_1' })
    expect(second.task).toMatchObject({ status: 'complete', result: { summary: '$42' } })
    expect(planner.asked).toBe(3)
    expect(second.notes).toContain('with its recorded result')
    expect(state.posts).toEqual(['Invoice inv_u_1: $42', 'Invoice inv_u_1: $42'])
  })

  it('hands over to the planner, with the replayed calls in view, as soon as a call returns something new', async () => {
    const { state, tools } = services()
    const planner = summarisingPlanner()
    const runtime = createTestRuntime({ tools, planner })
    const prompt = 'Post a summary of my latest invoice'
    await run(runtime, { prompt, user_id: 'u_1' })
    state.amount = 99
    const changed = await run(runtime, { prompt, user_id: 'u_1' })
    expect(changed.task).toMatchObject({ status: 'complete', result: { summary: '$99' } })
    // The replayed read stays in the history: the planner posts and finishes (2 decisions), no second read.
    expect(planner.asked).toBe(5)
    expect(state.reads).toBe(2)
    expect(state.posts.at(-1)).toBe('Invoice inv_u_1: $99')
    expect(changed.notes).toContain('saw a different output')
    // Another user's task runs the user's own calls, never the first user's.
    await run(runtime, { prompt, user_id: 'u_2' })
    expect(state.posts.at(-1)).toBe('Invoice inv_u_2: $99')
  })

  it("reports a refused call back to a planner with refusals: 'report' instead of failing the task", async () => {
    const { state, tools } = services()
    const planner = summarisingPlanner({ refusals: 'report', badFirstPost: true })
    const runtime = createTestRuntime({ tools, planner })
    const done = await run(runtime, { prompt: 'Post a summary of my latest invoice', user_id: 'u_1', memory: false })
    expect(done.task).toMatchObject({ status: 'complete', result: { corrections: ['invalid_tool_input'] } })
    expect(state.posts).toEqual(['Invoice inv_u_1: $42'])
    expect(done.trace.steps.find((step) => step.tool === 'chat' && step.status === 'failed')?.note).toContain(
      'refused: Invalid input for chat.post',
    )
  })

  it('still fails the task on a refused call by default', async () => {
    const { tools } = services()
    const runtime = createTestRuntime({
      tools,
      planner: { ...summarisingPlanner({ badFirstPost: true }), refusals: 'fail' },
    })
    const done = await run(runtime, { prompt: 'Post a summary of my latest invoice', user_id: 'u_1', memory: false })
    expect(done.task).toMatchObject({ status: 'failed', error: { code: 'invalid_tool_input' } })
  })
})
