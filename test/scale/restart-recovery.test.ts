import type { Planner } from '@inboard/core'
import { createFakeClock, createTestRuntime, type TestRuntime } from '@inboard/core/testing'
import { postgresStorage } from '@inboard/postgres'
import { defineTool, type ToolContext } from '@inboard/tools'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dropSchema, POSTGRES_URL, serversMissing, uniqueName } from './test-servers.js'

// Crash recovery on a real Postgres, as packages/sqlite/test/recovery.test.ts checks it on a SQLite
// file: a "process" is one runtime on its own fake clock and its own pool; a crash is a runtime
// simply abandoned (its clock never moves again, its hanging calls never return). The next process
// opens the same schema with a new pool.

const missing = await serversMissing()
const LEASE_MS = 30_000
const START = Date.parse('2026-03-01T09:00:00Z')
const TASKS = 250
const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

/** Every lookup call, by idempotency key, across the processes of a test. */
const calls: string[] = []

/** `books.lookup` reads an account; in a process started with `hang` it starts and never returns. */
function booksTool(hang: boolean) {
  return defineTool({
    name: 'books',
    description: 'Accounts ledger',
    capabilities: {
      lookup: {
        description: 'Read an account',
        input: z.object({ ref: z.string() }),
        timeoutMs: 600_000,
        run: (_input, ctx: ToolContext) => {
          calls.push(ctx.idempotencyKey)
          return hang ? new Promise(() => undefined) : Promise.resolve({ ok: true })
        },
      },
    },
  })
}

const planner: Planner = {
  name: 'lookup-once',
  plan: (context) =>
    context.history.some((entry) => entry.status === 'complete')
      ? { type: 'finish', result: 'looked up' }
      : { type: 'call', calls: [{ tool: 'books', capability: 'lookup', input: { ref: 'acct_1' } }] },
}

/** `promise`, or a rejection naming `what` once `ms` have passed (a recovery that never ends fails fast). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not resolve in ${ms} ms`)), ms)),
  )
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

describe.skipIf(missing !== null)('a restart on Postgres after a crash', () => {
  const processes: { runtime: TestRuntime; close: () => Promise<void> }[] = []
  afterEach(async () => {
    // The last process is closed; the crashed ones only lose their pools (whatever they would
    // still write is refused: every task they held was claimed since).
    const last = processes.pop()
    await last?.runtime.close({ deadlineMs: 0 })
    for (const crashed of processes.splice(0)) await crashed.close()
    calls.length = 0
  })

  function start(schema: string, options: { owner: string; at: number; hang: boolean }): TestRuntime {
    const storage = postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 4 })
    const runtime = createTestRuntime({
      concurrency: 10,
      clock: createFakeClock(options.at),
      storage,
      tools: [booksTool(options.hang)],
      planner,
      lease: { durationMs: LEASE_MS, owner: options.owner },
      memory: { enabled: false },
    })
    processes.push({ runtime, close: () => storage.close() })
    return runtime
  }

  // More open tasks than one recovery claim takes (100): the restart claims them page by page.
  it.each([
    { who: 'the same lease owner, at once', owner: 'worker-1', at: START + 10 },
    { who: 'another lease owner, once the leases expired', owner: 'worker-2', at: START + LEASE_MS + 1_000 },
  ])(
    'takes back more than a page of running and pending tasks under $who',
    async ({ owner, at }) => {
      const schema = uniqueName('inboard_restart')
      schemas.push(schema)
      const first = start(schema, { owner: 'worker-1', at: START, hang: true })
      const ids: string[] = []
      for (let i = 0; i < TASKS; i++) ids.push((await first.tasks.create({ prompt: `task ${i}` })).id)
      // Ten tasks hang in their lookup, the rest wait for a slot; then the process dies.
      for (let i = 0; i < 200 && calls.length < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5))
      expect(calls).toHaveLength(10)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const left = await Promise.all(ids.map(async (id) => (await first.tasks.get(id)).status))
      expect(left.filter((status) => status === 'running')).toHaveLength(10)
      expect(left.filter((status) => status === 'pending')).toHaveLength(TASKS - 10)

      const again = start(schema, { owner, at, hang: false })
      await within(again.ready(), 15_000, 'ready() after the restart')
      const ended = await Promise.all(ids.map((id) => again.tasks.wait(id)))
      expect(ended.filter((task) => task.status !== 'complete')).toEqual([])
      // Each task's lookup ran once in the new process; the ten that hung ran twice in all.
      expect(calls).toHaveLength(TASKS + 10)
      expect(new Set(calls).size).toBe(TASKS)
    },
    60_000,
  )
})
