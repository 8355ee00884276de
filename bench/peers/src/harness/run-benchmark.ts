import { performance } from 'node:perf_hooks'
import { setImmediate as tick } from 'node:timers/promises'
import { ToolCallCounter, check } from './bench-task.js'
import { RESULT_PREFIX } from './measurement.js'
import type { LibraryMeasurement, Mode, RunMeasurement } from './measurement.js'

/** One library wired to the shared task. */
export interface BenchSubject {
  /** Runs one complete task; throws when it did not call the tool or did not return the final text. */
  runTask: () => Promise<void>
  close?: () => Promise<void>
}

export interface BenchOptions {
  library: string
  /** Builds the agent, runtime or graph once per process; `tools` counts real tool executions. */
  setup: (tools: ToolCallCounter) => BenchSubject | Promise<BenchSubject>
}

interface Settings {
  runs: number
  concurrency: number
  warmupMs: number
  targetRunMs: number
  minTasks: number
  maxTasks: number
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got "${raw}"`)
  return value
}

function readSettings(): Settings {
  return {
    runs: intFromEnv('BENCH_RUNS', 3),
    concurrency: intFromEnv('BENCH_CONCURRENCY', 10),
    warmupMs: intFromEnv('BENCH_WARMUP_MS', 1500),
    targetRunMs: intFromEnv('BENCH_TARGET_RUN_MS', 2500),
    minTasks: intFromEnv('BENCH_MIN_TASKS', 2000),
    maxTasks: intFromEnv('BENCH_MAX_TASKS', 50_000),
  }
}

function collectGarbage(): void {
  const gc = globalThis.gc
  if (typeof gc !== 'function') throw new Error('Run the benchmark with node --expose-gc')
  // The second pass collects what the first one's finalizers and weak callbacks released.
  gc()
  gc()
}

async function settledHeapUsed(): Promise<number> {
  // Let callbacks the libraries deferred (timers at 0 ms, immediates) run before measuring.
  await tick()
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** Runs `count` tasks with at most `concurrency` in flight, recording each task's latency in ms. */
async function drive(
  runTask: () => Promise<void>,
  count: number,
  concurrency: number,
  latencies?: Float64Array,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++
      const start = performance.now()
      await runTask()
      if (latencies) latencies[index] = performance.now() - start
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

function percentile(sorted: Float64Array, p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

async function measureRun(
  subject: BenchSubject,
  tools: ToolCallCounter,
  mode: Mode,
  tasks: number,
  concurrency: number,
): Promise<RunMeasurement> {
  const latencies = new Float64Array(tasks)
  const callsBefore = tools.count
  const heapBefore = await settledHeapUsed()
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  await drive(subject.runTask, tasks, concurrency, latencies)
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  const heapAfter = await settledHeapUsed()
  const toolCalls = tools.count - callsBefore
  check(toolCalls === tasks, `${mode} run: the tool ran ${toolCalls} times for ${tasks} tasks`)

  let sum = 0
  for (const value of latencies) sum += value
  const sorted = latencies.slice().sort()
  return {
    mode,
    concurrency,
    tasks,
    wallMs,
    tasksPerSecond: (tasks / wallMs) * 1000,
    meanLatencyUs: (sum / tasks) * 1000,
    p99LatencyUs: percentile(sorted, 0.99) * 1000,
    perTaskUs: (wallMs / tasks) * 1000,
    cpuPerTaskUs: (cpu.user + cpu.system) / tasks,
    heapGrowthBytesPer10k: ((heapAfter - heapBefore) / tasks) * 10_000,
    toolCalls,
  }
}

/**
 * Warms the library up on both paths (sequential and concurrent) for a fixed time, sizes each
 * measured run from the warm-up's pace so slow and fast libraries get comparable run lengths, then
 * alternates sequential and concurrent runs so drift in the machine hits both modes alike.
 */
async function warmUp(subject: BenchSubject, settings: Settings): Promise<{ tasks: number; perTaskUs: number }> {
  let tasks = 0
  const deadline = performance.now() + settings.warmupMs
  const batch = 50
  let paceStart = 0
  let paceTasks = 0
  while (performance.now() < deadline || tasks < 6 * batch) {
    const concurrency = (tasks / batch) % 2 === 0 ? 1 : settings.concurrency
    // Only the second half of the warm-up, once the JIT has settled, sets the pace.
    if (paceStart === 0 && performance.now() > deadline - settings.warmupMs / 2) paceStart = performance.now()
    await drive(subject.runTask, batch, concurrency)
    tasks += batch
    if (paceStart !== 0) paceTasks += batch
  }
  const elapsed = performance.now() - paceStart
  return { tasks, perTaskUs: paceTasks > 0 ? (elapsed / paceTasks) * 1000 : Number.POSITIVE_INFINITY }
}

function tasksPerRun(perTaskUs: number, settings: Settings): number {
  const fitting = (settings.targetRunMs * 1000) / perTaskUs
  const rounded = Math.round(fitting / 1000) * 1000
  return Math.min(settings.maxTasks, Math.max(settings.minTasks, rounded))
}

/** Entry point of every runner: measures one library and prints its result line. */
export async function runBenchmark(options: BenchOptions): Promise<void> {
  const settings = readSettings()
  const tools = new ToolCallCounter()
  const subject = await options.setup(tools)
  try {
    const warm = await warmUp(subject, settings)
    const tasks = tasksPerRun(warm.perTaskUs, settings)
    const runs: RunMeasurement[] = []
    for (let round = 0; round < settings.runs; round++) {
      runs.push(await measureRun(subject, tools, 'sequential', tasks, 1))
      runs.push(await measureRun(subject, tools, 'concurrent', tasks, settings.concurrency))
    }
    const result: LibraryMeasurement = { library: options.library, warmupTasks: warm.tasks, tasksPerRun: tasks, runs }
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
  } finally {
    await subject.close?.()
  }
}
