import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import KeyvSqlite from '@keyv/sqlite'
import { Keyv } from 'keyv'
import { afterEach, describe, expect, it } from 'vitest'
import { InboardError, MEMORY_SCHEMA_VERSION } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { callThenFinish, gets, limitedService, run } from './memory-fixtures.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const sqliteStore = (file: string): Keyv => new Keyv({ store: new KeyvSqlite(`sqlite://${file}`) })

describe('execution memory: store and API', () => {
  it('survives a restart of the runtime on @keyv/sqlite and paces from the first call after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inboard-memory-'))
    dirs.push(dir)
    const file = join(dir, 'memory.sqlite')
    const clock = createFakeClock()
    const { state, tool } = limitedService(clock, { limit: 5, windowMs: 1_000 })

    const before = createTestRuntime({ tools: [tool], planner: callThenFinish(() => gets(8)), clock, memory: { store: sqliteStore(file) } })
    // SQLite answers in real time while the fake clock stands still: load memory before running.
    expect(await before.memory.get(null)).toEqual([])
    const learned = await run(before, { prompt: 'get items' })
    expect(state.limited).toBe(1)
    await before.close()

    const after = createTestRuntime({ tools: [tool], planner: callThenFinish(() => gets(8)), clock, memory: { store: sqliteStore(file) } })
    const entries = await after.memory.get(null)
    expect(entries.find((entry) => entry.kind === 'rate_limit')).toMatchObject({ value: { limit: 5, window_ms: 1_000 }, provenance: { task_id: learned.task.id } })
    await clock.advance(1_000)
    const restarted = await run(after, { prompt: 'get items' })
    expect(restarted.notes).toContain('paced to learned limit 5/1s')
    expect(restarted.notes).toContain("replayed plan for 'get items'")
    expect(state.limited).toBe(1)
    await after.close()
  })

  it('lists, exports, imports and resets memory per subagent and tool', async () => {
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)) })
    const { tool } = limitedService(runtime.clock, { limit: 5, windowMs: 1_000 })
    runtime.addTool(tool)
    await runtime.subagents.deploy({ name: 'items', prompt: 'items', tools: ['svc'] })
    await run(runtime, { prompt: 'get items', sub_agent: 'items' })

    expect(await runtime.memory.list()).toEqual([{ sub_agent: 'items', tools: ['svc', '*'], entries: 2, kinds: { rate_limit: 1, plan: 1 } }])
    const exported = await runtime.memory.export()
    expect(exported).toMatchObject({ version: MEMORY_SCHEMA_VERSION, entries: [{ tool: '*', kind: 'plan' }, { tool: 'svc', kind: 'rate_limit' }] })

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
    const runtime = createTestRuntime({ tools: [], planner: callThenFinish(() => gets(8)), memory: { maxAgeMs: 60_000 } })
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
    await store.set(`memory:v${MEMORY_SCHEMA_VERSION}::svc:`, { version: MEMORY_SCHEMA_VERSION + 1, entries: [{ id: 'x' }] })
    const runtime = createTestRuntime({ memory: { store } })
    expect(await runtime.memory.get(null)).toEqual([])
  })
})
