import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'

/** 2026-03-11T10:00:00Z, a Wednesday. */
const NOW = Date.UTC(2026, 2, 11, 10, 0, 0)

function flagTools(log: Array<Record<string, unknown>>) {
  const environment = z.enum(['development', 'staging', 'production'])
  return [
    defineTool({
      name: 'flags',
      description: 'Feature flags per environment',
      capabilities: {
        set_rollout: {
          description: 'Roll a feature flag out to a percentage of users',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment,
            percent: z.number().int().min(0).max(100),
          }),
          sideEffects: true,
          run: async (input) => {
            log.push(input)
            return { ok: true }
          },
        },
      },
    }),
  ]
}

const PROMPT = 'search-v2: 25% of users in production, please'

function setup(memory = false) {
  const log: Array<Record<string, unknown>> = []
  const clock = createFakeClock(NOW)
  const runtime = createTestRuntime({
    clock,
    tools: flagTools(log),
    planner: createDefaultPlanner({ clock }),
    memory: { enabled: memory },
  })
  return { log, runtime }
}

describe('default planner: approval when the choice of a side effect is doubtful', () => {
  it('waits for approval with the proposed call when the verb names none of the capability’s actions', async () => {
    const { log, runtime } = setup()
    const task = await runtime.tasks.create({ prompt: PROMPT })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'approval_required',
      service: 'flags',
      request: {
        tool: 'flags',
        capability: 'set_rollout',
        input: { key: 'search-v2', environment: 'production', percent: 25 },
      },
    })
    expect(waiting.waiting?.message).toContain('Not sure flags.set_rollout is the action meant')
    expect(log).toEqual([])
    const notes = (await runtime.tasks.trace(task.id)).steps.map((step) => step.note ?? '').join('\n')
    expect(notes).toMatch(/confidence [\d.]+/)
    expect(notes).toContain('waiting for approval instead of guessing a side effect')
    await runtime.close({ deadlineMs: 0 })
  })

  it('runs the proposed call once a person approves it', async () => {
    const { log, runtime } = setup()
    const task = await runtime.tasks.create({ prompt: PROMPT })
    await runtime.tasks.wait(task.id, { until: 'waiting' })
    await runtime.tasks.sendInput(task.id, { approved: true })
    const done = await runtime.tasks.wait(task.id)
    expect(done.status).toBe('complete')
    expect(log).toEqual([{ key: 'search-v2', environment: 'production', percent: 25 }])
    await runtime.close({ deadlineMs: 0 })
  })

  it('fails the task with approval_denied and runs nothing when a person denies it', async () => {
    const { log, runtime } = setup()
    const task = await runtime.tasks.create({ prompt: PROMPT })
    await runtime.tasks.wait(task.id, { until: 'waiting' })
    await runtime.tasks.sendInput(task.id, { approved: false })
    const done = await runtime.tasks.wait(task.id)
    expect(done).toMatchObject({ status: 'failed', error: { code: 'approval_denied', tool: 'flags' } })
    expect(log).toEqual([])
    await runtime.close({ deadlineMs: 0 })
  })

  it('does not learn an approved doubtful call as a plan: the next task asks again', async () => {
    const { log, runtime } = setup(true)
    const first = await runtime.tasks.create({ prompt: PROMPT })
    await runtime.tasks.wait(first.id, { until: 'waiting' })
    await runtime.tasks.sendInput(first.id, { approved: true })
    await runtime.tasks.wait(first.id)
    const second = await runtime.tasks.create({ prompt: PROMPT })
    const waiting = await runtime.tasks.wait(second.id, { until: 'waiting' })
    expect(waiting.waiting?.reason).toBe('approval_required')
    expect(log).toHaveLength(1)
    await runtime.close({ deadlineMs: 0 })
  })

  it('runs a doubtful call without approval in test mode, where side effects stay away from live services', async () => {
    const { log, runtime } = setup()
    const task = await runtime.tasks.create({ prompt: PROMPT, mode: 'test' })
    const done = await runtime.tasks.wait(task.id)
    expect(done).toMatchObject({
      status: 'complete',
      result: { preview: true, steps: [{ capability: 'set_rollout', outcome: 'skipped' }] },
    })
    expect(log).toEqual([])
    await runtime.close({ deadlineMs: 0 })
  })
})
