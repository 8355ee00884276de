import { createDefaultPlanner, type CallRecord, type CapabilityInfo, type PlannerContext } from '@inboard/core'
import { z } from 'zod'
import { askCases, chainCases, singleCases } from './cases.js'
import { NOW } from './evaluate.js'
import { evaluationTools } from './tools.js'

// `pnpm --filter @inboard/eval-planner speed`: the default planner's own cost per decision, with no
// runtime around it, over every prompt of the set (a fresh planner per pass, so no cached analysis).
const capabilities: CapabilityInfo[] = evaluationTools([]).flatMap((tool) =>
  Object.entries(tool.capabilities).map(([name, spec]) => ({
    id: `${tool.name}.${name}`,
    tool: tool.name,
    capability: name,
    description: spec.description,
    toolDescription: tool.description,
    tags: tool.tags,
    inputSchema: z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    outputSchema: null,
    sideEffects: spec.sideEffects === true,
    requiresApproval: false,
  })),
)
const prompts = [...singleCases, ...askCases, ...chainCases].map((item) => item.prompt)
const history: CallRecord[] = []
const context = (prompt: string): PlannerContext => ({
  task: { id: 't', prompt, user_id: null, mode: 'live', metadata: {} },
  subagent: null,
  decision: 0,
  capabilities,
  history,
  input: { messages: [], values: {} },
  signal: new AbortController().signal,
  note: () => {},
})
const contexts = prompts.map(context)
const passes = Number(process.argv[2] ?? 40)
for (let warm = 0; warm < 5; warm++) {
  const planner = createDefaultPlanner({ now: () => NOW })
  for (const item of contexts) await planner.plan(item)
}
const started = process.hrtime.bigint()
for (let pass = 0; pass < passes; pass++) {
  const planner = createDefaultPlanner({ now: () => NOW })
  for (const item of contexts) await planner.plan(item)
}
const micros = Number(process.hrtime.bigint() - started) / 1000 / (passes * contexts.length)
console.log(`PLANNER_SPEED first_decision=${micros.toFixed(1)}µs over ${passes * contexts.length} decisions (${capabilities.length} capabilities)`)
