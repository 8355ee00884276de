import type { Planner, PlannerContext, PlannerDecision } from '../planner/planner.js'

/** A decision, or a function of the planner context that returns one. */
export type ScriptStep = PlannerDecision | ((context: PlannerContext) => PlannerDecision | Promise<PlannerDecision>)

/**
 * A planner that replays the same decisions for every task: decision N of a task is `script[N]`.
 * Past the end of the script it fails the task, so a test never loops.
 *
 * @example
 * createScriptedPlanner([
 *   { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { location: 'Paris' } }] },
 *   (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
 * ])
 */
export function createScriptedPlanner(script: readonly ScriptStep[], name = 'scripted'): Planner {
  return {
    name,
    plan(context) {
      const step = script[context.decision]
      if (step === undefined) return { type: 'fail', message: `The script has no decision ${context.decision + 1}` }
      return typeof step === 'function' ? step(context) : step
    },
  }
}
