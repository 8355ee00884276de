import { describe, expect, it } from 'vitest'
import type { PlannerDecision } from '@inboard/core'
import { createScriptedTool, createTestRuntime } from '@inboard/core/testing'

/** A tool whose one capability runs until the task is cancelled or times out. */
const slow = createScriptedTool({
  name: 'slow',
  capabilities: {
    wait: [
      (_input: unknown, ctx: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
        ),
    ],
  },
})

/** "hang" tasks call slow.wait; anything else finishes at once. */
const planner = {
  name: 'hang-or-finish',
  plan: (ctx: { task: { prompt: string }; history: readonly unknown[] }): PlannerDecision =>
    ctx.task.prompt.startsWith('hang') && ctx.history.length === 0
      ? { type: 'call', calls: [{ tool: 'slow', capability: 'wait', input: {} }] }
      : { type: 'finish', result: 'done' },
}

/** A planner that holds every task until the test releases it, recording start order. */
function gatedPlanner() {
  const started: string[] = []
  const gates = new Map<string, () => void>()
  return {
    started,
    release: (prompt: string) => gates.get(prompt)?.(),
    planner: {
      name: 'gated',
      plan: (ctx: { task: { prompt: string } }) =>
        new Promise<PlannerDecision>((resolve) => {
          started.push(ctx.task.prompt)
          gates.set(ctx.task.prompt, () => resolve({ type: 'finish', result: ctx.task.prompt }))
        }),
    },
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Lets the event loop turn until `done()` holds (each turn lets storage writes and slot hand-overs happen). */
async function settle(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn++) await tick()
}

describe('fairness across accounts', () => {
  it("runs another account's task at once while one account's 30 tasks hang, with the default options", async () => {
    const runtime = createTestRuntime({ tools: [slow], planner })
    const a = { account: 'acct_a:live' }
    const b = { account: 'acct_b:live' }
    const hanging = []
    for (let i = 0; i < 30; i++) hanging.push(await runtime.tasks.create({ prompt: `hang ${i}` }, a))
    const quick = await runtime.tasks.create({ prompt: 'quick' }, b)
    expect(quick.status).toBe('running')
    // No clock advance: none of the hanging tasks ends, and the other account's task still finishes.
    expect(await runtime.tasks.wait(quick.id, {}, b)).toMatchObject({ status: 'complete', result: 'done' })
    expect((await runtime.tasks.list({ status: 'running', limit: 100 }, a)).data).toHaveLength(10)
    expect((await runtime.tasks.list({ status: 'pending', limit: 100 }, a)).data).toHaveLength(20)
  })

  it('gives freed slots to accounts in turn rather than to the account that queued first', async () => {
    const gate = gatedPlanner()
    // One account may fill every slot here, so only the turn-taking decides who runs next.
    const runtime = createTestRuntime({ concurrency: 2, accountConcurrency: 2, planner: gate.planner })
    for (let i = 0; i < 5; i++) await runtime.tasks.create({ prompt: `a${i}` }, { account: 'acct_a' })
    for (let i = 0; i < 2; i++) await runtime.tasks.create({ prompt: `b${i}` }, { account: 'acct_b' })
    await settle(() => gate.started.length === 2)
    expect(gate.started).toEqual(['a0', 'a1'])
    for (const prompt of ['a0', 'a1', 'a2', 'b0', 'a3']) {
      const before = gate.started.length
      gate.release(prompt)
      await settle(() => gate.started.length > before)
    }
    expect(gate.started).toEqual(['a0', 'a1', 'a2', 'b0', 'a3', 'b1', 'a4'])
  })

  it('gives a slot freed by an account at its cap to an account still waiting, before that account’s next task', async () => {
    const gate = gatedPlanner()
    const runtime = createTestRuntime({ concurrency: 2, accountConcurrency: 1, planner: gate.planner })
    await runtime.tasks.create({ prompt: 'a0' }, { account: 'acct_a' })
    await runtime.tasks.create({ prompt: 'a1' }, { account: 'acct_a' })
    await runtime.tasks.create({ prompt: 'b0' }, { account: 'acct_b' })
    await runtime.tasks.create({ prompt: 'c0' }, { account: 'acct_c' })
    await settle(() => gate.started.length === 2)
    expect(gate.started).toEqual(['a0', 'b0'])
    gate.release('a0')
    await settle(() => gate.started.length === 3)
    gate.release('b0')
    await settle(() => gate.started.length === 4)
    expect(gate.started).toEqual(['a0', 'b0', 'c0', 'a1'])
  })

  it('keeps one account below the whole runtime by default, also when only the concurrency is set', async () => {
    const runtime = createTestRuntime({ concurrency: 4, tools: [slow], planner })
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await runtime.tasks.create({ prompt: `hang ${i}` }, { account: 'acct_a' })).status)
    expect(statuses).toEqual(['running', 'running', 'pending'])
    expect((await runtime.tasks.create({ prompt: 'hang' }, { account: 'acct_b' })).status).toBe('running')
    // Tasks without an account have only the runtime's cap.
    expect((await runtime.tasks.create({ prompt: 'hang' })).status).toBe('running')
    expect((await runtime.tasks.create({ prompt: 'hang' })).status).toBe('pending')
  })
})
