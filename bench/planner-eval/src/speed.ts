import { createDefaultPlanner, type CallRecord, type CapabilityInfo, type PlannerContext } from '@inboard/core'
import { z } from 'zod'
import type { Tool } from '@inboard/tools'
import { askCases, chainCases, singleCases } from './cases.js'
import { NOW } from './evaluate.js'
import { heldoutAskCases, heldoutChainCases, heldoutSingleCases } from './heldout-cases.js'
import { evaluationTools, firstTools } from './tools.js'

// `pnpm --filter @inboard/eval-planner speed`: the default planner's own cost per decision, with no
// runtime around it, over every prompt of the set (a fresh planner per pass, so no cached analysis).
const infosOf = (tools: readonly Tool[]): CapabilityInfo[] =>
  tools.flatMap((tool) =>
    Object.entries(tool.capabilities).map(([name, spec]) => ({
      id: `${tool.name}.${name}`,
      tool: tool.name,
      capability: name,
      description: spec.description,
      toolDescription: tool.description,
      tags: tool.tags,
      inputSchema: z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }),
      outputSchema: null,
      sideEffects: spec.sideEffects === true,
      requiresApproval: false,
    })),
  )
const history: CallRecord[] = []
const context = (prompt: string, capabilities: readonly CapabilityInfo[]): PlannerContext => ({
  task: { id: 't', prompt, user_id: null, mode: 'live', metadata: {} },
  subagent: null,
  decision: 0,
  capabilities,
  history,
  input: { messages: [], values: {} },
  signal: new AbortController().signal,
  note: () => {},
})
const passes = Number(process.argv[2] ?? 10)

/**
 * CPU microseconds per first decision over every prompt, a fresh planner per pass (no cached
 * analysis): process CPU time rather than wall time, and the best of five rounds, since other
 * processes on a shared machine only ever add time.
 */
async function measure(prompts: readonly string[], capabilities: readonly CapabilityInfo[]): Promise<number> {
  const contexts = prompts.map((prompt) => context(prompt, capabilities))
  for (let warm = 0; warm < 5; warm++) {
    const planner = createDefaultPlanner({ now: () => NOW })
    for (const item of contexts) await planner.plan(item)
  }
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < 5; round++) {
    const started = process.cpuUsage()
    for (let pass = 0; pass < passes; pass++) {
      const planner = createDefaultPlanner({ now: () => NOW })
      for (const item of contexts) await planner.plan(item)
    }
    const used = process.cpuUsage(started)
    best = Math.min(best, (used.user + used.system) / (passes * contexts.length))
  }
  return best
}

const firstPrompts = [...singleCases, ...askCases, ...chainCases].map((item) => item.prompt)
const allPrompts = [
  ...firstPrompts,
  ...[...heldoutSingleCases, ...heldoutAskCases, ...heldoutChainCases].map((item) => item.prompt),
]
const first = infosOf(firstTools([]))
const all = infosOf(evaluationTools([]))
// The first figure is comparable with earlier runs (the first set's prompts over its 51 capabilities).
const firstMicros = await measure(firstPrompts, first)
console.log(
  `PLANNER_SPEED first_decision_cpu=${firstMicros.toFixed(1)}µs (best of 5 rounds of ${passes * firstPrompts.length} decisions) (${first.length} capabilities, first set)`,
)
const allMicros = await measure(allPrompts, all)
console.log(
  `PLANNER_SPEED first_decision_cpu=${allMicros.toFixed(1)}µs (best of 5 rounds of ${passes * allPrompts.length} decisions) (${all.length} capabilities, whole set)`,
)
