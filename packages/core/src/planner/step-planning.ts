import type { ParamProfile } from './capability-profile.js'
import { rankCapabilities, type RankedCapability } from './capability-ranking.js'
import { fillParameters, waitingFields, type FillResult } from './parameter-filling.js'
import { analyzePrompt, type PromptAnalysis } from './prompt-analysis.js'
import { splitSteps } from './prompt-steps.js'
import type { CapabilityInfo, PlannerContext, PlannerDecision } from './planner.js'

/** One action of a request, with its own words. */
export interface Step {
  analysis: PromptAnalysis
  /** Roots a step refers back with: its own, plus the previous step's when it says "it"/"that". */
  backRoots: ReadonlySet<string>
}

/**
 * Candidates within this share of the best score compete on how many required values they can
 * fill: generously among reads (a read may run on a best guess), narrowly among side effects.
 */
const CLOSE_READ = 0.5
const CLOSE_WRITE = 0.9
/** A runner-up side effect this close to the chosen one makes the choice doubtful. */
const DOUBT_SCORE = 0.9
const BACK_REFERENCE = /\b(?:it|that|this|those|these)\b/i

const stepCache = new WeakMap<PromptAnalysis, { capabilities: readonly CapabilityInfo[]; steps: Step[] }>()

/**
 * The request's steps that some capability fits. A request naming one action (or only one that
 * fits) is a single step over the whole prompt, so single requests read exactly as before.
 */
export function stepsOf(analysis: PromptAnalysis, capabilities: readonly CapabilityInfo[]): Step[] {
  const cached = stepCache.get(analysis)
  if (cached && cached.capabilities === capabilities) return cached.steps
  const whole: Step[] = [{ analysis, backRoots: analysis.roots }]
  const parts = splitSteps(analysis.body)
  let steps = whole
  if (parts.length > 1) {
    const analysed = parts.map((part) => analyzePrompt(part.text))
    const fitting: Step[] = []
    analysed.forEach((part, i) => {
      if (rankCapabilities(capabilities, part).length === 0) return
      const previous = analysed[i - 1]
      const refersBack = previous !== undefined && BACK_REFERENCE.test(part.body)
      fitting.push({ analysis: part, backRoots: refersBack ? new Set([...part.roots, ...previous.roots]) : part.roots })
    })
    if (fitting.length > 1) steps = fitting
  }
  stepCache.set(analysis, { capabilities, steps })
  return steps
}

export interface StepOptions {
  context: PlannerContext
  steps: readonly Step[]
  index: number
  now: number
  promptRoots: ReadonlySet<string>
}

interface Candidate {
  ranked: RankedCapability
  filled: FillResult
}

function fill(info: CapabilityInfo, step: Step, options: StepOptions): FillResult {
  const { context } = options
  return fillParameters(info, {
    analysis: step.analysis,
    now: options.now,
    input: context.input,
    userId: context.task.user_id,
    history: context.history,
    promptRoots: options.promptRoots,
    stepRoots: step.backRoots,
    strict: info.sideEffects,
  })
}

/** The capability a person named through `sendInput({ values: { capability } })` to settle a doubt. */
function chosenByInput(context: PlannerContext): CapabilityInfo | undefined {
  const named = context.input.values.capability
  return typeof named === 'string' ? context.capabilities.find((info) => info.id === named) : undefined
}

function pick(
  step: Step,
  options: StepOptions,
): { chosen: Candidate; runnerUp: Candidate | null; confidence: number } | null {
  const override = chosenByInput(options.context)
  if (override)
    return {
      chosen: {
        ranked: { info: override, score: 1, verbMatched: true, exampleMatched: false },
        filled: fill(override, step, options),
      },
      runnerUp: null,
      confidence: 1,
    }
  const ranked = rankCapabilities(options.context.capabilities, step.analysis)
  const top = ranked[0]
  if (!top) return null
  // Among close candidates of the same kind (all reads, or all writes), the one whose required
  // values the prompt and earlier results supply wins: "get their latest order" after finding a customer.
  const band = top.info.sideEffects ? CLOSE_WRITE : CLOSE_READ
  const topFilled = fill(top.info, step, options)
  const close = ranked
    .filter((entry) => entry.score >= top.score * band && entry.info.sideEffects === top.info.sideEffects)
    .slice(0, 3)
  // A side effect the request cannot supply values for is a weak choice when an identifier in the
  // request is shaped like another write's parameter example ("mark dl_77 as won" reads like a
  // status change, but dl_77 is a deal id): that write competes too.
  if (top.info.sideEffects && topFilled.missing.length > 0) {
    const named = ranked.find(
      (entry) =>
        entry.exampleMatched &&
        entry.info.sideEffects &&
        !top.exampleMatched &&
        !close.includes(entry) &&
        entry.score >= top.score * CLOSE_READ,
    )
    if (named) close.push(named)
  }
  const candidates = close.map((entry) => ({
    ranked: entry,
    filled: entry === top ? topFilled : fill(entry.info, step, options),
  }))
  let chosen = candidates[0]!
  for (const candidate of candidates) {
    const missing = candidate.filled.missing.length - chosen.filled.missing.length
    if (missing < 0 || (missing === 0 && solid(candidate.filled) > solid(chosen.filled))) chosen = candidate
  }
  const other = ranked.find((entry) => entry.info !== chosen.ranked.info)
  const runnerUp = other
    ? (candidates.find((candidate) => candidate.ranked === other) ?? {
        ranked: other,
        filled: fill(other.info, step, options),
      })
    : null
  const confidence = other ? chosen.ranked.score / (chosen.ranked.score + other.score) : 1
  return { chosen, runnerUp, confidence: Math.round(confidence * 100) / 100 }
}

/** Values that are not best guesses: "src/index.ts from acme/api on the develop branch" fits `get_file` better. */
function solid(filled: FillResult): number {
  return filled.sources.filter((source) => !source.weak).length
}

function describeSources(filled: FillResult): string {
  if (filled.sources.length === 0) return 'no values'
  return filled.sources
    .map(
      (source) =>
        `${source.name} ← ${source.source === 'prompt' ? `prompt ${source.detail}` : source.source === 'result' ? source.detail : source.source === 'user' ? "the task's user" : `input (${source.detail})`}${source.weak ? ' [best guess]' : ''}`,
    )
    .join('; ')
}

function ask(info: CapabilityInfo, missing: readonly ParamProfile[], label: string): PlannerDecision {
  const names = missing.map((param) => param.name).join(', ')
  return {
    type: 'ask',
    message: `To run ${info.id}${label} I need: ${names}. Send ${missing.length === 1 ? 'it' : 'them'} as input values.`,
    fields: waitingFields(missing),
  }
}

/**
 * Why a side effect's choice is doubtful, or null: the request's verb names none of its actions,
 * or another side effect fits as well and has every value it needs. A capability a person named
 * through input is never in doubt.
 */
function doubtOf(chosen: Candidate, runnerUp: Candidate | null, context: PlannerContext): string | null {
  const { info } = chosen.ranked
  if (!info.sideEffects || chosenByInput(context) !== undefined) return null
  if (
    runnerUp &&
    runnerUp.ranked.info.sideEffects &&
    runnerUp.ranked.score >= chosen.ranked.score * DOUBT_SCORE &&
    runnerUp.filled.missing.length === 0
  ) {
    return `${runnerUp.ranked.info.id} fits the request as well`
  }
  return chosen.ranked.verbMatched ? null : `the request's verb names none of ${info.id}'s actions`
}

/** Plans the step at `index`: a call, or a wait for the values (or the choice) it lacks; null when no capability fits. */
export function planStep(step: Step, options: StepOptions): PlannerDecision | null {
  const { context, steps, index } = options
  const picked = pick(step, options)
  if (!picked) return null
  const { chosen, runnerUp, confidence } = picked
  const { info } = chosen.ranked
  const label = steps.length > 1 ? ` (step ${index + 1} of ${steps.length})` : ''
  const alternative = runnerUp ? `; runner-up ${runnerUp.ranked.info.id} (score ${runnerUp.ranked.score})` : ''
  context.note(
    `default planner chose ${info.id}${label} (score ${chosen.ranked.score}, confidence ${confidence}${alternative})`,
  )
  context.note(`values: ${describeSources(chosen.filled)}`)
  const doubt = doubtOf(chosen, runnerUp, context)
  if (chosen.filled.missing.length > 0) {
    if (index > 0)
      context.note(
        `step ${index + 1} cannot take ${chosen.filled.missing.map((param) => param.name).join(', ')} from the prompt or earlier results; asking`,
      )
    if (doubt !== null)
      context.note(
        `not sure ${info.id} is the action meant (${doubt}); the call will wait for approval once its values are in`,
      )
    return ask(info, chosen.filled.missing, label)
  }
  const call = { tool: info.tool, capability: info.capability, input: chosen.filled.input }
  if (doubt === null) return { type: 'call', calls: [call] }
  // Every value is known; only the action is in doubt: a person approves the call or denies it.
  context.note(
    `not sure ${info.id} is the action meant (${doubt}); waiting for approval instead of guessing a side effect`,
  )
  return {
    type: 'call',
    calls: [call],
    approval: { reason: `Not sure ${info.id} is the action meant${label}: ${doubt}` },
  }
}
