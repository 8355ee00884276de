import type { Clock } from '../clock.js'
import { root, words } from '../text/tokens.js'
import { profileOf } from './capability-profile.js'
import { AnalysisCache } from './prompt-analysis.js'
import type { CallRecord, CapabilityInfo, Planner, PlannerContext, PlannerDecision } from './planner.js'
import { shapeResult } from './result-shaping.js'
import { planStep, stepsOf } from './step-planning.js'

export interface DefaultPlannerOptions {
  /**
   * The clock relative dates ("last 30 days", "yesterday") are read against; the runtime passes
   * its own, tests pass a fake one.
   * @default the system clock
   */
  clock?: Pick<Clock, 'now'>
  /**
   * Milliseconds since the Unix epoch; takes precedence over `clock`.
   * @default Date.now
   */
  now?: () => number
}

const MAX_LISTED = 8

function quote(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim()
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat
}

/** Roots naming what a capability returns ("crm", "deal"), which help map "deal name" to `name`. */
function outputContext(record: CallRecord, capabilities: readonly CapabilityInfo[]): Set<string> {
  const info = capabilities.find(
    (candidate) => candidate.tool === record.tool && candidate.capability === record.capability,
  )
  const out = new Set<string>()
  if (info) {
    for (const [word, weight] of profileOf(info).weights) if (weight >= 3) out.add(word)
  } else {
    for (const word of words(`${record.tool} ${record.capability}`)) out.add(root(word))
  }
  return out
}

function afterCall(record: CallRecord, context: PlannerContext, requested: readonly string[]): PlannerDecision {
  const id = `${record.tool}.${record.capability}`
  if (record.status === 'complete') {
    return {
      type: 'finish',
      result: shapeResult(record.output, requested, outputContext(record, context.capabilities)),
    }
  }
  if (record.status === 'skipped') {
    return { type: 'fail', message: `${id} was skipped, so the task has no result`, recoverable: true }
  }
  const error = record.error
  const decision: Extract<PlannerDecision, { type: 'fail' }> = {
    type: 'fail',
    message: error ? `${id} failed: ${error.message}` : `${id} failed`,
    recoverable: error?.recoverable ?? false,
  }
  if (error?.suggestion) decision.suggestion = error.suggestion
  return decision
}

function noMatch(context: PlannerContext): PlannerDecision {
  const ids = context.capabilities.map((info) => info.id)
  if (ids.length === 0) {
    return {
      type: 'fail',
      code: 'no_capability_matched',
      message: `No capability matched the prompt "${quote(context.task.prompt)}": this task may not call any capability`,
      suggestion: 'Give the subagent tools that cover the request, or list them explicitly.',
    }
  }
  const listed =
    ids.length > MAX_LISTED
      ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more`
      : ids.join(', ')
  return {
    type: 'fail',
    code: 'no_capability_matched',
    message: `No capability matched the prompt "${quote(context.task.prompt)}"; none of ${listed} shares a meaningful word with it`,
    suggestion: 'Name the service or the operation in the prompt (for example "weather", "contacts", "send an email").',
  }
}

/**
 * The planner used when none is configured: deterministic, offline, no model. It splits the request
 * into the actions it names ("find the newest order of c_9 and start a return for it" is two), and
 * plans one decision at a time from the task's history: the next action's capability is the one
 * that best fits its words, its input comes from the prompt (quoted text, emails, ids, phone
 * numbers, paths, ranges, amounts, dates, names), from what a person supplied through `sendInput`,
 * and from earlier steps' results. A capability with side effects runs only on values from those
 * sources and when the choice is clear; otherwise the task waits for input naming the fields. The
 * task finishes with the last output trimmed to the fields the prompt asks for ("Return name,
 * email, and company"). Confidence and the source of every value go into the trace note.
 *
 * @example
 * const runtime = createRuntime({ tools, planner: createDefaultPlanner({ clock }) })
 */
export function createDefaultPlanner(options: DefaultPlannerOptions = {}): Planner {
  const { clock } = options
  const now = options.now ?? (clock ? () => clock.now() : Date.now)
  const analyses = new AnalysisCache()
  return {
    name: 'default',
    plan(context) {
      const analysis = analyses.get(context.task.prompt)
      const last = context.history.at(-1)
      if (last && last.status !== 'complete') return afterCall(last, context, analysis.requested)
      const steps = stepsOf(analysis, context.capabilities)
      const index = context.history.length
      if (last && index >= steps.length) return afterCall(last, context, analysis.requested)
      const step = steps[index]
      if (!step) return noMatch(context)
      return planStep(step, { context, steps, index, now: now(), promptRoots: analysis.roots }) ?? noMatch(context)
    },
  }
}
