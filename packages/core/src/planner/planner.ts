import type { TaskError } from '../errors/inboard-error.js'
import type { TaskMode, TokenUsage, WaitingField } from '../task/task-types.js'

/** JSON Schema as produced from a capability's zod schema. */
export type JsonSchema = Record<string, unknown>

/** What a planner knows about one capability it may call. */
export interface CapabilityInfo {
  /** `tool.capability`, e.g. `weather.current`. */
  id: string
  tool: string
  capability: string
  description: string
  toolDescription: string
  tags: readonly string[]
  inputSchema: JsonSchema
  outputSchema: JsonSchema | null
  sideEffects: boolean
  requiresApproval: boolean
}

/** One capability call a planner asks for. */
export interface PlannedCall {
  tool: string
  capability: string
  input: Record<string, unknown>
}

/** A call that already ran in this task, with its outcome. */
export interface CallRecord extends PlannedCall {
  status: 'complete' | 'failed' | 'skipped'
  output?: unknown
  error?: TaskError
}

/** Input a person supplied to a waiting task through `sendInput`. */
export interface TaskInput {
  messages: readonly string[]
  values: Readonly<Record<string, unknown>>
}

/** Everything a planner sees when asked for the next decision. */
export interface PlannerContext {
  task: {
    id: string
    prompt: string
    user_id: string | null
    mode: TaskMode
    metadata: Readonly<Record<string, unknown>>
  }
  subagent: { id: string; prompt: string } | null
  /** How many decisions this task made before this one (0 on the first call). */
  decision: number
  /** The capabilities this task may call; anything else is refused. */
  capabilities: readonly CapabilityInfo[]
  /** Calls made so far, oldest first. */
  history: readonly CallRecord[]
  input: TaskInput
  signal: AbortSignal
  /**
   * Calls `listener` once when this run of the task stops (cancelled, timed out, failed or
   * finished), at once when it already has, without creating an AbortSignal; returns a function
   * that removes it. A planner that links its own AbortController to the task uses this instead of
   * listening on `signal` (on Node 20 an AbortSignal per task run is a measurable cost). The
   * runtime always provides it; it is optional so that contexts built by hand still fit.
   */
  onAbort?(listener: (reason: unknown) => void): () => void
  /** Adds a note to the planner's trace step. */
  note(text: string): void
  /**
   * Starts a trace step for a call the planner makes to a language model (`tool: "model"`, the
   * given action, e.g. `generate`). Ending it records the model id and tokens on the step and adds
   * the tokens to the task's `usage`; its duration is measured on the runtime's clock. The runtime
   * always provides it; it is optional so that contexts built by hand (planner unit tests) still fit.
   */
  modelCall?(action: string, model: string): ModelCallStep
}

/** A model call in progress, as recorded in the task's trace. */
export interface ModelCallStep {
  /** Closes the step. Tokens count towards the task's usage even when the call failed. */
  end(outcome: { status: 'complete' | 'failed'; usage?: TokenUsage | null; note?: string }): void
}

/**
 * Marks a `call` decision the planner is not sure of (the capability chosen may not be the action
 * meant). In live mode the runtime does not run it: the task waits with `approval_required`, its
 * `request` naming the first call and its message this reason; `sendInput({ approved: true })`
 * runs the decision's calls, `{ approved: false }` fails the task with `approval_denied`.
 */
export interface CallApproval {
  /** Why the planner doubts the call, shown in the waiting message. */
  reason: string
}

/** The next step of a task, as decided by a planner. */
export type PlannerDecision =
  | { type: 'call'; calls: readonly PlannedCall[]; approval?: CallApproval }
  | { type: 'ask'; message: string; fields: readonly WaitingField[] }
  | { type: 'finish'; result: unknown }
  | {
      type: 'fail'
      message: string
      code?: 'planner_error' | 'no_capability_matched' | 'model_result_invalid'
      recoverable?: boolean
      suggestion?: string
    }

/**
 * Decides what a task does next. The runtime owns the loop, the limits and enforcement: a planner
 * only proposes, and a call outside the task's capabilities or with invalid input is never run.
 */
export interface Planner {
  /** Shown in traces. */
  readonly name: string
  /**
   * What the runtime does when it refuses a proposed call (a capability outside the task's, or
   * input failing its schema). `'fail'` fails the task. `'report'` records the refusal in the
   * history as a failed call (error code `capability_not_allowed` or `invalid_tool_input`) and asks
   * the planner again, so a model can correct its call; the planner bounds its own corrections and
   * `limits.maxSteps` bounds every task. A denied approval fails the task either way.
   * @default 'fail'
   */
  readonly refusals?: 'fail' | 'report'
  /**
   * How execution memory replays this planner's plans. `'shape'`: inputs come from the prompt, so a
   * plan replays for every prompt of the same shape. `'observed'`: inputs and results may be
   * derived from earlier outputs (a language model summarises, copies ids), so a plan replays for
   * the same prompt only while every replayed call returns what it returned when the plan was
   * learned, and then finishes with the recorded result; from the first difference the planner
   * continues with the whole history in view.
   * @default 'shape'
   */
  readonly replay?: 'shape' | 'observed'
  plan(context: PlannerContext): PlannerDecision | Promise<PlannerDecision>
}
