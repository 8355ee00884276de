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

/** Ratio of a library's per-task cost to Inboard's in the same mode. */
export function costRatio(summary: LibrarySummary, inboard: LibrarySummary | undefined, mode: Mode): number | undefined {
  if (inboard === undefined) return undefined
  return summary.modes[mode].perTaskUs / inboard.modes[mode].perTaskUs
}

/** One Markdown table: a row per library and mode, medians of the measured runs. */
export function renderTable(summaries: readonly LibrarySummary[], inboard: LibrarySummary | undefined): string {
  const header = [
    'Library',
    'API',
    'Mode',
    'Tasks/run',
    'Tasks/s (min–max)',
    'Per-task cost',
    'Mean latency',
    'p99 latency',
    'Heap growth / 10k tasks',
    'Cost × Inboard',
  ]
  const rows = summaries.flatMap((summary) =>
    MODES.map((mode) => {
      const m = summary.modes[mode]
      const ratio = summary === inboard ? undefined : costRatio(summary, inboard, mode)
      return [
        summary.library.label,
        `\`${summary.library.api}\``,
        mode === 'sequential' ? 'sequential' : `concurrency ${m.concurrency}`,
        number(m.tasksPerRun),
        `${number(m.tasksPerSecond)} (${number(m.tasksPerSecondRange[0])}–${number(m.tasksPerSecondRange[1])})`,
        micros(m.perTaskUs),
        micros(m.meanLatencyUs),
        micros(m.p99LatencyUs),
        bytes(m.heapGrowthBytesPer10k),
        ratio === undefined ? '—' : `${number(ratio, 1)}×`,
      ]
    }),
  )
  const align = header.map((_, i) => (i < 3 ? ':--' : '--:'))
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
