/** What a runner prints for one library, as one JSON line prefixed by {@link RESULT_PREFIX}. */
export interface LibraryMeasurement {
  library: string
  warmupTasks: number
  tasksPerRun: number
  runs: RunMeasurement[]
}

export type Mode = 'sequential' | 'concurrent'

export interface RunMeasurement {
  mode: Mode
  concurrency: number
  tasks: number
  wallMs: number
  tasksPerSecond: number
  meanLatencyUs: number
  p99LatencyUs: number
  /** Wall-clock time of one task: wall time divided by tasks. */
  perTaskUs: number
  /**
   * CPU time of one task: the process's user and system CPU time (all threads, GC included)
   * divided by tasks. Unlike wall time it barely moves when other processes share the cores.
   */
  cpuPerTaskUs: number
  /** `heapUsed` after forced GC minus before, scaled to 10,000 tasks. */
  heapGrowthBytesPer10k: number
  toolCalls: number
}

export const RESULT_PREFIX = 'BENCH_RESULT '
