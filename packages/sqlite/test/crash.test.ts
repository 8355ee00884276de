import Database from 'better-sqlite3'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFixture, tempDir } from './fixtures/files.js'

// A real process on a real file, killed with SIGKILL while it works, then started again on the
// same file. The side effects land at a real HTTP service that counts them.

interface Ledger {
  /** POST /charge calls per task id (each plan charges at most once). */
  charges: Map<string, number>
  /** Every call, by capability. */
  calls: Map<string, number>
}

let server: Server
let base = ''
const ledger: Ledger = { charges: new Map(), calls: new Map() }

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://service')
    const capability = url.pathname.slice(1)
    if (capability === 'seen') {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ charged: (ledger.charges.get(url.searchParams.get('task') ?? '') ?? 0) > 0 }))
      return
    }
    ledger.calls.set(capability, (ledger.calls.get(capability) ?? 0) + 1)
    if (capability === 'charge') {
      const task = String(request.headers['x-task'])
      ledger.charges.set(task, (ledger.charges.get(task) ?? 0) + 1)
    }
    // A few milliseconds per call, so the process dies with calls in flight.
    setTimeout(() => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ ok: true, key: request.headers['idempotency-key'] }))
    }, 3)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** How long a worker may take to reach its kill point (a few seconds on a loaded machine). */
const STALL_MS = 30_000

const calls = (): number => [...ledger.calls.values()].reduce((sum, count) => sum + count, 0)

/** Who a worker process is: its lease owner id and lease length. */
interface WorkerId {
  owner: string
  leaseMs: number
}

/**
 * One run of the worker, killed once the service has seen `calls` more calls and the worker has
 * accepted `accepted` tasks (or once it reports it has nothing left to run).
 */
interface Phase {
  mode: 'run' | 'continue'
  worker: WorkerId
  calls: number
  accepted?: number
}

const workerArgs = (mode: string, path: string, worker: WorkerId): string[] => [
  mode,
  path,
  base,
  worker.owner,
  String(worker.leaseMs),
]

/** Runs the worker until the phase's kill point, then SIGKILLs it. Resolves with the ids it accepted. */
async function runAndKill(path: string, phase: Phase): Promise<string[]> {
  const { mode, worker, ...kill } = phase
  const start = calls()
  const child = runFixture('crash-worker', workerArgs(mode, path, worker))
  const accepted: string[] = []
  let idle = false
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (line.startsWith('accepted ')) accepted.push(line.slice('accepted '.length))
      if (line === 'idle') idle = true
    }
  })
  const exited = once(child, 'exit')
  const startedAt = Date.now()
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const reached = (calls() - start >= kill.calls && accepted.length >= (kill.accepted ?? 0)) || idle
      // A worker that stops making progress (as one did whose recovery never finished) fails the
      // test here, saying so, rather than at the test's timeout.
      if (!reached && Date.now() - startedAt < STALL_MS) return
      clearInterval(timer)
      if (reached) resolve()
      else
        reject(
          new Error(
            `the ${mode} worker did not reach its kill point in ${STALL_MS} ms: ${calls() - start} calls, ${accepted.length} tasks accepted, never idle`,
          ),
        )
    }, 1)
    child.once('exit', (code) => {
      clearInterval(timer)
      reject(new Error(`the worker exited (${String(code)}) before it was killed`))
    })
  }).finally(() => child.kill('SIGKILL'))
  const [, signal] = (await exited) as [number | null, NodeJS.Signals | null]
  expect(signal).toBe('SIGKILL')
  return accepted
}

/** How many tasks the file holds as pending or running, read as another program would. */
function openTasks(path: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM tasks WHERE status IN ('pending', 'running')`).get() as { n: number })
      .n
  } finally {
    db.close()
  }
}

interface Report {
  settled: Record<string, { status: string; reason: string | null; message: string | null }>
  interrupted: Record<string, string[]>
  final: Record<string, { status: string; error: string | null }>
}

async function resume(path: string, worker: WorkerId): Promise<Report> {
  const child = runFixture('crash-worker', workerArgs('resume', path, worker))
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  // The worker gives recovery 20 s to settle every task, then answers the waiting ones.
  const timer = setTimeout(() => child.kill('SIGKILL'), STALL_MS + 20_000)
  const [code, signal] = (await once(child, 'exit').finally(() => clearTimeout(timer))) as [
    number | null,
    NodeJS.Signals | null,
  ]
  expect(signal, 'the resume worker did not finish and was killed').toBeNull()
  expect(code).toBe(0)
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Report
}

describe('a process killed with SIGKILL mid-run, started again on the same SQLite file', () => {
  const same: WorkerId = { owner: 'crash-worker', leaseMs: 30_000 }
  // A new owner id per process: each waits out the previous one's leases, so they are short here.
  const another = (owner: string): WorkerId => ({ owner, leaseMs: 1_000 })
  it.each([
    { restarts: 'under the same lease owner (taking its tasks back at once)', workers: [same, same, same, same] },
    {
      restarts: 'under a new lease owner each time (taking the tasks once their leases expire)',
      workers: ['a', 'b', 'c', 'd'].map((name) => another(`crash-worker-${name}`)),
    },
  ])(
    'loses no accepted task, leaves none running and runs no side effect twice, across three kills at different points, restarted $restarts',
    async ({ workers }: { workers: WorkerId[] }) => {
      const [first, second, third, last] = workers as [WorkerId, WorkerId, WorkerId, WorkerId]
      const temp = await tempDir()
      try {
        const path = temp.file()
        // Killed as it accepts its last tasks, with more of them open than one recovery claim takes
        // (100: a restart with a lease owner id once claimed the first 100 again and again and never
        // started), then twice more while recovering and running them.
        const accepted = await runAndKill(path, { mode: 'run', worker: first, calls: 20, accepted: 180 })
        expect(accepted.length).toBeGreaterThanOrEqual(180)
        // The restart has more than one claim page of tasks to take back; fewer would not
        // test that (the kill point is chosen so, with room: about 40 of 180 are done by then).
        expect(openTasks(path)).toBeGreaterThan(100)
        expect(await runAndKill(path, { mode: 'continue', worker: second, calls: 60 })).toEqual([])
        expect(await runAndKill(path, { mode: 'continue', worker: third, calls: 40 })).toEqual([])
        const report = await resume(path, last)

        // Every accepted task is there, and recovery left none pending or running.
        for (const id of accepted) expect(report.settled[id], id).toBeDefined()
        const statuses = Object.values(report.settled).map((task) => task.status)
        expect(statuses.filter((status) => status === 'pending' || status === 'running')).toEqual([])
        expect(statuses.filter((status) => !['complete', 'waiting'].includes(status))).toEqual([])
        expect(statuses.filter((status) => status === 'waiting').length).toBeGreaterThan(0)
        // A charge that may or may not have happened waits for a person and says so.
        for (const [id, task] of Object.entries(report.settled)) {
          if (task.reason !== 'approval_required') continue
          expect(task.message).toContain('may or may not have happened')
          expect(report.interrupted[id]).toContain('charge')
        }
        // No task was charged twice: not by recovery, not after a person approved the repeat.
        expect([...ledger.charges].filter(([, count]) => count > 1)).toEqual([])

        // Every waiting task resumed after sendInput and ended; only a charge a person declined to
        // repeat (because the service had it) fails, with approval_denied.
        expect(Object.keys(report.final).length).toBeGreaterThanOrEqual(accepted.length)
        for (const [id, task] of Object.entries(report.final)) {
          if (task.status === 'failed') {
            expect(task.error, id).toBe('approval_denied')
            expect(ledger.charges.get(id)).toBe(1)
          } else expect(task.status, id).toBe('complete')
        }
      } finally {
        await temp.remove()
      }
    },
    120_000,
  )
})
