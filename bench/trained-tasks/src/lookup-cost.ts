import { createRuntime, type MemoryEntry, type Runtime } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** The demo's list_deals with its output schema, answering at once with one deal in the renamed shape. */
const crm = defineTool({
  name: 'crm',
  description: 'CRM deals',
  capabilities: {
    list_deals: {
      description: 'Deals in a stage',
      input: z.object({
        stage: z.string(),
        page_size: z.number().int().positive().default(20),
        expand: z.enum(['contact']).optional(),
      }),
      output: z.object({
        deals: z.array(
          z.object({
            id: z.string(),
            amount: z.number(),
            close_date: z.iso.date(),
            contact: z.object({ lifecycle_stage: z.string() }).optional(),
          }),
        ),
      }),
      run: () => ({
        deals: [{ id: 'deal_1', amount: 1, expected_close: '2026-05-01', contact: { lifecycleStage: 'customer' } }],
      }),
    },
  },
})

const prompt =
  'Pull all deals in stage Proposal from my CRM with their contacts. Return deal name, amount, stage, expected close date and contact.'
const planner = createScriptedPlanner([
  {
    type: 'call',
    calls: [{ tool: 'crm', capability: 'list_deals', input: { stage: 'Proposal', page_size: 250, expand: 'contact' } }],
  },
  (context) => ({ type: 'finish', result: context.history.at(-1)?.output }),
])

async function runTasks(runtime: Runtime, count: number, mapsFields: boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    const task = await runtime.tasks.create({ prompt, sub_agent: 'crm-agent' })
    const done = await runtime.tasks.wait(task.id)
    // Without memory the renamed output fails its schema, which is the same work up to that point.
    if (mapsFields ? done.status !== 'complete' : done.error?.code !== 'invalid_output')
      throw new Error(`bench task ended ${done.status}: ${done.error?.message ?? ''}`)
  }
}

/**
 * What memory costs per step (a planner decision or a call) once it knows things: the demo's
 * learned entries (renames, page size, retry pattern, plan; the rate limit raised out of the way)
 * against the same tasks with memory off, interleaved, the least disturbed round of each kept.
 * Three steps per task either way: two planner decisions (replayed or scripted) and one call.
 */
export async function memoryCostPerStep(
  entries: readonly MemoryEntry[],
  options: { tasks?: number; rounds?: number } = {},
): Promise<{ onUs: number; offUs: number; perStepUs: number }> {
  const tasks = options.tasks ?? 2_000
  const make = (enabled: boolean): Runtime =>
    createRuntime({
      tools: [crm],
      planner,
      subagents: [{ name: 'crm-agent', prompt: 'CRM deals', tools: ['crm'] }],
      memory: { enabled },
      retention: { maxTasks: 1_000 },
    })
  const on = make(true)
  const off = make(false)
  const learned = entries.map((entry) =>
    entry.kind === 'rate_limit' ? { ...entry, value: { limit: 1_000_000, window_ms: 1_000 } } : entry,
  )
  await on.memory.import({ version: 1, exported_at: new Date().toISOString(), entries: learned })
  const best = { on: Infinity, off: Infinity }
  for (let round = 0; round < (options.rounds ?? 12); round++) {
    for (const [key, runtime] of [
      ['off', off],
      ['on', on],
    ] as const) {
      const started = process.hrtime.bigint()
      await runTasks(runtime, tasks, key === 'on')
      best[key] = Math.min(best[key], Number(process.hrtime.bigint() - started) / 1e3 / tasks)
    }
  }
  await Promise.all([on.close(), off.close()])
  return { onUs: best.on, offUs: best.off, perStepUs: Math.max(0, (best.on - best.off) / 3) }
}
