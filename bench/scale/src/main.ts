// pnpm bench:scale — the one-tool task through Inboard on 1, 2 and 4 worker processes sharing one
// Postgres schema and one BullMQ queue, against plain BullMQ jobs doing the same no-op on the same
// Redis, measured in the same run. This process creates the tasks (or jobs) and waits for each.
import { availableParallelism, loadavg } from 'node:os'
import { bullmqQueue } from '@inboard/bullmq'
import { createRuntime } from '@inboard/core'
import { postgresStorage } from '@inboard/postgres'
import { Queue, QueueEvents } from 'bullmq'
import { measure, type Measurement } from './measure.js'
import { checkServers, cleanUp, POSTGRES_URL, REDIS_URL, redisConnection, uniqueName } from './servers.js'
import { startWorkers, type WorkerProcesses } from './worker-processes.js'
import { CONCURRENCY, noopTool, twoDecisions } from './workload.js'

const COUNT = Number(process.env['SCALE_TASKS'] ?? 10_000)
// Fresh worker processes compile their hot code as tasks arrive, and each of N processes sees 1/N
// of them: on 2 processes the first 2 s ran at 55-65% of the rate that followed. Both sides warm up
// on this many before the measured run, so that it measures throughput rather than start-up.
const WARMUP = Number(process.env['SCALE_WARMUP'] ?? 3_000)
const ROUNDS = Number(process.env['SCALE_ROUNDS'] ?? 3)
// A throughput measurement keeps every configuration busier than its slots: 2 tasks (or jobs)
// outstanding per worker slot, so jobs always wait in the queue, on 1 process as on 4. With a fixed
// number instead (SCALE_IN_FLIGHT), a fleet with a slot for each outstanding task has an empty queue
// and measures how fast one task goes round, not how many the fleet can run.
const FIXED_IN_FLIGHT = process.env['SCALE_IN_FLIGHT'] === undefined ? null : Number(process.env['SCALE_IN_FLIGHT'])
const PER_SLOT = 2
const outstanding = (processes: number): number => FIXED_IN_FLIGHT ?? PER_SLOT * CONCURRENCY * processes

async function plainBullmq(processes: number): Promise<Measurement> {
  const names = { prefix: uniqueName('bench_bullmq') }
  const queueName = 'noop'
  const connection = redisConnection()
  const queue = new Queue<{ x: string }>(queueName, { connection, prefix: names.prefix })
  const events = new QueueEvents(queueName, { connection, prefix: names.prefix })
  const inFlight = outstanding(processes)
  // Every outstanding waitUntilFinished listens on the one QueueEvents.
  events.setMaxListeners(inFlight * 2 + 10)
  queue.setMaxListeners(inFlight * 2 + 10)
  let workers: WorkerProcesses | undefined
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()])
    workers = await startWorkers('./bullmq-worker.ts', processes, {
      SCALE_QUEUE: queueName,
      SCALE_PREFIX: names.prefix,
    })
    const job = async (): Promise<void> => {
      const added = await queue.add('noop', { x: 'hi' })
      const output = (await added.waitUntilFinished(events, 60_000)) as { x?: string } | undefined
      if (output?.x !== 'hi') throw new Error(`job ${added.id} returned ${JSON.stringify(output)}`)
    }
    await measure(WARMUP, inFlight, job)
    return await measure(COUNT, inFlight, job)
  } finally {
    await workers?.stop()
    await Promise.all([queue.close(), events.close()])
    await cleanUp(names)
  }
}

async function inboard(processes: number, { autoPipelining = false } = {}): Promise<Measurement> {
  const names = { schema: uniqueName('bench_scale'), prefix: uniqueName('bench_scale') }
  const runtime = createRuntime({
    tools: [noopTool],
    planner: twoDecisions,
    // The runtime's cap holds across the fleet: as many slots in all as plain BullMQ's workers have.
    concurrency: CONCURRENCY * processes,
    storage: postgresStorage({ connectionString: POSTGRES_URL, schema: names.schema }),
    queue: bullmqQueue({ connection: redisConnection(), prefix: names.prefix }),
    // This process only creates tasks and waits for them; the worker processes run them.
    work: false,
  })
  let workers: WorkerProcesses | undefined
  try {
    // Migrates the fresh schema before the workers open it.
    await runtime.ready()
    workers = await startWorkers('./inboard-worker.ts', processes, {
      SCALE_SCHEMA: names.schema,
      SCALE_PREFIX: names.prefix,
      SCALE_FLEET_CONCURRENCY: String(CONCURRENCY * processes),
      SCALE_AUTO_PIPELINING: String(autoPipelining),
    })
    const job = async (): Promise<void> => {
      const task = await runtime.tasks.create({ prompt: 'noop' })
      const done = await runtime.tasks.wait(task.id)
      if (done.status !== 'complete' || done.result !== 'done')
        throw new Error(`task ${task.id} ended ${done.status}: ${JSON.stringify(done.error ?? done.result)}`)
    }
    await measure(WARMUP, outstanding(processes), job)
    return await measure(COUNT, outstanding(processes), job)
  } finally {
    await workers?.stop()
    await runtime.close({ deadlineMs: 2_000 })
    await cleanUp(names)
  }
}

const row = (label: string, result: Measurement, { unit, baseline }: { unit: string; baseline?: number }): string =>
  `${label.padEnd(34)} ${Math.round(result.perSecond).toString().padStart(6)} ${unit}/s` +
  `${baseline === undefined ? '' : `  ${(result.perSecond / baseline).toFixed(2)}× plain BullMQ`.padEnd(22)}` +
  `${baseline === undefined ? ''.padEnd(22) : ''}  p50 ${result.p50Ms.toFixed(1).padStart(6)} ms  p99 ${result.p99Ms.toFixed(1).padStart(6)} ms`

await checkServers()
console.log(
  `Inboard scale-out benchmark — Node ${process.version}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}`,
)
console.log(
  `Postgres ${POSTGRES_URL}, Redis ${REDIS_URL}; ${COUNT} one-tool tasks (or no-op jobs) per measurement after ${WARMUP} warm-up,`,
)
console.log(
  `${FIXED_IN_FLIGHT === null ? `${PER_SLOT} per worker slot (${PER_SLOT * CONCURRENCY} per worker process)` : FIXED_IN_FLIGHT} outstanding at a time from this process (create, then wait for completion); ${CONCURRENCY} slots per worker process (Inboard: a fleet-wide cap of ${CONCURRENCY} × processes)\n`,
)

// Every configuration is measured once per round, in the same order each round, and reported by its
// median round: one run of one configuration moves by 10-15% here.
const configurations = {
  bullmq1: { label: 'plain BullMQ, 1 worker process', unit: 'jobs', run: () => plainBullmq(1) },
  bullmq2: { label: 'plain BullMQ, 2 worker processes', unit: 'jobs', run: () => plainBullmq(2) },
  p1: { label: 'inboard, 1 worker process', unit: 'tasks', run: () => inboard(1) },
  p2: { label: 'inboard, 2 worker processes', unit: 'tasks', run: () => inboard(2) },
  p4: { label: 'inboard, 4 worker processes', unit: 'tasks', run: () => inboard(4) },
  // The opt-in worker pipelining: not in the targets or the SCALE line, which measure the defaults.
  pipelined: {
    label: 'inboard, 2 processes, pipelined',
    unit: 'tasks',
    run: () => inboard(2, { autoPipelining: true }),
  },
}
type Name = keyof typeof configurations
const rounds: Record<Name, Measurement[]> = { bullmq1: [], bullmq2: [], p1: [], p2: [], p4: [], pipelined: [] }
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, configuration] of Object.entries(configurations) as [Name, (typeof configurations)[Name]][]) {
    const result = await configuration.run()
    rounds[name].push(result)
    console.error(
      `round ${round}/${ROUNDS}: ${configuration.label} ${Math.round(result.perSecond)} ${configuration.unit}/s`,
    )
  }
}
const median = (name: Name): Measurement => {
  const sorted = [...rounds[name]].sort((a, b) => a.perSecond - b.perSecond)
  return sorted[Math.floor(sorted.length / 2)]!
}
const [bullmq2, p1, p2, p4] = (['bullmq2', 'p1', 'p2', 'p4'] as const).map(median) as [
  Measurement,
  Measurement,
  Measurement,
  Measurement,
]
const baseline = bullmq2.perSecond
console.log(`\nmedian of ${ROUNDS} rounds:`)
for (const [name, { label, unit }] of Object.entries(configurations) as [Name, (typeof configurations)[Name]][]) {
  console.log(row(label, median(name), { unit, ...(unit === 'tasks' ? { baseline } : {}) }))
}

const ratio = p2.perSecond / baseline
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED')
console.log(
  `\ntargets: 2 processes ≥ 0.4× plain BullMQ (2 processes): ${ratio.toFixed(2)}× — ${verdict(ratio >= 0.4)}; 2 processes not slower than 1: ${(p2.perSecond / p1.perSecond).toFixed(2)}× — ${verdict(p2.perSecond >= p1.perSecond)}`,
)
console.log(
  `\nSCALE p1_tasks_per_s=${Math.round(p1.perSecond)} p2_tasks_per_s=${Math.round(p2.perSecond)} p4_tasks_per_s=${Math.round(p4.perSecond)} bullmq_jobs_per_s=${Math.round(baseline)} ratio=${ratio.toFixed(2)} p99_ms=${Math.round(p2.p99Ms)}`,
)
process.exit(0)
