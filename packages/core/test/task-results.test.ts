import { describe, expect, it } from 'vitest'
import { createRuntime, type Planner } from '@inboard/core'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** A tool that returns whatever `make()` builds, and a planner that finishes with it. */
function runtimeReturning(make: () => unknown, options: Parameters<typeof createRuntime>[0] = {}) {
  const tool = defineTool({
    name: 'src',
    description: 'Source',
    capabilities: { read: { description: 'Read', input: z.object({}), run: () => make() } },
  })
  const planner: Planner = {
    name: 'finisher',
    plan: (context) =>
      context.history.length === 0
        ? { type: 'call', calls: [{ tool: 'src', capability: 'read', input: {} }] }
        : { type: 'finish', result: context.history.at(-1)?.output },
  }
  return createRuntime({ tools: [tool], planner, memory: { enabled: false }, ...options })
}

async function finish(runtime: ReturnType<typeof createRuntime>) {
  const created = await Promise.resolve(runtime.tasks.create({ prompt: 'read the source' }))
  const done = await runtime.tasks.wait(created.id)
  // Every read of the stored task serialises, whatever the task ended with.
  expect(() => JSON.stringify(runtime.tasks.get(created.id))).not.toThrow()
  expect(() => JSON.stringify(runtime.tasks.list({}))).not.toThrow()
  return done
}

describe('task results the wire cannot carry', () => {
  it('fails a task whose result holds a BigInt with invalid_output naming the path', async () => {
    const runtime = runtimeReturning(() => ({ items: [{ id: 1 }, { id: 2n }] }))
    const done = await finish(runtime)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'invalid_output', message: expect.stringContaining('result.items[1].id') })
    await runtime.close()
  })

  it('fails a task whose result is circular with invalid_output naming the path', async () => {
    const runtime = runtimeReturning(() => {
      const node: Record<string, unknown> = { name: 'root' }
      node.self = { parent: node }
      return node
    })
    const done = await finish(runtime)
    expect(done.error).toMatchObject({
      code: 'invalid_output',
      message: expect.stringContaining('circular reference at result.self.parent'),
    })
    await runtime.close()
  })

  it('fails a task whose result is larger than limits.maxResultBytes with result_too_large, and keeps results within it', async () => {
    const big = runtimeReturning(() => ({ text: 'x'.repeat(2_000) }), { limits: { maxResultBytes: 1_000 } })
    expect((await finish(big)).error).toMatchObject({ code: 'result_too_large' })
    await big.close()
    const fits = runtimeReturning(() => ({ text: 'x'.repeat(900), when: new Date(0), shared: [1, 1] }), {
      limits: { maxResultBytes: 1_000 },
    })
    expect(await finish(fits)).toMatchObject({ status: 'complete', result: { text: 'x'.repeat(900) } })
    await fits.close()
  })

  it('keeps at most 1 MB of result by default', async () => {
    const runtime = runtimeReturning(() => ({
      rows: Array.from({ length: 12_000 }, (_, i) => ({ id: i, text: 'y'.repeat(80) })),
    }))
    expect((await finish(runtime)).error).toMatchObject({
      code: 'result_too_large',
      message: expect.stringContaining('1048576'),
    })
    await runtime.close()
  })

  it('keeps finished tasks within retention.maxBytes, dropping the oldest first', async () => {
    const runtime = runtimeReturning(() => ({ text: 'z'.repeat(50_000) }), { retention: { maxBytes: 200_000 } })
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      const created = await Promise.resolve(runtime.tasks.create({ prompt: `read the source ${i}` }))
      expect((await runtime.tasks.wait(created.id)).status).toBe('complete')
      ids.push(created.id)
    }
    const kept = (await runtime.tasks.list({ limit: 100 })).data.map((task) => task.id)
    // Each task holds a little over 50 KB, so three fit in 200 KB: the newest three.
    expect(kept).toEqual(ids.slice(-3).reverse())
    await expect(runtime.tasks.get(ids[0]!)).rejects.toMatchObject({ code: 'task_not_found' })
    expect((await runtime.tasks.get(ids[9]!)).result).toEqual({ text: 'z'.repeat(50_000) })
    await runtime.close()
  })
})
