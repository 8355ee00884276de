import { defineTool, ToolError } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Planner } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { run } from './memory-fixtures.js'

/** deals.find(stage) then deals.summarise(ids); the second call's input is a constant, not an output. */
function dealsTool(options: { failSummary?: () => boolean } = {}) {
  const calls: string[] = []
  const tool = defineTool({
    name: 'deals',
    description: 'CRM deals',
    capabilities: {
      find: {
        description: 'Deals in a stage',
        input: z.object({ stage: z.enum(['open', 'won', 'lost']), owner: z.string() }),
        run: ({ stage }) => (calls.push(`find:${stage}`), { stage, count: 3 }),
      },
      summarise: {
        description: 'Summary',
        input: z.object({ format: z.string() }),
        run: ({ format }) => {
          calls.push(`summarise:${format}`)
          if (options.failSummary?.()) throw new ToolError('not_found', 'summaries moved', { recoverable: false })
          return { format, text: 'ok' }
        },
      },
      report: {
        description: 'Report',
        input: z.object({ stage: z.string() }),
        run: ({ stage }) => (calls.push(`report:${stage}`), { stage, report: true }),
      },
    },
  })
  return { tool, calls }
}

/** A planner standing in for a model: finds deals for the stage named in the prompt, then summarises (or reports). */
function modelPlanner(options: { useReport?: () => boolean } = {}): Planner & { asked: number } {
  const planner = {
    name: 'model',
    asked: 0,
    plan(context: Parameters<Planner['plan']>[0]) {
      planner.asked++
      const stage = /stage (\w+)/.exec(context.task.prompt)?.[1] ?? 'open'
      const done = context.history.filter((call) => call.status === 'complete')
      if (done.length === 0)
        return {
          type: 'call' as const,
          calls: [{ tool: 'deals', capability: 'find', input: { stage, owner: context.task.user_id ?? 'nobody' } }],
        }
      if (done.length === 1)
        return {
          type: 'call' as const,
          calls: [
            options.useReport?.()
              ? { tool: 'deals', capability: 'report', input: { stage } }
              : { tool: 'deals', capability: 'summarise', input: { format: 'short' } },
          ],
        }
      return { type: 'finish' as const, result: { summary: done.at(-1)?.output } }
    },
  }
  return planner
}

describe('execution memory: plans', () => {
  it('replays the plan of a prompt shape with the new values, skipping the planner for every call', async () => {
    const { tool, calls } = dealsTool()
    const planner = modelPlanner()
    const runtime = createTestRuntime({ tools: [tool], planner })
    const first = await run(runtime, { prompt: 'pull deals in stage open', user_id: 'user_1' })
    expect(first.task.status).toBe('complete')
    expect(planner.asked).toBe(3)
    expect(first.notes).toContain("learned plan for 'pull deals in stage {stage}'")
    const [plan] = (await runtime.memory.get(null)).filter((entry) => entry.kind === 'plan')
    expect(plan).toMatchObject({
      tool: '*',
      value: { shape: 'pull deals in stage {stage}', finish: 'planner' },
      provenance: { task_id: first.task.id, evidence: { capabilities: ['deals.find', 'deals.summarise'] } },
    })

    calls.length = 0
    const second = await run(runtime, { prompt: 'pull deals in stage won', user_id: 'user_2' })
    expect(second.task.status).toBe('complete')
    expect(calls).toEqual(['find:won', 'summarise:short'])
    // Two replayed decisions; the planner is asked only to shape the result.
    expect(planner.asked).toBe(4)
    expect(second.notes).toContain("replayed plan for 'pull deals in stage {stage}' (step 1 of 2)")
    expect(second.trace.steps.find((step) => step.action === 'find')).toBeDefined()
    expect((await runtime.memory.get(null)).find((entry) => entry.kind === 'plan')?.uses).toBe(1)
  })

  it('falls back to planning when a replayed call fails, and revises the plan', async () => {
    let moved = false
    const { tool } = dealsTool({ failSummary: () => moved })
    const planner = modelPlanner({ useReport: () => moved })
    const runtime = createTestRuntime({ tools: [tool], planner })
    await run(runtime, { prompt: 'pull deals in stage open', user_id: 'u' })
    moved = true
    const fallback = await run(runtime, { prompt: 'pull deals in stage lost', user_id: 'u' })
    expect(fallback.task.status).toBe('complete')
    expect(fallback.task.result).toEqual({ summary: { stage: 'lost', report: true } })
    expect(fallback.notes).toContain('replayed plan failed at deals.summarise; falling back to planning')
    expect(fallback.notes).toContain("replayed plan for 'pull deals in stage {stage}' failed; planning again")
    expect(fallback.notes).toContain("revised plan for 'pull deals in stage {stage}'")
    const plan = (await runtime.memory.get(null)).find((entry) => entry.kind === 'plan')
    expect(plan?.kind === 'plan' && plan.value.decisions.map((decision) => decision.calls[0]?.capability)).toEqual([
      'find',
      'report',
    ])
    expect(plan?.provenance.task_id).toBe(fallback.task.id)

    const asked = planner.asked
    const replayed = await run(runtime, { prompt: 'pull deals in stage won', user_id: 'u' })
    expect(replayed.task.result).toEqual({ summary: { stage: 'won', report: true } })
    expect(planner.asked - asked).toBe(1)
  })

  it('skips read-only discovery calls on replay when the result is the last call’s output', async () => {
    const { tool, calls } = dealsTool()
    const planner: Planner = {
      name: 'discovering-model',
      plan(context) {
        const last = context.history.at(-1)
        if (!last)
          return { type: 'call', calls: [{ tool: 'deals', capability: 'summarise', input: { format: 'schema' } }] }
        if (last.capability === 'summarise')
          return { type: 'call', calls: [{ tool: 'deals', capability: 'report', input: { stage: 'won' } }] }
        return { type: 'finish', result: last.output }
      },
    }
    const runtime = createTestRuntime({ tools: [tool], planner })
    const first = await run(runtime, { prompt: 'report on won deals' })
    expect(first.notes).toContain("learned plan for 'report on {stage} deals' (replays skip deals.summarise)")
    calls.length = 0
    const replay = await run(runtime, { prompt: 'report on lost deals' })
    expect(calls).toEqual(['report:lost'])
    expect(replay.task.result).toEqual({ stage: 'lost', report: true })
    expect(replay.notes).toContain("finished replayed plan for 'report on {stage} deals' with the last output")
  })

  it('keeps at most 500 plans per subagent, forgetting the least recently used first', async () => {
    const { tool } = dealsTool()
    const planner: Planner = {
      name: 'reporter',
      plan: (context) =>
        context.history.length === 0
          ? { type: 'call', calls: [{ tool: 'deals', capability: 'report', input: { stage: 'won' } }] }
          : { type: 'finish', result: context.history.at(-1)?.output },
    }
    const runtime = createTestRuntime({ tools: [tool], planner })
    await run(runtime, { prompt: 'the first report' })
    await run(runtime, { prompt: 'the second report' })
    for (let i = 0; i < 498; i++) await run(runtime, { prompt: `report number ${i}` })
    await runtime.clock.advance(1_000)
    // Replaying the first plan makes the second the least recently used.
    await run(runtime, { prompt: 'the first report' })
    await runtime.clock.advance(1_000)
    await run(runtime, { prompt: 'one report too many' })
    const shapes = (await runtime.memory.get(null))
      .filter((entry) => entry.kind === 'plan')
      .map((entry) => (entry.kind === 'plan' ? entry.value.shape : ''))
    expect(shapes).toHaveLength(500)
    expect(shapes).toContain('the first report')
    expect(shapes).toContain('one report too many')
    expect(shapes).not.toContain('the second report')
  })

  it('falls back when a filled value no longer fits the input schema', async () => {
    const { tool } = dealsTool()
    const planner = modelPlanner()
    const runtime = createTestRuntime({ tools: [tool], planner })
    await run(runtime, { prompt: 'pull deals in stage open', user_id: 'u' })
    const misfit = await run(runtime, { prompt: 'pull deals in stage pending', user_id: 'u' })
    expect(misfit.notes).toContain('no longer fits the capabilities; planning again')
    expect(misfit.task.status).toBe('failed')
    expect(misfit.task.error?.code).toBe('invalid_tool_input')
  })

  it('keeps plans per subagent, forgets them on reset, and leaves planning alone when memory is off', async () => {
    const { tool } = dealsTool()
    const planner = modelPlanner()
    const runtime = createTestRuntime({ tools: [tool], planner })
    await runtime.subagents.deploy({ name: 'sales', prompt: 'deals', tools: ['deals'] })
    await runtime.subagents.deploy({ name: 'ops', prompt: 'deals', tools: ['deals'] })
    await run(runtime, { prompt: 'pull deals in stage open', sub_agent: 'sales', user_id: 'u' })
    let asked = planner.asked
    await run(runtime, { prompt: 'pull deals in stage won', sub_agent: 'ops', user_id: 'u' })
    expect(planner.asked - asked).toBe(3)

    asked = planner.asked
    await run(runtime, { prompt: 'pull deals in stage won', sub_agent: 'sales', user_id: 'u', memory: false })
    expect(planner.asked - asked).toBe(3)

    expect(await runtime.memory.reset('sales')).toEqual({ deleted: 1 })
    asked = planner.asked
    const fresh = await run(runtime, { prompt: 'pull deals in stage won', sub_agent: 'sales', user_id: 'u' })
    expect(planner.asked - asked).toBe(3)
    expect(fresh.notes).toContain("learned plan for 'pull deals in stage {stage}'")
  })
})
