import { Keyv } from 'keyv'
import { describe, expect, it } from 'vitest'
import { createRuntime, type Planner } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'
import { run } from './memory-fixtures.js'

/** A Map the keyv store writes through, recording the size of every value written. */
class RecordingMap extends Map<string, unknown> {
  readonly written: number[] = []
  gate: Promise<void> | null = null
  override set(key: string, value: unknown): this {
    this.written.push(String(value).length)
    return super.set(key, value)
  }
}

/** A keyv adapter whose writes wait until `release()` (a slow or stuck database). */
function stalledStore() {
  const data = new Map<string, unknown>()
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const stats = { sets: 0, deletes: 0 }
  const adapter = {
    async get(key: string) {
      return data.get(key)
    },
    async set(key: string, value: unknown) {
      stats.sets++
      await gate
      data.set(key, value)
      return true
    },
    async delete(key: string) {
      stats.deletes++
      await gate
      return data.delete(key)
    },
    async clear() {
      data.clear()
    },
    on() {
      return adapter
    },
  }
  return { keyv: new Keyv({ store: adapter }), stats, release: () => release(), data }
}

const echo = defineTool({
  name: 'notes',
  description: 'Notes',
  capabilities: {
    find: { description: 'Find a note', input: z.object({ text: z.string() }), run: ({ text }) => ({ text }) },
  },
})
/** Calls notes.find with the prompt's last word, then finishes: every prompt teaches a plan. */
const planner: Planner = {
  name: 'finder',
  plan: (context) =>
    context.history.length === 0
      ? {
          type: 'call',
          calls: [{ tool: 'notes', capability: 'find', input: { text: context.task.prompt.split(' ').at(-1)! } }],
        }
      : { type: 'finish', result: context.history.at(-1)?.output },
}
/** Prompts that differ, as users' prompts do (a different literal in the middle of each). */
const prompt = (i: number): string =>
  `note ${i.toString(36)} of the ${['red', 'green', 'blue'][i % 3]} binder about item${i}`

describe('execution memory: bounded in work and time', () => {
  it('writes one entry per learned plan instead of rewriting every plan of the subagent', async () => {
    const map = new RecordingMap()
    const runtime = createTestRuntime({ tools: [echo], planner, memory: { store: new Keyv({ store: map }) } })
    for (let i = 0; i < 120; i++) await run(runtime, { prompt: prompt(i) })
    await runtime.close()
    expect((await runtime.memory.get(null)).filter((entry) => entry.kind === 'plan')).toHaveLength(120)
    // One plan serialises to well under 2 KB; a whole scope of 120 plans would be ~50 KB.
    expect(Math.max(...map.written)).toBeLessThan(2_000)
    expect(map.written.reduce((sum, size) => sum + size, 0)).toBeLessThan(120 * 2_000)
  })

  it('keeps at most one pending write per stored plan while the store is slow', async () => {
    const store = stalledStore()
    const runtime = createTestRuntime({ tools: [echo], planner, memory: { store: store.keyv } })
    for (let i = 0; i < 700; i++) await run(runtime, { prompt: prompt(i) })
    store.release()
    await runtime.close()
    // 700 plans were learned and 200 of them evicted (500 per scope): 500 entries and a few
    // bookkeeping writes reach the store, not one write per learned plan.
    expect(store.stats.sets + store.stats.deletes).toBeLessThanOrEqual(500 + 64 + 2)
    const reloaded = createTestRuntime({ tools: [echo], planner, memory: { store: store.keyv } })
    const plans = (await reloaded.memory.get(null)).filter((entry) => entry.kind === 'plan')
    expect(plans).toHaveLength(500)
    expect(plans.map((entry) => (entry.kind === 'plan' ? entry.value.shape : ''))).toContain(
      prompt(699).replace('item699', '{text}'),
    )
  })

  it('closes within its deadline when the memory store never answers a write', async () => {
    const store = stalledStore()
    const runtime = createRuntime({ tools: [echo], planner, memory: { store: store.keyv } })
    const task = await Promise.resolve(runtime.tasks.create({ prompt: prompt(1) }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    const started = performance.now()
    await runtime.close({ deadlineMs: 200 })
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('reloads memory stored in the layout of one document per scope, then removes that layout', async () => {
    const raw = new Map<string, unknown>()
    const store = new Keyv({ store: raw })
    const entry = {
      id: '*:plan:find {text}',
      kind: 'plan',
      sub_agent: null,
      tool: '*',
      account: null,
      capability: null,
      value: {
        shape: 'find {text}',
        decisions: [
          { calls: [{ tool: 'notes', capability: 'find', input: { text: { $param: 'text', type: 'string' } } }] },
        ],
        finish: 'last_output',
      },
      provenance: { task_id: 'task_old', learned_at: new Date().toISOString(), evidence: {} },
      uses: 3,
      last_used_at: null,
    }
    await store.set('memory:index', ['\u001f*\u001f'])
    await store.set('memory:v1::*:', { version: 1, sub_agent: null, tool: '*', account: null, entries: [entry] })
    const runtime = createRuntime({ tools: [echo], planner, memory: { store } })
    expect(await runtime.memory.get(null)).toEqual([entry])
    const replayed = await Promise.resolve(runtime.tasks.create({ prompt: 'find milk' }))
    expect((await runtime.tasks.wait(replayed.id)).result).toEqual({ text: 'milk' })
    await runtime.close()
    expect(await store.get('memory:index')).toBeUndefined()
    const again = createRuntime({ tools: [echo], planner, memory: { store } })
    expect((await again.memory.get(null)).map((stored) => stored.uses)).toEqual([4])
    await again.close()
  })
})
