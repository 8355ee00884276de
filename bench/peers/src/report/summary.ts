import type { LibraryMeasurement, Mode, RunMeasurement } from '../harness/measurement.js'
import type { Library } from '../libraries.js'

/** Medians over a library's measured runs in one mode. */
export interface ModeSummary {
  mode: Mode
  concurrency: number
  runs: number
  tasksPerRun: number
  tasksPerSecond: number
  /** Slowest and fastest run, to show how much the three runs agreed. */
  tasksPerSecondRange: [number, number]
  meanLatencyUs: number
  p99LatencyUs: number
  perTaskUs: number
  cpuPerTaskUs: number
  heapGrowthBytesPer10k: number
}

export interface LibrarySummary {
  library: Library
  versions: Record<string, string>
  modes: Record<Mode, ModeSummary>
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? Number.NaN
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2
}

function summariseMode(runs: readonly RunMeasurement[], mode: Mode): ModeSummary {
  const ofMode = runs.filter((run) => run.mode === mode)
  const first = ofMode[0]
  if (first === undefined) throw new Error(`No ${mode} runs were measured`)
  const pick = (
    field: keyof RunMeasurement &
      ('tasksPerSecond' | 'meanLatencyUs' | 'p99LatencyUs' | 'perTaskUs' | 'cpuPerTaskUs' | 'heapGrowthBytesPer10k'),
  ) => median(ofMode.map((run) => run[field]))
  const throughputs = ofMode.map((run) => run.tasksPerSecond)
  return {
    mode,
    concurrency: first.concurrency,
    runs: ofMode.length,
    tasksPerRun: first.tasks,
    tasksPerSecond: pick('tasksPerSecond'),
    tasksPerSecondRange: [Math.min(...throughputs), Math.max(...throughputs)],
    meanLatencyUs: pick('meanLatencyUs'),
    p99LatencyUs: pick('p99LatencyUs'),
    perTaskUs: pick('perTaskUs'),
    cpuPerTaskUs: pick('cpuPerTaskUs'),
    heapGrowthBytesPer10k: pick('heapGrowthBytesPer10k'),
  }
}

export function summarise(
  library: Library,
  versions: Record<string, string>,
  measurement: LibraryMeasurement,
): LibrarySummary {
  return {
    library,
    versions,
    modes: {
      sequential: summariseMode(measurement.runs, 'sequential'),
      concurrent: summariseMode(measurement.runs, 'concurrent'),
    },
  }
}
