import { defineTool, ToolError } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTestRuntime } from '@inboard/core/testing'
import { callThenFinish, run } from './memory-fixtures.js'

/** 200 records paged by `page_size`; sizes above `max` are refused with a 400 as APIs do. */
function pagedService(max: { value: number }) {
  const requests: number[] = []
  const tool = defineTool({
    name: 'crm',
    description: 'CRM contacts',
    capabilities: {
      contacts: {
        description: 'All contacts, paged',
        input: z.object({ page_size: z.number().int().positive() }),
        run: ({ page_size }) => {
          requests.push(page_size)
          if (page_size > max.value) {
            throw new ToolError('upstream_error', `page_size must be at most ${max.value}`, {
              recoverable: false,
              details: { status: 400, body: { error: 'page_size too large' } },
            })
          }
          return { count: 200, pages: Math.ceil(200 / page_size) }
        },
      },
    },
  })
  return { tool, requests }
}

const pageSizeOf = async (runtime: ReturnType<typeof createTestRuntime>) =>
  (await runtime.memory.get(null)).find((entry) => entry.kind === 'page_size')

describe('execution memory: page sizes', () => {
  it('shrinks a refused page size within the run, then uses and refines the learned size on later runs', async () => {
    const max = { value: 40 }
    const { tool, requests } = pagedService(max)
    const runtime = createTestRuntime({
      tools: [tool],
      planner: callThenFinish(() => [{ tool: 'crm', capability: 'contacts', input: { page_size: 100 } }]),
    })

    const first = await run(runtime, { prompt: 'all contacts' })
    expect(first.task.status).toBe('complete')
    expect(requests).toEqual([100, 50, 25])
    expect(first.notes).toContain('page_size 100 refused (upstream_error); retrying with 50')
    expect(await pageSizeOf(runtime)).toMatchObject({
      value: { field: 'page_size', largest_ok: 25, smallest_rejected: 50 },
      provenance: { task_id: first.task.id },
    })

    const second = await run(runtime, { prompt: 'all contacts' })
    expect(second.notes).toContain('probing page_size 37 (25 worked, 50 refused)')
    expect(requests.at(-1)).toBe(37)
    for (let i = 0; i < 6; i++) await run(runtime, { prompt: 'all contacts' })
    expect((await pageSizeOf(runtime))?.value).toMatchObject({ largest_ok: 40, smallest_rejected: 41 })
    requests.length = 0
    const settled = await run(runtime, { prompt: 'all contacts' })
    expect(requests).toEqual([40])
    expect(settled.notes).toContain('used learned page_size 40 instead of 100')
  })

  it('raises a smaller planned page size to the largest that worked, and re-learns when the maximum rises', async () => {
    const max = { value: 40 }
    const { tool, requests } = pagedService(max)
    // The planner takes the page size from the prompt, so the replayed plan fills it in too.
    const planner = callThenFinish((prompt) => [
      { tool: 'crm', capability: 'contacts', input: { page_size: Number(/\d+/.exec(prompt)?.[0]) } },
    ])
    const runtime = createTestRuntime({ tools: [tool], planner })
    await run(runtime, { prompt: 'contacts in pages of 40' })
    const raised = await run(runtime, { prompt: 'contacts in pages of 10' })
    expect(raised.notes).toContain("replayed plan for 'contacts in pages of {page_size}'")
    expect(requests.at(-1)).toBe(40)
    expect(raised.notes).toContain('used learned page_size 40 instead of 10')

    await runtime.memory.reset(null, { tool: 'crm' })
    max.value = 500
    await run(runtime, { prompt: 'contacts in pages of 100' })
    expect((await pageSizeOf(runtime))?.value).toEqual({ field: 'page_size', largest_ok: 100, smallest_rejected: null })
  })
})

describe('execution memory: retry patterns', () => {
  it('learns how long transient outages last and tunes the next call’s retry policy to wait that long first', async () => {
    let outageUntil = 0
    const attempts: number[] = []
    const runtime = createTestRuntime({
      tools: [
        defineTool({
          name: 'ledger',
          description: 'Ledger',
          capabilities: {
            balance: {
              description: 'Balance',
              input: z.object({}),
              run: () => {
                attempts.push(runtime.clock.now())
                if (runtime.clock.now() < outageUntil)
                  throw new ToolError('transient', 'upstream 502', { details: { status: 502 } })
                return { balance: 10 }
              },
            },
          },
        }),
      ],
      planner: callThenFinish(() => [{ tool: 'ledger', capability: 'balance', input: {} }]),
    })
    outageUntil = runtime.clock.now() + 800
    const first = await run(runtime, { prompt: 'balance' })
    expect(first.task.status).toBe('complete')
    const firstRetries = attempts.length - 1
    expect(firstRetries).toBe(3)
    const fact = (await runtime.memory.get(null)).find((entry) => entry.kind === 'retry_pattern')
    expect(fact).toMatchObject({
      capability: 'balance',
      value: { code: 'transient', seen: 1, recovered: 1, attempts: 3 },
      provenance: { task_id: first.task.id, evidence: { recovered: true, retries: 3 } },
    })
    expect(fact?.kind === 'retry_pattern' && fact.value.recovery_ms).toBeGreaterThanOrEqual(800)

    attempts.length = 0
    outageUntil = runtime.clock.now() + 800
    const second = await run(runtime, { prompt: 'balance' })
    expect(second.task.status).toBe('complete')
    expect(second.notes).toMatch(/retry policy from learned transient recoveries: first retry after ≤\d+ ms/)
    expect(attempts.length - 1).toBeLessThan(firstRetries)
  })
})
