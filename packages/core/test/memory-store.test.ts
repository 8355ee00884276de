import { Keyv } from 'keyv'
import { describe, expect, it } from 'vitest'
import { InboardError, MEMORY_SCHEMA_VERSION } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { callThenFinish, gets, limitedService, run } from './memory-fixtures.js'

describe('execution memory: store and API', () => {
  it('lists, exports, imports and resets memory per subagent and tool', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const { tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await runtime.subagents.deploy({ name: 'items', prompt: 'items', tools: ['svc'] })
    await run(runtime, { prompt: 'get items', sub_agent: 'items' })

    expect(await runtime.memory.list()).toEqual([
      { sub_agent: 'items', tools: ['svc', '*'], entries: 2, kinds: { rate_limit: 1, plan: 1 } },
    ])
    const exported = await runtime.memory.export()
    expect(exported).toMatchObject({
      version: MEMORY_SCHEMA_VERSION,
      entries: [
        { tool: '*', kind: 'plan' },
        { tool: 'svc', kind: 'rate_limit' },
      ],
    })

    const copy = createTestRuntime({ tools: [tool] })
    expect(await copy.memory.import(JSON.parse(JSON.stringify(exported)))).toEqual({ imported: 2 })
    expect(await copy.memory.get('items')).toEqual(exported.entries)
    await expect(copy.memory.import({ version: 99, entries: [] })).rejects.toBeInstanceOf(InboardError)

    expect(await runtime.memory.reset('items', { tool: 'svc' })).toEqual({ deleted: 1 })
    expect((await runtime.memory.get('items')).map((entry) => entry.kind)).toEqual(['plan'])
    expect(await runtime.memory.reset('items')).toEqual({ deleted: 1 })
    expect(await runtime.memory.list()).toEqual([])
    // The pacer went with the fact: the next run is not paced.
    const unpaced = await run(runtime, { prompt: 'get four', sub_agent: 'items' })
    expect(unpaced.notes).not.toMatch(/^[^|]*paced/)
  })

  it('drops facts neither learned nor used within maxAgeMs', async () => {
    const runtime = createTestRuntime({
      tools: [],
      planner: callThenFinish(() => gets(8)),
      memory: { maxAgeMs: 60_000 },
    })
    const { tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await run(runtime, { prompt: 'get items' })
    await runtime.clock.advance(30_000)
    await run(runtime, { prompt: 'get items' })
    await runtime.clock.advance(45_000)
    // The plan and the limit were used 45 s ago: still live.
    expect((await runtime.memory.get(null)).map((entry) => entry.kind).sort()).toEqual(['plan', 'rate_limit'])
    await runtime.clock.advance(20_000)
    expect(await runtime.memory.get(null)).toEqual([])
  })

  it('ignores stored documents of another schema version', async () => {
    const raw = new Map<string, unknown>()
    const store = new Keyv({ store: raw })
    await store.set('memory:index', ['\u001fsvc\u001f'])
    await store.set(`memory:v${MEMORY_SCHEMA_VERSION}::svc:`, {
      version: MEMORY_SCHEMA_VERSION + 1,
      entries: [{ id: 'x' }],
    })
    const runtime = createTestRuntime({ memory: { store } })
    expect(await runtime.memory.get(null)).toEqual([])
  })
})
