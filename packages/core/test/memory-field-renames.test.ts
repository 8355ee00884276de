import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTestRuntime } from '@inboard/core/testing'
import { callThenFinish, run } from './memory-fixtures.js'

/** A CRM whose deal payload the test changes between runs. */
function crm(deals: () => Array<Record<string, unknown>>) {
  // The payload is what the upstream sends: it may not match the schema, which is the point.
  const upstream = deals as () => Array<{ name: string; lifecycle_stage: string; close_date: string }>
  return defineTool({
    name: 'crm',
    description: 'CRM deals',
    capabilities: {
      deals: {
        description: 'List deals',
        input: z.object({ stage: z.string() }),
        output: z.object({
          deals: z.array(z.object({ name: z.string(), lifecycle_stage: z.string(), close_date: z.iso.date() })),
        }),
        run: () => ({ deals: upstream() }),
      },
    },
  })
}

const original = [
  { name: 'Acme', lifecycle_stage: 'open', close_date: '2026-07-01', created_at: '2026-01-02T10:00:00Z' },
  { name: 'Globex', lifecycle_stage: 'open', close_date: '2026-08-15', created_at: '2026-01-03T10:00:00Z' },
]
const renamed = original.map(({ lifecycle_stage, close_date, ...rest }) => ({
  ...rest,
  lifecycleStage: lifecycle_stage,
  expected_close: close_date,
}))
const planner = () => callThenFinish(() => [{ tool: 'crm', capability: 'deals', input: { stage: 'open' } }])

describe('execution memory: field renames', () => {
  it('repairs an output whose fields were renamed, records the mapping with its evidence, and applies it directly next time', async () => {
    let payload: Array<Record<string, unknown>> = original
    const runtime = createTestRuntime({ tools: [crm(() => payload)], planner: planner() })
    expect((await run(runtime, { prompt: 'open deals' })).task.status).toBe('complete')

    payload = renamed
    const repaired = await run(runtime, { prompt: 'open deals' })
    expect(repaired.task.status).toBe('complete')
    expect(repaired.task.result).toEqual({ deals: original.map(({ created_at: _, ...deal }) => deal) })
    expect(repaired.notes).toContain(
      'mapped renamed field deals[].lifecycleStage → deals[].lifecycle_stage and learned it',
    )
    expect(repaired.notes).toContain('mapped renamed field deals[].expected_close → deals[].close_date and learned it')
    const renames = (await runtime.memory.get(null)).filter((entry) => entry.kind === 'field_rename')
    expect(renames).toHaveLength(2)
    expect(renames.find((entry) => entry.value.to === 'close_date')).toMatchObject({
      capability: 'deals',
      value: { path: 'deals[]', from: 'expected_close', to: 'close_date' },
      provenance: {
        task_id: repaired.task.id,
        evidence: {
          code: 'invalid_output',
          matched_by: 'value',
          fields_seen: ['name', 'created_at', 'lifecycleStage', 'expected_close'],
        },
      },
    })
    expect(renames.find((entry) => entry.value.to === 'lifecycle_stage')?.provenance.evidence).toMatchObject({
      matched_by: 'name',
    })

    const applied = await run(runtime, { prompt: 'open deals' })
    expect(applied.task.status).toBe('complete')
    expect(applied.notes).toContain(
      `mapped renamed field deals[].expected_close → deals[].close_date (learned from ${repaired.task.id})`,
    )
    expect(applied.notes).not.toContain('and learned it')
  })

  it('does not guess an ambiguous mapping: the step fails with field_mapping_ambiguous and nothing is learned', async () => {
    const runtime = createTestRuntime({
      tools: [
        crm(() => [{ name: 'Acme', lifecycle_stage: 'open', expected_close: '2026-07-01', signed_on: '2026-05-01' }]),
      ],
      planner: planner(),
    })
    const failed = await run(runtime, { prompt: 'open deals' })
    expect(failed.task.status).toBe('failed')
    expect(failed.task.error).toMatchObject({ code: 'field_mapping_ambiguous', tool: 'crm', recoverable: false })
    expect(failed.task.error?.message).toContain('expected_close, signed_on')
    expect((await runtime.memory.get(null)).filter((entry) => entry.kind === 'field_rename')).toEqual([])
  })

  it('forgets a rename once upstream undoes it', async () => {
    let payload: Array<Record<string, unknown>> = renamed
    const runtime = createTestRuntime({ tools: [crm(() => payload)], planner: planner() })
    await run(runtime, { prompt: 'open deals' })
    expect((await runtime.memory.get(null)).filter((entry) => entry.kind === 'field_rename')).toHaveLength(2)
    payload = original
    const undone = await run(runtime, { prompt: 'open deals' })
    expect(undone.task.status).toBe('complete')
    expect(undone.notes).toContain('rename deals[].expected_close → deals[].close_date undone upstream; forgot it')
    expect((await runtime.memory.get(null)).filter((entry) => entry.kind === 'field_rename')).toEqual([])
  })

  it('keeps renames per subagent, and fails as before when memory is off for the task', async () => {
    const runtime = createTestRuntime({ tools: [crm(() => renamed)], planner: planner() })
    await runtime.subagents.deploy({ name: 'sales', prompt: 'crm deals', tools: ['crm'] })
    await runtime.subagents.deploy({ name: 'finance', prompt: 'crm deals', tools: ['crm'] })
    await run(runtime, { prompt: 'open deals', sub_agent: 'sales' })
    expect((await runtime.memory.get('sales')).filter((entry) => entry.kind === 'field_rename')).toHaveLength(2)
    expect(await runtime.memory.get('finance')).toEqual([])
    const off = await run(runtime, { prompt: 'open deals', sub_agent: 'sales', memory: false })
    expect(off.task.error?.code).toBe('invalid_output')
  })
})
