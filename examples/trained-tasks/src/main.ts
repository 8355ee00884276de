import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStorage } from '@inboard/sqlite'
import { CRM_LIMITS, runProgression, type RunStats } from './progression.js'

const SCALE = 10
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
/** Trace notes, shortened to a tag each for the per-run line. */
const TAGS: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/learned that \w+ needs scopes (\S+)/, (m) => `learned scopes ${m[1]}`],
  [/requested learned scopes (\S+)/, (m) => `asked ${m[1]} up front`],
  [/^(\w+) (\d+) refused/, (m) => `${m[1]} ${m[2]} refused`],
  [/^learned plan/, () => 'learned plan'],
  [/^revised plan/, () => 'revised plan'],
  [/^replayed plan for '[^']+'$|^replayed plan for '[^']+' \(step 1/, () => 'replayed plan'],
  [/^probing (\w+) (\d+)/, (m) => `probing ${m[1]} ${m[2]}`],
  [/^used learned (\w+) (\d+)/, (m) => `${m[1]} ${m[2]}`],
  [/^learned rate limit (\S+)/, (m) => `learned limit ${m[1]}`],
  [
    /^paced to learned limit (\S+)(?: \(waited (\d+) ms\))?/,
    (m) => `paced ${m[1]}${m[2] ? ` (waited ${m[2]} ms)` : ''}`,
  ],
  [
    /^retry policy from learned (\w+) recoveries: first retry after ≤(\d+) ms/,
    (m) => `retry policy (1st retry ≤${m[2]} ms)`,
  ],
  [/^mapped renamed field (\S+) → (\S+) and learned it/, (m) => `learned rename ${m[1]}→${m[2]}`],
  [/^mapped renamed field (\S+)/, (m) => `mapped ${m[1]}`],
  [/undone upstream/, () => 'rename undone'],
]
const tags = (notes: readonly string[]): string[] => {
  const out: string[] = []
  for (const note of notes) {
    for (const [pattern, tag] of TAGS) {
      const match = pattern.exec(note)
      if (!match) continue
      const text = tag(match)
      if (!out.includes(text)) out.push(text)
      break
    }
  }
  return out
}

console.log('Trained tasks: 50 runs of "pull all deals in stage … with their contacts" against a demo CRM')
console.log(
  `CRM: OAuth scopes, ${CRM_LIMITS.requests} requests per ${CRM_LIMITS.windowMs / 1000} s (429 + Retry-After), page_size ≤ ${CRM_LIMITS.maxPageSize}, ` +
    `${CRM_LIMITS.latencyMs} ms per request, ${CRM_LIMITS.dealsPerStage} deals per stage, fields renamed from run 20, 502 incidents at runs 8, 25, 40.`,
)
console.log(
  'The CRM sends X-RateLimit-* on every response, so the limit can be learned before a 429. Tasks and memory are kept in one SQLite file (sqliteStorage) and survive a restart at the end.',
)
console.log(
  `The planner is a SIMULATED MODEL (scripted decisions, 1.5 s simulated latency each). Time runs ${SCALE}× faster than real: all times below are simulated.\n`,
)
console.log('run  user    status    latency   upstream  429s  retries  consents  model  memory learned / used')

// Tasks and memory live in one SQLite file, so they survive the restart at the end.
const dir = mkdtempSync(join(tmpdir(), 'inboard-trained-tasks-'))
const sqlite = (): ReturnType<typeof sqliteStorage> => sqliteStorage({ path: join(dir, 'inboard.db') })
// Credentials are in the file too, encrypted: the restart uses the same key to read them.
const encryptionKey = randomBytes(32)

const { stats, entries } = await runProgression({
  scale: SCALE,
  storage: sqlite(),
  encryptionKey,
  onRun(run) {
    const memory = tags(run.memory).join(' · ')
    console.log(
      `${String(run.run).padStart(3)}  ${run.user}  ${run.status.padEnd(8)}  ${seconds(run.latencyMs).padStart(7)}  ${String(run.upstream).padStart(8)}  ${String(run.rateLimited).padStart(4)}  ${String(run.retries).padStart(7)}  ${String(run.consents).padStart(8)}  ${String(run.modelDecisions).padStart(5)}  ${memory}`,
    )
  },
})

const at = (run: number): RunStats => stats[run - 1]!
const first = at(1)
console.log('\nrun  latency   vs run 1  upstream  429s  retries  consents  model decisions')
for (const run of [1, 5, 20, 50].map(at)) {
  const faster = 1 - run.latencyMs / first.latencyMs
  console.log(
    `${String(run.run).padStart(3)}  ${seconds(run.latencyMs).padStart(7)}  ${run === first ? '       —' : `${(faster * 100).toFixed(0).padStart(5)}% ⇣`}  ${String(run.upstream).padStart(8)}  ${String(run.rateLimited).padStart(4)}  ${String(run.retries).padStart(7)}  ${String(run.consents).padStart(8)}  ${String(run.modelDecisions).padStart(15)}`,
  )
}
const kinds = entries.reduce<Record<string, number>>(
  (count, entry) => ({ ...count, [entry.kind]: (count[entry.kind] ?? 0) + 1 }),
  {},
)
console.log(
  `\ncrm-agent memory after 50 runs: ${Object.entries(kinds)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ')}`,
)
for (const entry of entries)
  console.log(
    `  ${entry.tool}.${entry.capability ?? '*'} ${entry.kind}: ${JSON.stringify(entry.value).slice(0, 100)} (from ${entry.provenance.task_id}, used ${entry.uses}×)`,
  )

// A new runtime (and a fresh CRM process) on the same SQLite file: memory survived the restart.
const restart = await runProgression({
  runs: 1,
  scale: SCALE,
  storage: sqlite(),
  encryptionKey,
  renameAt: 1,
  incidents: [],
})
const file = sqlite()
await file.open()
const kept = (await file.tasks.list({ status: 'complete' }, { limit: 100, offset: 0 })).data.length
await file.close()
rmSync(dir, { recursive: true, force: true })
const again = restart.stats[0]!
console.log(
  `\nAfter a restart on the same SQLite file, the first run took ${seconds(again.latencyMs)} (run 1 took ${seconds(first.latencyMs)}), ` +
    `${again.consents} consent round(s), ${again.modelDecisions} model decisions: ${tags(again.memory).join(' · ')}; the file holds all ${kept} finished tasks`,
)

// The progression the reference documents, checked: the example fails when it is not met.
const problems: string[] = []
const after5 = stats.slice(5)
if (!first.memory.some((note) => note.includes('needs scopes')))
  problems.push('run 1 did not learn the scopes it needed')
if (at(2).consents !== 1) problems.push(`run 2 (a new user) needed ${at(2).consents} consent rounds, not 1`)
if (at(5).latencyMs > first.latencyMs * 0.6)
  problems.push(
    `run 5 is only ${((1 - at(5).latencyMs / first.latencyMs) * 100).toFixed(0)}% faster than run 1 (target 40%)`,
  )
if (!stats.slice(0, 5).some((run) => run.memory.some((note) => note.includes('learned rate limit'))))
  problems.push('no rate limit learned by run 5')
if (after5.some((run) => run.rateLimited > 0))
  problems.push(`${after5.reduce((sum, run) => sum + run.rateLimited, 0)} 429s after run 5`)
if (stats.some((run) => run.status !== 'complete'))
  problems.push(`${stats.filter((run) => run.status !== 'complete').length} runs did not complete`)
if (!at(20).memory.some((note) => note.includes('mapped renamed field')))
  problems.push('run 20 did not map the renamed fields')
if (again.modelDecisions > 0 || again.status !== 'complete')
  problems.push('memory did not survive the restart (the plan was not replayed)')
if (kept !== stats.length + 1)
  problems.push(`the file holds ${kept} finished tasks after the restart, not ${stats.length + 1}`)
if (problems.length > 0) {
  console.error(`\nProgression not met:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log(
  `\nProgression met: run 5 is ${((1 - at(5).latencyMs / first.latencyMs) * 100).toFixed(0)}% and run 50 ${((1 - at(50).latencyMs / first.latencyMs) * 100).toFixed(0)}% faster than run 1, no 429s after run 5, no failed runs across the rename.`,
)
