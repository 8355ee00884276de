import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { spawnRunner } from './driver/spawn-runner.js'
import { INBOARD, INBOARD_MODEL, PEERS } from './libraries.js'
import type { Library } from './libraries.js'
import { describeMachine, installedVersions } from './report/environment.js'
import { judge, peersLine } from './report/peers-line.js'
import { renderResultsFile } from './report/results-file.js'
import { summarise } from './report/summary.js'
import type { LibrarySummary } from './report/summary.js'
import { renderTable } from './report/table.js'

const RESULTS_FILE = new URL('../RESULTS.md', import.meta.url)

const date = new Date()
const loadAtStart = os.loadavg()[0] ?? Number.NaN
const summaries: LibrarySummary[] = []
const warmupTasks = new Map<Library, number>()
const failures: Array<{ library: Library; reason: string }> = []

// BENCH_ONLY=inboard,ai measures a subset while working on one runner.
const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim())
const libraries = [INBOARD, INBOARD_MODEL, ...PEERS].filter(
  (library) => only === undefined || only.includes(library.id),
)

// One library at a time: on two cores, overlapping processes would measure each other.
for (const library of libraries) {
  process.stderr.write(`measuring ${library.label}…\n`)
  const started = Date.now()
  const outcome = await spawnRunner(library)
  if (outcome.ok) {
    summaries.push(summarise(library, installedVersions(library), outcome.measurement))
    warmupTasks.set(library, outcome.measurement.warmupTasks)
    process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  } else {
    failures.push({ library, reason: outcome.reason })
    process.stderr.write(`  ${library.label} failed: ${outcome.reason}\n`)
  }
}

const inboard = summaries.find((summary) => summary.library === INBOARD)
const inboardModel = summaries.find((summary) => summary.library === INBOARD_MODEL)
const peers = summaries.filter((summary) => summary.library !== INBOARD && summary.library !== INBOARD_MODEL)
const table = renderTable(summaries, inboard)
const verdict = inboard === undefined ? undefined : judge(inboard, inboardModel, peers)
const line = verdict === undefined ? undefined : peersLine(verdict)

const machine = describeMachine(loadAtStart)
console.log(table)
for (const { library, reason } of failures) console.log(`\n${library.label} left out: ${reason}`)
console.log(
  `\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.load[0].toFixed(2)} → ${machine.load[1].toFixed(2)}`,
)
writeFileSync(
  RESULTS_FILE,
  renderResultsFile({ date, machine, summaries, warmupTasks, failures, table, peersLine: line }),
)
console.log(`\nWrote ${decodeURIComponent(RESULTS_FILE.pathname)}`)

const required = failures.filter(({ library }) => library.optional !== true)
if (line === undefined || required.length > 0) {
  console.error('The benchmark is incomplete: Inboard or a required peer did not finish.')
  process.exitCode = 1
} else {
  console.log(line)
}
