import type { Planner, RuntimeOptions } from '@inboard/core'
import { runBaseline } from './baseline.js'
import { durableRuntime, removeDurableFiles, restartTime } from './durable.js'
import { benchRuntime, runTasks } from './workload.js'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc (pnpm bench:runtime does)')

const heap = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Runs `fn` once to warm up, then 3 times; reports the median pass (one pass moves by 10-15%). */
async function timed(label: string, fn: () => Promise<void>, count: number): Promise<number> {
  await fn() // warm-up pass of the same size
  const passes: number[] = []
  for (let pass = 0; pass < 3; pass++) {
    const started = process.hrtime.bigint()
    await fn()
    passes.push(Number(process.hrtime.bigint() - started) / 1e9)
  }
  const seconds = passes.sort((a, b) => a - b)[1]!
  const perSecond = count / seconds
  console.log(
    `${label.padEnd(34)} ${Math.round(perSecond).toString().padStart(8)} tasks/s  ${((seconds / count) * 1e6).toFixed(1).padStart(7)} µs/task`,
  )
  return perSecond
}

const COUNT = 20_000

console.log(`Inboard runtime benchmark — Node ${process.version}, ${COUNT} one-tool tasks per measurement\n`)
// Each pass runs on a new runtime and closes it, as the durable rows below do.
const inMemory = (inFlight: number, options: RuntimeOptions) => async (): Promise<void> => {
  const runtime = benchRuntime(options)
  await runTasks(runtime, COUNT, inFlight)
  await runtime.close()
}
const seq = await timed('inboard, sequential', inMemory(1, {}), COUNT)
const c10 = await timed('inboard, concurrency 10', inMemory(10, { concurrency: 10 }), COUNT)
const c100 = await timed('inboard, concurrency 100', inMemory(100, { concurrency: 100 }), COUNT)
const baseSeq = await timed('baseline p-queue job, sequential', () => runBaseline(COUNT, 1), COUNT)
await timed('baseline p-queue job, concurrency 10', () => runBaseline(COUNT, 10), COUNT)

// Durable: the same task on sqliteStorage (a new file per measurement), beside the in-memory rows above.
const DURABLE_COUNT = 5_000
console.log(`\nsqliteStorage (WAL, group commit), ${DURABLE_COUNT} tasks per measurement`)
const onSqlite = (inFlight: number) => async (): Promise<void> => {
  const runtime = durableRuntime(inFlight)
  await runTasks(runtime, DURABLE_COUNT, inFlight)
  await runtime.close()
}
const durableSeq = await timed('inboard on SQLite, sequential', onSqlite(1), DURABLE_COUNT)
await timed('inboard on SQLite, concurrency 10', onSqlite(10), DURABLE_COUNT)
const durableC100 = await timed('inboard on SQLite, concurrency 100', onSqlite(100), DURABLE_COUNT)
const durableRatio = durableC100 / c100
const restartMs = await restartTime(100_000, 1_000)
removeDurableFiles()
console.log(`durable ÷ in-memory at concurrency 100  ${durableRatio.toFixed(2)}`)
console.log(`restart with 100,000 finished + 1,000 open tasks in the file: ready() after ${Math.round(restartMs)} ms`)

// Memory: 100,000 tasks queued behind one that never finishes.
const PENDING = 100_000
const blocked: Planner = { name: 'blocked', plan: () => new Promise(() => undefined) }
const queued = benchRuntime({ concurrency: 1, planner: blocked })
await queued.tasks.create({ prompt: 'holds the only slot' })
const beforePending = heap()
for (let i = 0; i < PENDING; i++)
  await queued.tasks.create({ prompt: `pull contacts for user ${i % 1000}`, user_id: `user_${i % 1000}` })
const pendingBytes = (heap() - beforePending) / PENDING
if ((await queued.tasks.list({ status: 'pending', limit: 1 })).data.length !== 1) throw new Error('tasks did not queue')

// Memory: finished tasks kept with their traces.
const RETAINED = 20_000
const finished = benchRuntime({ retention: { maxTasks: 100_000 } })
await runTasks(finished, 1_000, 1)
const beforeRetained = heap()
await runTasks(finished, RETAINED, 10)
const retainedBytes = (heap() - beforeRetained) / RETAINED
if ((await finished.tasks.trace((await finished.tasks.list({ limit: 1 })).data[0]!.id)).steps.length !== 3)
  throw new Error('trace missing')

console.log(`\nheap per pending task (100,000 queued)   ${Math.round(pendingBytes)} bytes`)
console.log(`heap per retained finished task + trace  ${Math.round(retainedBytes)} bytes`)
const ratio = baseSeq / seq
console.log(`inboard sequential cost vs baseline      ${ratio.toFixed(2)}× the plain p-queue job`)
console.log(
  `\nRUNTIME seq_tasks_per_s=${Math.round(seq)} c10_tasks_per_s=${Math.round(c10)} c100_tasks_per_s=${Math.round(c100)} pending_bytes=${Math.round(pendingBytes)} retained_bytes=${Math.round(retainedBytes)} baseline_ratio=${ratio.toFixed(2)} durable_seq_tasks_per_s=${Math.round(durableSeq)} durable_c100_tasks_per_s=${Math.round(durableC100)} durable_ratio=${durableRatio.toFixed(2)} restart_ms=${Math.round(restartMs)}`,
)
process.exit(0)
