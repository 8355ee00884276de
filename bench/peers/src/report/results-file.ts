import type { Library } from '../libraries.js'
import type { Machine } from './environment.js'
import type { LibrarySummary } from './summary.js'

export interface ResultsInput {
  date: Date
  machine: Machine
  summaries: readonly LibrarySummary[]
  warmupTasks: ReadonlyMap<Library, number>
  failures: ReadonlyArray<{ library: Library; reason: string }>
  table: string
  peersLine: string | undefined
}

function versionList(summary: LibrarySummary): string {
  return Object.entries(summary.versions)
    .map(([name, version]) => `\`${name}@${version}\``)
    .join(', ')
}

/** The content of RESULTS.md: when, where and with what the table was measured, then the table. */
export function renderResultsFile(input: ResultsInput): string {
  const { machine } = input
  const lines = [
    '# Peer benchmark results',
    '',
    `Measured ${input.date.toISOString()} by \`pnpm --filter @inboard/bench-peers start\`${machine.commit === null ? '' : ` at commit ${machine.commit}`}.`,
    'Every figure below comes from that run; rerun the command to regenerate this file.',
    '',
    '## Machine',
    '',
    `- ${machine.cpu}, ${machine.cores} cores available, ${machine.memoryGb} GB RAM`,
    `- ${machine.os}, Node ${machine.node}`,
    `- one-minute load average ${machine.load[0].toFixed(2)} at the start, ${machine.load[1].toFixed(2)} at the end`,
    '',
    '## Libraries',
    '',
    ...input.summaries.map(
      (summary) =>
        `- **${summary.library.label}** ${versionList(summary)}: \`${summary.library.api}\`; ${summary.library.fake}; warm-up ${(input.warmupTasks.get(summary.library) ?? 0).toLocaleString('en-US')} tasks.`,
    ),
    ...input.failures.map(({ library, reason }) => `- **${library.label}** left out: ${reason.replaceAll('\n', ' ')}`),
    '',
    '## Method',
    '',
    "Each task: the model's first answer calls one no-op tool (zod input `{ x: string }`), its second answer is the final text.",
    'Fake models answer from the conversation (tool result present or not), so concurrent tasks can share one.',
    'Each library runs in its own fresh process (`node --expose-gc`), builds its agent or runtime once, warms up on both paths,',
    "then alternates three sequential runs with three runs at concurrency 10. Every task is checked against the library's own",
    "result (tool output present, final text returned), and every run checks the tool ran once per task. Inboard's check reads",
    "the task's trace, so its figures include a `tasks.trace()` call per task.",
    "Inboard is measured twice: with the scripted planner (the runtime's own cost per task), and with the model planner",
    "(`@inboard/ai`) on the AI SDK row's fake model, which is the loop a user with a language model runs: the conversation",
    "rebuilt from the task's history, the tools offered with their JSON Schema, two model calls recorded as trace steps.",
    "The PEERS line's `ratio` is the cheapest peer's CPU per task over the first, `model_ratio` over the second.",
    'Inboard runs its built packages (the `pnpm build` output, as users install them), like the peers run their published builds; only the benchmark harness itself is loaded through tsx.',
    '',
    "- **CPU / task** (the per-task cost): the process's user + system CPU time over a run (all threads, GC included) divided by",
    '  its tasks. It is the cost the ratios and the PEERS line use, because wall time on a shared two-core machine also measures',
    "  whatever else runs; **Wall / task** is the run's wall time divided by its tasks (the inverse of tasks/s).",
    "- **× Inboard**: a library's per-task CPU (or wall) time divided by Inboard's in the same mode.",
    '- **Latency**: each task from call to resolved result; at concurrency 10 it includes waiting for the other nine.',
    '- **Heap growth**: `heapUsed` after forced GC at the end of a run minus at its start, scaled to 10,000 tasks.',
    '- Figures are medians of the three runs; tasks/s shows the slowest and fastest run in brackets.',
    '',
    '## Results',
    '',
    input.table,
    '',
  ]
  if (input.peersLine !== undefined) lines.push('```', input.peersLine, '```', '')
  return lines.join('\n')
}
