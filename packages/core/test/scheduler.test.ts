import { describe, expect, it } from 'vitest'
import { memoryStorage, type PlannerDecision } from '@inboard/core'
import { createScriptedPlanner, createTestRuntime } from '@inboard/core/testing'

/** A planner that holds every task until the test releases it, recording start order. */
function gatedPlanner() {
  const started: string[] = []
  const gates = new Map<string, (decision: PlannerDecision) => void>()
  return {
    started,
    release(id: string) {
      gates.get(id)?.({ type: 'finish', result: id })
      gates.delete(id)
    },
    releaseAll() {
      for (const id of [...gates.keys()]) this.release(id)
    },
    planner: {
      name: 'gated',
      plan: (ctx: { task: { id: string; prompt: string } }) =>
        new Promise<PlannerDecision>((resolve) => {
          started.push(ctx.task.prompt)
          gates.set(ctx.task.id, resolve)
        }),
    },
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('scheduler', () => {
  it('never runs more tasks than the concurrency cap and starts queued ones as slots free up', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 2, planner: gate.planner })
    const tasks = []
    for (let i = 0; i < 5; i++) tasks.push(await runtime.tasks.create({ prompt: `t${i}` }))
    expect(tasks.map((task) => task.status)).toEqual(['running', 'running', 'pending', 'pending', 'pending'])
    await tick()
    expect((await runtime.tasks.list({ status: 'running' })).data).toHaveLength(2)
    gate.release(tasks[0]!.id)
    await tick()
    expect((await runtime.tasks.list({ status: 'running' })).data).toHaveLength(2)
    expect(gate.started).toEqual(['t0', 't1', 't2'])
  })

  it('runs higher priorities first', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 1, planner: gate.planner })
    const first = await runtime.tasks.create({ prompt: 'first' })
    await runtime.tasks.create({ prompt: 'low', priority: 1 })
    await runtime.tasks.create({ prompt: 'mid', priority: 5 })
    await runtime.tasks.create({ prompt: 'high', priority: 10 })
    await tick()
    gate.release(first.id)
    for (let i = 0; i < 3; i++) {
      await tick()
      gate.releaseAll()
    }
    await tick()
    expect(gate.started).toEqual(['first', 'high', 'mid', 'low'])
  })

  it("does not let one user's thousand queued tasks starve another user's one task", async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 1, planner: gate.planner })
    for (let i = 0; i < 1_000; i++) await runtime.tasks.create({ prompt: `bulk ${i}`, user_id: 'user_bulk' })
    await runtime.tasks.create({ prompt: 'single', user_id: 'user_single' })
    for (let i = 0; i < 3; i++) {
      await tick()
      gate.releaseAll()
    }
    // bulk 0 took the free slot at once; then users alternate: bulk 1, single.
    expect(gate.started.slice(0, 3)).toEqual(['bulk 0', 'bulk 1', 'single'])
  })

  it('queues an account over its concurrency cap as pending instead of rejecting', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 10, accountConcurrency: 2, planner: gate.planner })
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await runtime.tasks.create({ prompt: `a${i}` }, { account: 'acct_a' })).status)
    const other = await runtime.tasks.create({ prompt: 'b0' }, { account: 'acct_b' })
    expect(statuses).toEqual(['running', 'running', 'pending'])
    expect(other.status).toBe('running')
    await tick()
    gate.release((await runtime.tasks.list({}, { account: 'acct_a' })).data.at(-1)!.id)
    await tick()
    expect((await runtime.tasks.list({ status: 'running' }, { account: 'acct_a' })).data).toHaveLength(2)
    await expect(runtime.tasks.get(other.id, { account: 'acct_a' })).rejects.toMatchObject({ code: 'task_not_found' })
  })

  it('drains running tasks on close, refuses new ones, and fails what is left at the deadline', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 1, planner: gate.planner })
    const running = await runtime.tasks.create({ prompt: 'running' })
    const queued = await runtime.tasks.create({ prompt: 'queued' })
    await tick()
    const closing = runtime.close({ deadlineMs: 5_000 })
    await expect(runtime.tasks.create({ prompt: 'late' })).rejects.toMatchObject({ code: 'runtime_closed' })
    gate.release(running.id)
    await tick()
    await runtime.clock.advance(5_000)
    await closing
    expect((await runtime.tasks.get(running.id)).status).toBe('complete')
    expect((await runtime.tasks.get(queued.id)).error).toMatchObject({ code: 'runtime_closed', recoverable: true })
  })

  it('keeps finished tasks up to the retention count and age', async () => {
    const runtime = createTestRuntime({
      planner: createScriptedPlanner([{ type: 'finish', result: 1 }]),
      retention: { maxTasks: 3, maxAgeMs: 60_000 },
    })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push((await runtime.tasks.create({ prompt: `t${i}` })).id)
      await runtime.tasks.wait(ids.at(-1)!)
    }
    await expect(runtime.tasks.get(ids[0]!)).rejects.toMatchObject({ code: 'task_not_found' })
    expect((await runtime.tasks.list()).data.map((task) => task.id)).toEqual(ids.slice(2).reverse())
    await runtime.clock.advance(60_001)
    expect((await runtime.tasks.list()).data).toHaveLength(0)
  })

  it('lists newest first with exact has_more and filters', async () => {
    const runtime = createTestRuntime({ planner: createScriptedPlanner([{ type: 'finish', result: 1 }]) })
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await runtime.tasks.create({ prompt: `t${i}`, user_id: i % 2 === 0 ? 'even' : 'odd' })).id)
    await Promise.all(ids.map((id) => runtime.tasks.wait(id)))
    const page = await runtime.tasks.list({ limit: 2, offset: 1 })
    expect(page.data.map((task) => task.id)).toEqual([ids[3], ids[2]])
    expect(page.has_more).toBe(true)
    expect((await runtime.tasks.list({ limit: 2, offset: 3 })).has_more).toBe(false)
    expect((await runtime.tasks.list({ user_id: 'even' })).data).toHaveLength(3)
    expect(page.data[0]).not.toHaveProperty('result')
    expect(page.data[0]).not.toHaveProperty('prompt')
  })

  it('gives a freed account slot to the next live task when the one queued before it was cancelled', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ accountConcurrency: 1, planner: gate.planner })
    const [first, second, third] = await Promise.all(
      ['t1', 't2', 't3'].map((prompt) => runtime.tasks.create({ prompt }, { account: 'acct_a' })),
    )
    await tick()
    await runtime.tasks.cancel(second!.id)
    gate.release(first!.id)
    await tick()
    expect((await runtime.tasks.get(third!.id)).status).toBe('running')
  })

  it('fails waiting tasks on close and refuses to resume anything afterwards', async () => {
    const runtime = createTestRuntime({
      planner: createScriptedPlanner([{ type: 'ask', message: 'which?', fields: [] }]),
    })
    const task = await runtime.tasks.create({ prompt: 'ask me' })
    await runtime.tasks.wait(task.id, { until: 'waiting' })
    const closing = runtime.close({ deadlineMs: 10 })
    await runtime.clock.advance(10)
    await closing
    expect((await runtime.tasks.wait(task.id)).error).toMatchObject({ code: 'runtime_closed', recoverable: true })
    await expect(runtime.tasks.sendInput(task.id, { message: 'late' })).rejects.toMatchObject({
      code: 'task_already_complete',
    })
  })

  it('fails a task whose storage write fails with a recoverable storage_unavailable and keeps every other task', async () => {
    const storage = memoryStorage()
    const update = storage.tasks.update.bind(storage.tasks)
    storage.tasks.update = async (task, expectedVersion) => {
      if (task.status === 'waiting') throw new Error('database unavailable')
      return update(task, expectedVersion)
    }
    const runtime = createTestRuntime({
      storage,
      planner: {
        name: 'asks once',
        plan: (context) =>
          context.task.prompt === 'ask me'
            ? { type: 'ask', message: 'which?', fields: [] }
            : { type: 'finish', result: 'ok' },
      },
    })
    const broken = await runtime.tasks.create({ prompt: 'ask me' })
    const fine = await runtime.tasks.create({ prompt: 'just finish' })
    const done = await runtime.tasks.wait(broken.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'storage_unavailable', recoverable: true })
    expect(done.error?.message).toContain('database unavailable')
    expect(await runtime.tasks.wait(fine.id)).toMatchObject({ status: 'complete', result: 'ok' })
  })
})
