import { runProgression } from '@inboard/example-trained-tasks/progression'
import { distinctPrompts } from './distinct-prompts.js'
import { memoryCostPerStep } from './lookup-cost.js'
import { modelPlannerProgression } from './model-planner-runs.js'

console.log(
  'Trained-task benchmark: the demo CRM scenario, 50 runs, memory on (simulated time, 10× faster than real; the planner is a simulated model with 1.5 s per decision)\n',
)
const { stats, entries } = await runProgression({ runs: 50 })
const latency = (run: number): number => stats[run - 1]!.latencyMs
const run5 = latency(5) / latency(1)
const run50 = latency(50) / latency(1)
const rateLimitedAfter5 = stats.slice(5).reduce((sum, run) => sum + run.rateLimited, 0)
const renameAt = 20
const failed = stats.slice(renameAt - 1).filter((run) => run.status !== 'complete').length

console.log(`run 1   ${(latency(1) / 1000).toFixed(2)} s`)
console.log(
  `run 5   ${(latency(5) / 1000).toFixed(2)} s   ${(run5 * 100).toFixed(0)}% of run 1 (${((1 - run5) * 100).toFixed(0)}% faster; reference: 40%, goal: 60%)`,
)
console.log(
  `run 50  ${(latency(50) / 1000).toFixed(2)} s   ${(run50 * 100).toFixed(0)}% of run 1 (${((1 - run50) * 100).toFixed(0)}% faster)`,
)
console.log(
  `429s after run 5: ${rateLimitedAfter5} (target 0); 429s in all: ${stats.reduce((sum, run) => sum + run.rateLimited, 0)}`,
)
console.log(`failed runs from the field rename (run ${renameAt}) on: ${failed} (target 0)`)

const cost = await memoryCostPerStep(entries)
console.log(
  `memory cost per step with the demo's learned entries: ${cost.perStepUs.toFixed(2)} µs (task ${cost.onUs.toFixed(1)} µs with memory, ${cost.offUs.toFixed(1)} µs without; target under 20 µs)`,
)
const distinct = await distinctPrompts({ tasks: 10_000 })
console.log(
  `10,000 distinct prompts: ${distinct.onPerSecond.toFixed(0)} tasks/s with memory, ${distinct.offPerSecond.toFixed(0)} without (${distinct.ratio.toFixed(2)}×; target ≥ 0.80×); close() with memory ${distinct.closeMs.toFixed(0)} ms`,
)
console.log(
  `\nTRAINED run5_vs_run1=${run5.toFixed(2)} run50_vs_run1=${run50.toFixed(2)} rate_limited_after_run5=${rateLimitedAfter5} failed=${failed} lookup_us=${cost.perStepUs.toFixed(2)} distinct_ratio=${distinct.ratio.toFixed(2)}`,
)

const model = await modelPlannerProgression({ runs: 50, latencyMs: 300, rounds: 3 })
console.log(
  `\nModel planner: the invoice workflow of examples/model-planner, 50 unchanged runs, memory on, a fake model server answering each call after 300 ms (real time; medians of 3 rounds, each with a fresh runtime)`,
)
for (const [run, stats] of [
  [1, model.run1],
  [5, model.run5],
  [50, model.run50],
] as const) {
  const share = run === 1 ? '' : `   ${((stats.latencyMs / model.run1.latencyMs) * 100).toFixed(1)}% of run 1`
  console.log(
    `run ${String(run).padEnd(3)} ${stats.latencyMs.toFixed(1).padStart(7)} ms   ${stats.modelCalls} model calls${share}`,
  )
}
console.log(
  `most model calls in one run from run 5 on: ${model.callsFromRun5} (target 0); tasks not complete: ${model.incomplete}`,
)
const ratio = (stats: { latencyMs: number }) => (stats.latencyMs / model.run1.latencyMs).toFixed(3)
console.log(
  `\nTRAINED_MODEL run5_vs_run1=${ratio(model.run5)} run50_vs_run1=${ratio(model.run50)} model_calls_run1=${model.run1.modelCalls} model_calls_run5=${model.run5.modelCalls}`,
)
process.exit(model.incomplete === 0 ? 0 : 1)
