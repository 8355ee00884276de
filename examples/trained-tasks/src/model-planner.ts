import type { Clock, Planner } from '@inboard/core'
import { wait } from './scaled-clock.js'

/**
 * SIMULATED MODEL. A stand-in for an LLM planner: it takes `latencyMs` of simulated time per
 * decision, as a hosted model would, and decides as one typically does on this task — first
 * discover the deal schema, then list the stage's deals with a generous page size, then answer
 * with what it fetched. No model is called; the decisions are scripted, the latency is the point.
 */
export function createSimulatedModelPlanner(options: {
  clock: Clock
  latencyMs: number
}): Planner & { decisions: number } {
  const planner = {
    name: 'simulated-model',
    decisions: 0,
    async plan(context: Parameters<Planner['plan']>[0]) {
      planner.decisions++
      await wait(options.clock, options.latencyMs)
      const last = context.history.at(-1)
      if (last?.status === 'failed')
        return {
          type: 'fail' as const,
          message: `${last.tool}.${last.capability} failed: ${last.error?.message ?? 'unknown error'}`,
          recoverable: true,
        }
      if (!last) return { type: 'call' as const, calls: [{ tool: 'crm', capability: 'describe_deals', input: {} }] }
      if (last.capability === 'describe_deals') {
        const stage = /stage (\w+)/i.exec(context.task.prompt)?.[1] ?? 'Negotiation'
        return {
          type: 'call' as const,
          calls: [{ tool: 'crm', capability: 'list_deals', input: { stage, page_size: 250, expand: 'contact' } }],
        }
      }
      return { type: 'finish' as const, result: last.output }
    },
  }
  return planner
}
