import type { Clock } from '../clock.js'
import { root, words } from '../text/tokens.js'
import { profileOf } from './capability-profile.js'
import { bestCapability } from './capability-ranking.js'
import { fillParameters, waitingFields } from './parameter-filling.js'
import { AnalysisCache } from './prompt-analysis.js'
import type { CallRecord, CapabilityInfo, Planner, PlannerContext, PlannerDecision } from './planner.js'
import { shapeResult } from './result-shaping.js'

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
  const info = capabilities.find((candidate) => candidate.tool === record.tool && candidate.capability === record.capability)
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
    return { type: 'finish', result: shapeResult(record.output, requested, outputContext(record, context.capabilities)) }
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
  const listed = ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more` : ids.join(', ')
  return {
    type: 'fail',
    code: 'no_capability_matched',
    message: `No capability matched the prompt "${quote(context.task.prompt)}"; none of ${listed} shares a meaningful word with it`,
    suggestion: 'Name the service or the operation in the prompt (for example "weather", "contacts", "send an email").',
  }
}

/**
 * The planner used when none is configured: deterministic, offline, no model. It picks the
 * capability that best fits the prompt, fills its input from the prompt (quoted text, emails,
 * numbers and amounts, dates such as "last 30 days", enum values, places, names and ids) and from
 * what a person supplied through `sendInput`, asks for required fields it cannot fill, and finishes
 * with the call's output trimmed to the fields the prompt asks for ("Return name, email, and company").
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
      if (last) return afterCall(last, context, analysis.requested)
      const best = bestCapability(context.capabilities, analysis)
      if (!best) return noMatch(context)
      const { info } = best
      context.note(`default planner chose ${info.id} (score ${best.score})`)
      const filled = fillParameters(info, { analysis, now: now(), input: context.input, userId: context.task.user_id })
      if (filled.missing.length > 0) {
        const names = filled.missing.map((param) => param.name).join(', ')
        return {
          type: 'ask',
          message: `To run ${info.id} I need: ${names}. Send ${filled.missing.length === 1 ? 'it' : 'them'} as input values.`,
          fields: waitingFields(filled.missing),
        }
      }
      return { type: 'call', calls: [{ tool: info.tool, capability: info.capability, input: filled.input }] }
    },
  }
}
