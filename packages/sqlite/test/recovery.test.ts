import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryStorage, type Planner, type PlannerContext, type Storage } from '@inboard/core'
import { createFakeClock, createTestRuntime, type TestRuntime } from '@inboard/core/testing'
import { defineTool, ToolError, type ToolContext } from '@inboard/tools'
import { sqliteStorage } from '@inboard/sqlite'

// A "process" here is one runtime on its own fake clock. A crash is a runtime that is simply
// abandoned: its clock never moves again (so it renews no lease) and its in-flight calls never
// return. The next process opens the same storage — the same object for memory, a new connection
// to the same file for SQLite — on a clock past the first one's leases.

const LEASE_MS = 30_000
const START = Date.parse('2026-03-01T09:00:00Z')
const dir = mkdtempSync(join(tmpdir(), 'inboard-recovery-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Backend {
  name: string
  /** A place to keep data; `open()` gives each process its own handle on it. */
  place(): { open(): Storage }
}

const backends: Backend[] = [
  {
    name: 'memoryStorage',
    place() {
      const shared = memoryStorage()
      return { open: () => shared }
    },
  },
  {
    name: 'sqliteStorage on a real file',
    place() {
      const path = join(dir, `recovery-${++files}.db`)
      return { open: () => sqliteStorage({ path }) }
    },
  },
]

/** What the tools saw, across every process of a test. */
interface Ledger {
  calls: { capability: string; key: string; attempt: number }[]
  /** Idempotency keys of hanging calls whose process stopped them. */
  aborted: string[]
  count(capability: string): number
  keys(capability: string): string[]
}

function newLedger(): Ledger {
  const calls: Ledger['calls'] = []
  return {
    calls,
    aborted: [],
    count: (capability) => calls.filter((call) => call.capability === capability).length,
    keys: (capability) => calls.filter((call) => call.capability === capability).map((call) => call.key),
  }
}

/**
 * The `books` tool: `lookup` reads, `charge` has side effects, `refund` has side effects but is
 * idempotent. Capabilities named in `hang` start and never return (the process dies meanwhile);
 * `flaky` fails with a transient error on its first attempt in this process.
 */
function booksTool(ledger: Ledger, behaviour: { hang?: readonly string[] } = {}) {
  const hang = new Set(behaviour.hang ?? [])
  const attempts = new Map<string, number>()
  const record = (capability: string, ctx: ToolContext): Promise<{ ok: true; capability: string }> => {
    const key = ctx.idempotencyKey
    const attempt = (attempts.get(key) ?? 0) + 1
    attempts.set(key, attempt)
    ledger.calls.push({ capability, key, attempt })
    if (hang.has(capability)) {
      ctx.signal.addEventListener('abort', () => ledger.aborted.push(key))
      return new Promise(() => undefined)
    }
    if (capability === 'flaky' && attempt === 1) return Promise.reject(new ToolError('transient', 'upstream hiccup'))
    return Promise.resolve({ ok: true, capability })
  }
  const input = z.object({ ref: z.string() })
  // Long enough that a call left hanging is still in flight when the next process starts.
  const timeoutMs = 600_000
  return defineTool({
    name: 'books',
    description: 'Accounts ledger',
    capabilities: {
      lookup: { timeoutMs, description: 'Read an account', input, run: (_input, ctx) => record('lookup', ctx) },
      charge: {
        timeoutMs,
        description: 'Charge an account',
        input,
        sideEffects: true,
        run: (_input, ctx) => record('charge', ctx),
      },
      refund: {
        timeoutMs,
        description: 'Refund an account',
        input,
        sideEffects: true,
        idempotent: true,
        run: (_input, ctx) => record('refund', ctx),
      },
      flaky: {
        timeoutMs,
        description: 'Read through a flaky service',
        input,
        run: (_input, ctx) => record('flaky', ctx),
      },
      ship: {
        timeoutMs,
        description: 'Ship an order',
        input,
        sideEffects: true,
        requiresApproval: true,
        run: (_input, ctx) => record('ship', ctx),
      },
    },
  })
}

/**
 * Runs the capabilities listed in the task's `metadata.plan` one per decision, in order; `ask`
 * waits for a message first. Finishes with the capabilities that completed.
 */
const planPlanner: Planner = {
  name: 'plan',
  plan(context: PlannerContext) {
    const plan = String(context.task.metadata['plan']).split(',')
    const done = context.history.filter((call) => call.status === 'complete').length
    const asks = plan.slice(0, done + 1).filter((step) => step === 'ask').length
    const next = plan.filter((step) => step !== 'ask')[done]
    if (asks > context.input.messages.length)
      return {
        type: 'ask',
        message: 'Which account?',
        fields: [{ name: 'account', description: null, type: 'string' }],
      }
    if (next === undefined) return { type: 'finish', result: context.history.map((call) => call.capability) }
    return { type: 'call', calls: [{ tool: 'books', capability: next, input: { ref: 'acct_1' } }] }
  },
}

describe.each(backends)('crash recovery on $name', (backend) => {
  let place: ReturnType<Backend['place']>
  const processes: TestRuntime[] = []

  function start(
    ledger: Ledger,
    options: { at?: number; owner?: string; hang?: readonly string[]; concurrency?: number } = {},
  ): TestRuntime {
    const runtime = createTestRuntime({
      concurrency: options.concurrency ?? 10,
      clock: createFakeClock(options.at ?? START),
      storage: place.open(),
      tools: [booksTool(ledger, { hang: options.hang ?? [] })],
      planner: planPlanner,
      lease: { durationMs: LEASE_MS, ...(options.owner === undefined ? {} : { owner: options.owner }) },
      limits: { retries: 2, retryMinDelayMs: 10, retryMaxDelayMs: 10 },
    })
    processes.push(runtime)
    return runtime
  }

  /** A process that starts after the first one's leases ran out. */
  const restart = (ledger: Ledger, options: { owner?: string } = {}): TestRuntime =>
    start(ledger, { at: START + LEASE_MS + 1_000, ...options })

  /** Creates a task and lets the process run until the ledger shows `capability` started. */
  async function runUntil(
    runtime: TestRuntime,
    ledger: Ledger,
    until: { plan: string; capability: string },
  ): Promise<string> {
    const { plan, capability } = until
    const task = await runtime.tasks.create({ prompt: `run ${plan}`, metadata: { plan } })
    for (let i = 0; i < 50 && ledger.count(capability) === 0; i++) await runtime.clock.advance(0)
    expect(ledger.count(capability)).toBe(1)
    // The process dies a little later, once what it did before the call is stored.
    for (let i = 0; i < 5; i++) await runtime.clock.advance(0)
    return task.id
  }

  /** Moves the process's clock on (retry delays, lease sweeps) until the task ends. */
  async function finish(runtime: TestRuntime, id: string) {
    let ended = false
    const done = runtime.tasks.wait(id).finally(() => (ended = true))
    for (let i = 0; i < 500 && !ended; i++) await runtime.clock.advance(20)
    if (!ended) throw new Error(`task ${id} is still ${(await runtime.tasks.get(id)).status}`)
    return done
  }

  beforeEach(() => {
    place = backend.place()
  })
  afterEach(async () => {
    // Only the last process of a test is closed; the crashed ones stay as they died.
    await processes.at(-1)?.close({ deadlineMs: 0 })
    processes.length = 0
  })

  it('queues a pending task again when the process that accepted it died', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['lookup'], concurrency: 1 })
    // One slot: the first task holds it (its lookup never returns), the second stays pending.
    await first.ready()
    const blocker = await runUntil(first, ledger, { plan: 'lookup', capability: 'lookup' })
    const queued = await first.tasks.create({ prompt: 'queued', metadata: { plan: 'charge' } })
    expect((await first.tasks.get(queued.id)).status).toBe('pending')

    const second = restart(ledger)
    await second.ready()
    const [a, b] = await Promise.all([finish(second, blocker), finish(second, queued.id)])
    expect(a.status).toBe('complete')
    expect(b).toMatchObject({ status: 'complete', result: ['charge'] })
  })

  it('resumes a running task from its last completed step, without repeating finished calls', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['flaky'] })
    const id = await runUntil(first, ledger, { plan: 'lookup,charge,flaky', capability: 'flaky' })
    const second = restart(ledger)
    const done = await finish(second, id)
    expect(done).toMatchObject({ status: 'complete', result: ['lookup', 'charge', 'flaky'] })
    expect(ledger.count('lookup')).toBe(1)
    expect(ledger.count('charge')).toBe(1)
    const steps = (await second.tasks.trace(id)).steps.map((step) => `${step.action}:${step.status}`)
    expect(steps.slice(0, 4)).toEqual(['plan:complete', 'lookup:complete', 'plan:complete', 'charge:complete'])
    expect(steps).toContain('recover:complete')
  })

  it('runs an in-flight call again after a crash when the capability has no side effects, with the same idempotency key', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['lookup'] })
    const id = await runUntil(first, ledger, { plan: 'lookup', capability: 'lookup' })

    const second = restart(ledger)
    expect(await finish(second, id)).toMatchObject({ status: 'complete', result: ['lookup'] })
    const keys = ledger.keys('lookup')
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
  })

  it('runs an in-flight idempotent side-effecting call again after a crash, with the same idempotency key', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['refund'] })
    const id = await runUntil(first, ledger, { plan: 'lookup,refund', capability: 'refund' })

    const second = restart(ledger)
    expect(await finish(second, id)).toMatchObject({ status: 'complete', result: ['lookup', 'refund'] })
    expect(ledger.keys('refund')).toEqual([`${id}.1`, `${id}.1`])
  })

  it('does not repeat an in-flight side-effecting call: the task waits for approval, saying it may or may not have happened', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['charge'] })
    const id = await runUntil(first, ledger, { plan: 'lookup,charge', capability: 'charge' })

    const second = restart(ledger)
    await second.ready()
    await second.clock.advance(0)
    const waiting = await second.tasks.get(id)
    expect(waiting.status).toBe('waiting')
    expect(waiting.waiting).toMatchObject({
      reason: 'approval_required',
      service: 'books',
      request: { tool: 'books', capability: 'charge' },
    })
    expect(waiting.waiting?.message).toContain('may or may not have happened')
    expect(ledger.count('charge')).toBe(1)
    const charge = (await second.tasks.trace(id)).steps.find((step) => step.action === 'charge')
    expect(charge).toMatchObject({ status: 'interrupted' })
    expect(charge?.note).toContain('the process running the task stopped')

    // Approving runs the call again with the key it had, so the service can tell it is a repeat.
    await second.tasks.sendInput(id, { approved: true })
    expect(await finish(second, id)).toMatchObject({ status: 'complete', result: ['lookup', 'charge'] })
    expect(ledger.keys('charge')).toEqual([`${id}.1`, `${id}.1`])
  })

  it('fails the task when a person denies running an interrupted side-effecting call again', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['charge'] })
    const id = await runUntil(first, ledger, { plan: 'charge', capability: 'charge' })

    const second = restart(ledger)
    await second.ready()
    await second.clock.advance(0)
    expect((await second.tasks.get(id)).status).toBe('waiting')
    await second.tasks.sendInput(id, { approved: false })
    const done = await finish(second, id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe('approval_denied')
    expect(ledger.count('charge')).toBe(1)
  })

  it('keeps a task waiting for input through a restart and resumes it on sendInput', async () => {
    const ledger = newLedger()
    const first = start(ledger)
    const task = await first.tasks.create({ prompt: 'ask first', metadata: { plan: 'lookup,ask,charge' } })
    expect((await first.tasks.wait(task.id, { until: 'waiting' })).waiting?.reason).toBe('input_required')

    const second = restart(ledger)
    await second.ready()
    await second.clock.advance(LEASE_MS * 2)
    expect((await second.tasks.get(task.id)).status).toBe('waiting')
    await second.tasks.sendInput(task.id, { message: 'acct_1' })
    expect(await finish(second, task.id)).toMatchObject({ status: 'complete', result: ['lookup', 'charge'] })
    expect(ledger.count('lookup')).toBe(1)
  })

  it('keeps a task waiting for approval through a restart and runs the approved call once', async () => {
    const ledger = newLedger()
    const first = start(ledger)
    const task = await first.tasks.create({ prompt: 'ship it', metadata: { plan: 'lookup,ship' } })
    expect((await first.tasks.wait(task.id, { until: 'waiting' })).waiting?.reason).toBe('approval_required')

    const second = restart(ledger)
    await second.tasks.sendInput(task.id, { approved: true })
    expect(await finish(second, task.id)).toMatchObject({ status: 'complete', result: ['lookup', 'ship'] })
    expect(ledger.count('ship')).toBe(1)
  })

  it('gives a call the same idempotency key on every retry', async () => {
    const ledger = newLedger()
    const runtime = start(ledger)
    const task = await runtime.tasks.create({ prompt: 'flaky', metadata: { plan: 'lookup,flaky' } })
    expect(await finish(runtime, task.id)).toMatchObject({ status: 'complete' })
    expect(ledger.calls.filter((call) => call.capability === 'flaky')).toEqual([
      { capability: 'flaky', key: `${task.id}.1`, attempt: 1 },
      { capability: 'flaky', key: `${task.id}.1`, attempt: 2 },
    ])
  })

  it('takes tasks over periodically once their owner stops renewing its lease', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['lookup'] })
    const id = await runUntil(first, ledger, { plan: 'lookup', capability: 'lookup' })

    // Another process, started while the lease is still fresh, leaves the task alone at first.
    const second = start(ledger, { at: START + 1_000 })
    await second.ready()
    await second.clock.advance(LEASE_MS / 3)
    expect(ledger.count('lookup')).toBe(1)
    expect((await second.tasks.get(id)).status).toBe('running')
    // Once the lease has run out, its next sweep claims the task and runs it.
    await second.clock.advance(LEASE_MS)
    expect(await finish(second, id)).toMatchObject({ status: 'complete' })
    expect(ledger.count('lookup')).toBe(2)
  })

  it('lets a live process keep its tasks: another process does not take over a lease that is renewed', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['lookup'] })
    const id = await runUntil(first, ledger, { plan: 'lookup', capability: 'lookup' })
    const second = start(ledger)
    await second.ready()
    for (let i = 0; i < 6; i++) {
      await first.clock.advance(LEASE_MS / 2)
      await second.clock.advance(LEASE_MS / 2)
    }
    expect(ledger.count('lookup')).toBe(1)
    expect((await second.tasks.get(id)).status).toBe('running')
  })

  it('stops running a task in a process that stalled past its lease once another process took it over', async () => {
    const ledger = newLedger()
    const first = start(ledger, { hang: ['charge'] })
    const id = await runUntil(first, ledger, { plan: 'lookup,charge', capability: 'charge' })
    const second = restart(ledger)
    await second.ready()
    await second.clock.advance(0)
    expect((await second.tasks.get(id)).status).toBe('waiting')

    // The stalled process wakes up: its renewal is refused, so it stops the call and writes nothing.
    await first.clock.advance(LEASE_MS / 3)
    expect(ledger.aborted).toEqual([`${id}.1`])
    await first.clock.advance(LEASE_MS)
    const seen = await second.tasks.get(id)
    expect(seen.status).toBe('waiting')
    expect(seen.waiting?.reason).toBe('approval_required')
  })

  it('takes its own tasks back at once when it restarts under the same lease owner', async () => {
    const ledger = newLedger()
    const first = start(ledger, { owner: 'worker-1', hang: ['lookup'] })
    const id = await runUntil(first, ledger, { plan: 'lookup', capability: 'lookup' })

    // Same owner, same moment: no lease has expired, yet the task is taken back.
    const again = start(ledger, { owner: 'worker-1', at: START + 10 })
    expect(await finish(again, id)).toMatchObject({ status: 'complete' })
    expect(ledger.count('lookup')).toBe(2)
  })

  it('keeps running a task resumed just as its leases are renewed (its own write, not yet stored, is no takeover)', async () => {
    const ledger = newLedger()
    const runtime = start(ledger)
    const task = await runtime.tasks.create({ prompt: 'ask first', metadata: { plan: 'ask,lookup,charge' } })
    expect((await runtime.tasks.wait(task.id, { until: 'waiting' })).waiting?.reason).toBe('input_required')
    // The renewal is due within this advance; the input arrives in the same turn of the event loop,
    // so the renewal reads the task before the write that makes it this process's again is stored.
    await runtime.clock.advance(LEASE_MS / 3 - runtime.clock.now() + START - 1)
    const renewing = runtime.clock.advance(2)
    await runtime.tasks.sendInput(task.id, { message: 'acct_1' })
    await renewing
    expect(await finish(runtime, task.id)).toMatchObject({ status: 'complete', result: ['lookup', 'charge'] })
    expect(ledger.count('charge')).toBe(1)
    expect((await runtime.tasks.trace(task.id)).steps.map((step) => step.action)).not.toContain('recover')
  })

  // More open tasks than one claim takes (100): the restart claims in pages, and a page of its own
  // tasks must not be claimed again in place of the next one (a same-owner restart once did that
  // forever, so ready() never resolved and every task stayed running or pending).
  it.each([
    { who: 'the same lease owner, at once', owner: 'worker-1', at: START + 10 },
    { who: 'another lease owner, once the leases expired', owner: 'worker-2', at: START + LEASE_MS + 1_000 },
  ])('takes back more than a page of running and pending tasks when it restarts under $who', async ({ owner, at }) => {
    const ledger = newLedger()
    const first = start(ledger, { owner: 'worker-1', hang: ['lookup'], concurrency: 10 })
    const ids: string[] = []
    for (let i = 0; i < 250; i++)
      ids.push((await first.tasks.create({ prompt: `task ${i}`, metadata: { plan: 'lookup' } })).id)
    for (let i = 0; i < 50 && ledger.count('lookup') < 10; i++) await first.clock.advance(0)
    // The process dies a little later, once what it did before the calls is stored.
    for (let i = 0; i < 5; i++) await first.clock.advance(0)
    const left = await Promise.all(ids.map(async (id) => (await first.tasks.get(id)).status))
    expect(left.filter((status) => status === 'running')).toHaveLength(10)
    expect(left.filter((status) => status === 'pending')).toHaveLength(240)

    const again = start(ledger, { owner, at })
    let ready = false
    void again.ready().then(() => (ready = true))
    for (let i = 0; i < 200 && !ready; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(ready).toBe(true)
    const ended = new Set<string>()
    for (const id of ids) void again.tasks.wait(id).then((task) => task.status === 'complete' && ended.add(id))
    for (let i = 0; i < 200 && ended.size < ids.length; i++) await again.clock.advance(20)
    expect(ended.size).toBe(ids.length)
    // Each task's lookup ran once here: the ten that hung in the first process ran twice in all.
    expect(ledger.count('lookup')).toBe(ids.length + 10)
  })
})
