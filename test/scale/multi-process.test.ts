// Three real Node processes behind one Postgres schema and one BullMQ queue: process `a` only
// creates and reads tasks (work: false), `b` and `c` run them. Each test has its own schema and
// queue prefix; the tools report to a real HTTP service in this process.
import type { Task } from '@inboard/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEffectsService, type EffectsService } from './fixtures/effects-service.js'
import { killAllWorkers, startFleet, type Fleet, type WorkerProcess } from './fixtures/fleet.js'
import { serversMissing } from './test-servers.js'

const missing = await serversMissing({ redis: true })

const creatorAndTwoWorkers = [
  { name: 'a', work: false },
  { name: 'b', work: true },
  { name: 'c', work: true },
]

function settled(task: Task): boolean {
  return (
    task.status === 'complete' || task.status === 'failed' || task.status === 'cancelled' || task.status === 'waiting'
  )
}

/** Waits on `a` for every task to settle (terminal or waiting); after `timeoutMs` reports the ones that did not. */
async function settleAll(worker: WorkerProcess, ids: readonly string[], timeoutMs: number): Promise<Task[]> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))
  const waited = Promise.all(ids.map((id) => worker.call<Task>('wait', id, { until: 'waiting' })))
  const outcome = await Promise.race([waited, deadline])
  clearTimeout(timer)
  if (outcome !== 'timeout') return outcome
  const now = await Promise.all(ids.map((id) => worker.call<Task>('get', id)))
  const stuck = now.filter((task) => !settled(task)).map((task) => `${task.id} ${task.status}`)
  throw new Error(
    `${stuck.length} of ${ids.length} tasks did not settle within ${timeoutMs} ms: ${stuck.slice(0, 10).join(', ')}`,
  )
}

describe.skipIf(missing !== null)('one runtime on three processes (Postgres + BullMQ)', () => {
  let service: EffectsService
  let fleet: Fleet | undefined

  beforeAll(async () => {
    service = await startEffectsService({ delayMs: 100 })
  })
  afterEach(async () => {
    await fleet?.stop()
    fleet = undefined
  })
  afterAll(async () => {
    killAllWorkers()
    await service?.close()
  })

  it(
    'runs tasks created on one process on the others, and every process reads the same tasks',
    { timeout: 240_000 },
    async () => {
      fleet = await startFleet({ workers: creatorAndTwoWorkers, serviceUrl: service.url })
      const { a, b, c } = fleet.workers as Record<'a' | 'b' | 'c', WorkerProcess>
      const created = await Promise.all(Array.from({ length: 20 }, () => a.call<Task>('create', { prompt: 'who' })))
      const done = await Promise.all(created.map((task) => a.call<Task>('wait', task.id)))
      expect(done.map((task) => task.status)).toEqual(done.map(() => 'complete'))
      const ranOn = new Set(done.map((task) => (task.result as { worker: string }).worker))
      expect(ranOn.has('a')).toBe(false)
      expect([...ranOn].every((name) => name === 'b' || name === 'c')).toBe(true)
      for (const reader of [b, c]) {
        const seen = await Promise.all(created.map((task) => reader.call<Task>('get', task.id)))
        expect(seen.map((task) => [task.id, task.status, task.result])).toEqual(
          done.map((task) => [task.id, task.status, task.result]),
        )
      }
    },
  )

  it(
    'cancels, from a process that does not run it, a call in flight on another within a second',
    { timeout: 240_000 },
    async () => {
      fleet = await startFleet({ workers: creatorAndTwoWorkers, serviceUrl: service.url })
      const { a } = fleet.workers as Record<'a', WorkerProcess>
      const task = await a.call<Task>('create', { prompt: 'hold' })
      const started = await service.next('started', task.id)
      expect(['b', 'c']).toContain(started.worker)
      const cancelledAt = Date.now()
      const cancelled = await a.call<Task>('cancel', task.id)
      expect(cancelled.status).toBe('cancelled')
      const aborted = await service.next('aborted', task.id, 5_000)
      expect(aborted.worker).toBe(started.worker)
      expect(aborted.at - cancelledAt).toBeLessThan(1_000)
      const runner = fleet.workers[started.worker]!
      expect((await runner.call<Task>('get', task.id)).status).toBe('cancelled')
      expect((await a.call<Task>('wait', task.id)).status).toBe('cancelled')
    },
  )

  it(
    'resumes a task that waits for input when the input is sent to another process',
    { timeout: 240_000 },
    async () => {
      fleet = await startFleet({ workers: creatorAndTwoWorkers, serviceUrl: service.url })
      const { a, b, c } = fleet.workers as Record<'a' | 'b' | 'c', WorkerProcess>
      const task = await a.call<Task>('create', { prompt: 'ask' })
      const waiting = await a.call<Task>('wait', task.id, { until: 'waiting' })
      expect(waiting.status).toBe('waiting')
      expect(waiting.waiting).toMatchObject({ reason: 'input_required', message: 'Who is asking?' })
      await c.call<Task>('sendInput', task.id, { values: { name: 'Ada' } })
      const done = await b.call<Task>('wait', task.id)
      expect(done.status).toBe('complete')
      expect(done.result).toMatchObject({ greeting: 'hello Ada' })
      expect(['b', 'c']).toContain((done.result as { worker: string }).worker)
      expect((await a.call<Task>('get', task.id)).status).toBe('complete')
    },
  )

  it(
    'loses no task and repeats no side effect when a worker is killed with SIGKILL while 300 tasks are in flight',
    { timeout: 300_000 },
    async () => {
      fleet = await startFleet({
        workers: creatorAndTwoWorkers,
        serviceUrl: service.url,
        leaseMs: 2_000,
        concurrency: 20,
      })
      const { a, b } = fleet.workers as Record<'a' | 'b', WorkerProcess>
      const ids: string[] = []
      for (let batch = 0; batch < 300; batch += 50) {
        const created = await Promise.all(
          Array.from({ length: 50 }, () => a.call<Task>('create', { prompt: 'ledger' })),
        )
        ids.push(...created.map((task) => task.id))
      }
      const ours = (): ReturnType<EffectsService['effects']['values']> => service.effects.values()
      const countOurs = (): number => [...ours()].filter((reports) => ids.includes(reports[0]!.task_id)).length
      // Kill b once it is busy: some of its calls have happened, others are in flight.
      const busySince = Date.now()
      // Counted in tasks, as the assertion at the end counts them (a task makes two calls).
      const tasksOnB = (): number =>
        new Set(
          [...ours()]
            .filter((reports) => reports[0]!.worker === 'b' && ids.includes(reports[0]!.task_id))
            .map((reports) => reports[0]!.task_id),
        ).size
      while (tasksOnB() < 20) {
        if (Date.now() - busySince > 60_000)
          throw new Error(`b made ${countOurs()} calls in 60 s; the fleet did not start the tasks`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const killedAt = Date.now()
      b.kill('SIGKILL')
      expect(await b.exited).toBe('SIGKILL')
      const callsBeforeKill = countOurs()

      const tasks = await settleAll(a, ids, 120_000)
      const byStatus: Partial<Record<Task['status'], Task[]>> = {}
      for (const task of tasks) (byStatus[task.status] ??= []).push(task)
      expect(tasks).toHaveLength(300)
      expect(Object.keys(byStatus).sort()).toEqual(
        Object.keys(byStatus)
          .filter((status) => status === 'complete' || status === 'waiting')
          .sort(),
      )
      expect(callsBeforeKill).toBeLessThan(600)

      // No side-effecting call reached the service twice: every idempotency key arrived once.
      const repeated = [...service.effects.entries()].filter(([, reports]) => reports.length > 1)
      expect(
        repeated.map(
          ([key, reports]) => `${key} × ${reports.length} (${reports.map((report) => report.worker).join(', ')})`,
        ),
      ).toEqual([])
      // Each task records entries 1 and 2 once each, whatever process ran them, under any keys.
      const entriesOf = (id: string): string[] =>
        [...service.effects.values()]
          .flat()
          .filter((report) => report.task_id === id)
          .sort((x, y) => x.at - y.at)
          .map(
            (report) =>
              `entry ${report.entry} on ${report.worker} (${report.key}, ${report.at - killedAt} ms after the kill)`,
          )
      const wrong = (byStatus.complete ?? []).filter(
        (task) => !/^entry 1 .*,entry 2 /.test(entriesOf(task.id).join()) || entriesOf(task.id).length !== 2,
      )
      expect(wrong.map((task) => `${task.id}: ${entriesOf(task.id).join(', ')}`)).toEqual([])
      // A task waits only when its lease ran out during a side-effecting call (b died, or its owner
      // stalled past the lease): a person decides whether the call happened.
      for (const task of byStatus.waiting ?? []) {
        expect(task.waiting).toMatchObject({ reason: 'approval_required', service: 'ledger' })
        const entries = entriesOf(task.id).map((entry) => entry.split(' on ')[0])
        expect(entries).toEqual([...new Set(entries)])
      }
      // b's unfinished tasks were taken over: none of its tasks is left behind, each one settled above.
      const touchedByB = tasks.filter((task) => entriesOf(task.id).some((entry) => entry.includes(' on b ')))
      expect(touchedByB.length).toBeGreaterThanOrEqual(20)
      expect(touchedByB.every(settled)).toBe(true)
    },
  )
})
