import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Runtime, StoredTask } from '@inboard/core'
import { sqliteStorage } from '@inboard/sqlite'
import { benchRuntime } from './workload.js'

const dir = mkdtempSync(join(tmpdir(), 'inboard-bench-durable-'))
let files = 0

/** A fresh SQLite file for one measurement. */
export function durableFile(): string {
  return join(dir, `bench-${++files}.db`)
}

/** Removes the files the durable rows wrote. */
export function removeDurableFiles(): void {
  rmSync(dir, { recursive: true, force: true })
}

/** The benchmark runtime on a new SQLite file. */
export function durableRuntime(concurrency: number): Runtime {
  return benchRuntime({ concurrency, storage: sqliteStorage({ path: durableFile() }) })
}

function storedTask(i: number, status: StoredTask['status'], now: number): StoredTask {
  const finished = status === 'complete'
  return {
    id: `task_bench${String(i).padStart(16, '0')}`,
    status,
    prompt: 'noop',
    subAgent: null,
    tool: finished ? 'noop' : null,
    userId: `user_${i % 1000}`,
    account: null,
    mode: 'live',
    priority: 5,
    metadata: {},
    timeoutMs: 300_000,
    createdAt: now - 3_600_000 + i,
    startedAt: status === 'pending' ? null : now - 3_600_000 + i,
    endedAt: finished ? now - 3_500_000 + i : null,
    usedMs: finished ? 1 : 0,
    result: finished ? 'done' : undefined,
    error: null,
    waiting:
      status === 'waiting'
        ? { reason: 'input_required', service: null, auth_url: null, message: 'Which one?', fields: [] }
        : null,
    steps: finished
      ? [
          {
            tool: 'scripted',
            action: 'plan',
            status: 'complete',
            startedAt: now,
            durationMs: 0,
            note: 'call noop.run',
          },
          { tool: 'noop', action: 'run', status: 'complete', startedAt: now, durationMs: 0, note: null },
          { tool: 'scripted', action: 'plan', status: 'complete', startedAt: now, durationMs: 0, note: 'finish' },
        ]
      : [],
    progress:
      status === 'waiting'
        ? {
            history: [],
            messages: [],
            values: {},
            decisions: 1,
            held: null,
            approved: null,
            waitStartedAt: now,
            inFlight: null,
          }
        : null,
    memory: true,
    version: 1,
    // Open tasks of a process that died an hour ago: their leases ran out long since.
    owner: status === 'pending' ? 'rt_gone' : null,
    leaseExpiresAt: status === 'pending' ? now - 3_000_000 : null,
  }
}

/**
 * Writes `finished` complete tasks (with their three-step traces) and `open` ones (half pending
 * under a dead process's expired lease, half waiting for input) into a new file, then measures
 * how long a new runtime takes from `createRuntime` until `ready()` resolves: open, migrate, load
 * subagents and memory, and claim every expired lease.
 */
export async function restartTime(finished: number, open: number): Promise<number> {
  const path = durableFile()
  const seed = sqliteStorage({ path })
  await seed.open()
  const now = Date.now()
  const writes: Promise<void>[] = []
  for (let i = 0; i < finished + open; i++) {
    const status = i < finished ? 'complete' : i % 2 === 0 ? 'pending' : 'waiting'
    writes.push(seed.tasks.insert(storedTask(i, status, now)))
    // One transaction per 5,000 rows: writes issued in one tick share a commit.
    if (writes.length === 5_000) await Promise.all(writes.splice(0))
  }
  await Promise.all(writes)
  await seed.close()

  const started = process.hrtime.bigint()
  const runtime = benchRuntime({
    storage: sqliteStorage({ path }),
    retention: { maxTasks: finished * 2 },
    concurrency: 100,
  })
  await runtime.ready()
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  // The claimed tasks run: the first open one completes, and none is left pending.
  const first = await runtime.tasks.wait(storedTask(finished, 'pending', now).id)
  if (first.status !== 'complete') throw new Error(`a recovered task ended ${first.status}`)
  const waiting = (await runtime.tasks.list({ status: 'waiting', limit: 100 })).data.length
  await runtime.close({ deadlineMs: 5_000 })
  if (waiting === 0) throw new Error('the waiting tasks did not survive the restart')
  return ms
}
