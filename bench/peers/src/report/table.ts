import type { Mode } from '../harness/measurement.js'
import type { LibrarySummary } from './summary.js'

const MODES: readonly Mode[] = ['sequential', 'concurrent']

function number(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function micros(us: number): string {
  return us >= 1000 ? `${number(us / 1000, 2)} ms` : `${number(us, 1)} µs`
}

function bytes(value: number): string {
  const sign = value < 0 ? '−' : ''
  const size = Math.abs(value)
  if (size >= 1024 * 1024) return `${sign}${number(size / (1024 * 1024), 1)} MB`
  return `${sign}${number(size / 1024, 0)} KB`
}

type Cost = 'cpuPerTaskUs' | 'perTaskUs'

/** Ratio of a library's per-task cost (CPU or wall time) to Inboard's in the same mode. */
function costRatio(summary: LibrarySummary, inboard: LibrarySummary | undefined, mode: Mode, cost: Cost): string {
  if (inboard === undefined || summary === inboard) return '—'
  return `${number(summary.modes[mode][cost] / inboard.modes[mode][cost], 1)}×`
}

/** One Markdown table: a row per library and mode, medians of the measured runs. */
export function renderTable(summaries: readonly LibrarySummary[], inboard: LibrarySummary | undefined): string {
  const header = [
    'Library',
    'API',
    'Mode',
    'Tasks/run',
    'Tasks/s (min–max)',
    'CPU / task',
    'Wall / task',
    'Mean latency',
    'p99 latency',
    'Heap growth / 10k tasks',
    'CPU × Inboard',
    'Wall × Inboard',
  ]
  const rows = summaries.flatMap((summary) =>
    MODES.map((mode) => {
      const m = summary.modes[mode]
      return [
        summary.library.label,
        `\`${summary.library.api}\``,
        mode === 'sequential' ? 'sequential' : `concurrency ${m.concurrency}`,
        number(m.tasksPerRun),
        `${number(m.tasksPerSecond)} (${number(m.tasksPerSecondRange[0])}–${number(m.tasksPerSecondRange[1])})`,
        micros(m.cpuPerTaskUs),
        micros(m.perTaskUs),
        micros(m.meanLatencyUs),
        micros(m.p99LatencyUs),
        bytes(m.heapGrowthBytesPer10k),
        costRatio(summary, inboard, mode, 'cpuPerTaskUs'),
        costRatio(summary, inboard, mode, 'perTaskUs'),
      ]
    }),
  )
  const align = header.map((_, i) => (i < 3 ? ':--' : '--:'))
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
