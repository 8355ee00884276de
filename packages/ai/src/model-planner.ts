import {
  InboardError,
  type CallRecord,
  type CapabilityInfo,
  type PlannedCall,
  type Planner,
  type PlannerContext,
  type PlannerDecision,
  type WaitingField,
} from '@inboard/core'
import { conversation, systemPrompt } from './conversation.js'
import { callModel, type ModelCallSettings, type RunRequests } from './model-call.js'
import type { ModelRetryOptions } from './model-retry.js'
import type {
  LanguageModel,
  ModelCallOptions,
  ModelMessage,
  ModelToolCallPart,
  ModelToolResultPart,
} from './model-types.js'
import { parseResult, resultSchema, returnFields } from './return-fields.js'
import { RequestDeadlines } from './request-deadlines.js'
import { ASK_USER, ToolCatalogue } from './tool-catalogue.js'

export interface ModelPlannerOptions {
  /** Any AI SDK language model of specification V2, V3 or V4 (`openai('gpt-4.1-mini')`, `anthropic(…)`, …). */
  model: LanguageModel
  /**
   * Extra system instructions, placed before the subagent's prompt.
   * @default none
   */
  instructions?: string
  /**
   * Decisions (model turns that end in calls, a question or the result) per task; the runtime's
   * `limits.maxSteps` applies as well.
   * @default 12
   */
  maxSteps?: number
  /** @default 0 */
  temperature?: number
  /**
   * Output tokens per model request.
   * @default the provider's default
   */
  maxOutputTokens?: number
  /**
   * Characters of one tool output sent back to the model; the rest is cut and the cut is said.
   * @default 8000
   */
  maxOutputChars?: number
  /**
   * Refused calls (a capability outside the task's, input failing its schema, tool input that is
   * not JSON) the model may correct in one task before it fails.
   * @default 2
   */
  maxCorrections?: number
  /** Retries of requests that failed with 429, 5xx or a timeout. */
  retry?: ModelRetryOptions
  /**
   * Time per model request in milliseconds.
   * @default 60000
   */
  timeoutMs?: number
  /**
   * How the result's fields ("Return name and email") reach the model: `'instructions'` in the
   * system prompt, or also `'response-format'`, the request's JSON Schema response format.
   * Either way the result is validated and sent back once for correction. The default suits every
   * provider: some implement the response format by forcing a tool, which would keep the model
   * from calling capabilities.
   * @default 'instructions'
   */
  structuredOutput?: 'instructions' | 'response-format'
  /**
   * The planner's name in traces.
   * @default 'model-planner'
   */
  name?: string
}

const SPECIFICATIONS = new Set(['v2', 'v3', 'v4'])
const TOOL_CHOICE = { type: 'auto' } as const

interface TaskRun {
  fields: string[]
  head: ModelMessage[]
  requests: RunRequests
}
const REFUSED = new Set(['capability_not_allowed', 'invalid_tool_input'])

function checkModel(model: unknown): asserts model is LanguageModel {
  const candidate = model as Partial<LanguageModel> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.doGenerate !== 'function' ||
    !SPECIFICATIONS.has(String(candidate.specificationVersion))
  ) {
    const version =
      typeof candidate === 'object' && candidate !== null ? String(candidate.specificationVersion) : typeof model
    throw new InboardError(
      'invalid_request',
      `createModelPlanner needs an AI SDK language model of specification v2, v3 or v4 (got ${version})`,
    )
  }
}

/** Tool input as an object: providers send a JSON string (V2/V3) or, some, an object. */
function inputOf(raw: unknown): Record<string, unknown> | null {
  let value = raw
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {}
    try {
      value = JSON.parse(raw)
    } catch {
      return null
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function askOf(input: Record<string, unknown>): PlannerDecision {
  const fields: WaitingField[] = []
  for (const field of Array.isArray(input['fields']) ? (input['fields'] as unknown[]) : []) {
    const { name, description, type } = (field ?? {}) as Record<string, unknown>
    if (typeof name === 'string' && name !== '')
      fields.push({
        name,
        description: typeof description === 'string' ? description : null,
        type: typeof type === 'string' ? type : null,
      })
  }
  const message =
    typeof input['message'] === 'string' && input['message'] !== ''
      ? input['message']
      : `Please provide: ${fields.map((field) => field.name).join(', ')}`
  return { type: 'ask', message, fields }
}

/** A call the runtime will check: a name the model made up keeps its name, and is refused and reported. */
function plannedCall(catalogue: ToolCatalogue, name: string, input: Record<string, unknown>): PlannedCall {
  const info = catalogue.capability(name)
  if (info) return { tool: info.tool, capability: info.capability, input }
  const [tool = name, capability = name] = name.includes('__') ? name.split('__', 2) : [name, name]
  return { tool, capability, input }
}

/**
 * A planner driven by any AI SDK language model. For each decision it rebuilds the conversation
 * from the task's history (prompt, the person's answers, every call and its outcome), offers the
 * task's capabilities as tools plus `ask_user`, and turns the answer into a decision: the model's
 * tool calls (several in one turn become one `call` decision), a question (`ask_user` → the task
 * waits with `input_required`), or the result (checked against the prompt's "Return …" fields).
 * The runtime still enforces everything; calls it refuses go back to the model as tool errors.
 *
 * @example
 * import { openai } from '@ai-sdk/openai'
 * const runtime = createRuntime({ tools, planner: createModelPlanner({ model: openai('gpt-4.1-mini') }) })
 */
export function createModelPlanner(options: ModelPlannerOptions): Planner {
  const { model, instructions } = options
  checkModel(model)
  const maxSteps = options.maxSteps ?? 12
  const maxCorrections = options.maxCorrections ?? 2
  const maxOutputChars = options.maxOutputChars ?? 8000
  const settings: ModelCallSettings = {
    modelId: `${model.provider}/${model.modelId}`,
    retry: {
      retries: options.retry?.retries ?? 3,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    },
    timeoutMs: options.timeoutMs ?? 60_000,
    deadlines: new RequestDeadlines(),
  }
  const catalogues = new WeakMap<readonly CapabilityInfo[], ToolCatalogue>()
  const catalogueOf = (capabilities: readonly CapabilityInfo[]): ToolCatalogue => {
    let catalogue = catalogues.get(capabilities)
    if (!catalogue) catalogues.set(capabilities, (catalogue = new ToolCatalogue(capabilities)))
    return catalogue
  }

  // What stays the same for every decision of one run of a task (the runtime gives a run one
  // `context.task`): the result fields, the system and task messages, the requests' signal. Kept
  // on the run's task object under this planner's own symbol, so it lives exactly as long as the
  // run. Not a WeakMap: V8's young-generation collector keeps every WeakMap entry (key and value)
  // until a full collection, so an entry per task run was copied and promoted with everything it
  // held, which cost more CPU per task than the planner's own work.
  const RUN = Symbol('model planner run')
  // Only for a task object that takes no property (a frozen context built by hand in a test).
  const sealedRuns = new WeakMap<PlannerContext['task'], TaskRun>()
  const runOf = (context: PlannerContext): TaskRun => {
    const task = context.task as PlannerContext['task'] & { [RUN]?: TaskRun }
    let run = task[RUN] ?? sealedRuns.get(task)
    if (!run) {
      const fields = returnFields(task.prompt)
      const head: ModelMessage[] = [
        { role: 'system', content: systemPrompt(context, { instructions, fields }) },
        { role: 'user', content: [{ type: 'text', text: task.prompt }] },
      ]
      run = { fields, head, requests: { controller: null, stopped: null, linked: false } }
      // Not enumerable: the task object is the runtime's, and whoever copies or prints it should not see this.
      if (Object.isExtensible(task)) Object.defineProperty(task, RUN, { value: run })
      else sealedRuns.set(task, run)
    }
    return run
  }

  async function plan(context: PlannerContext): Promise<PlannerDecision> {
    if (context.decision >= maxSteps)
      return {
        type: 'fail',
        message: `The model made ${context.decision} decisions without finishing`,
        recoverable: true,
        suggestion: 'Split the task or raise maxSteps',
      }
    let refused = 0
    let last: CallRecord | undefined
    for (const call of context.history) {
      if (call.status !== 'failed' || !REFUSED.has(call.error?.code ?? '')) continue
      refused++
      last = call
    }
    if (refused > maxCorrections) {
      return {
        type: 'fail',
        message: `The runtime refused ${refused} of the model's calls (last: ${last!.error!.message})`,
        recoverable: true,
        suggestion: 'Describe the tools the task needs more precisely, or raise maxCorrections',
      }
    }
    const catalogue = catalogueOf(context.capabilities)
    const run = runOf(context)
    const { fields } = run
    const prompt = conversation(context, catalogue, { head: run.head, maxOutputChars })
    const request: Omit<ModelCallOptions, 'abortSignal'> = {
      prompt,
      tools: catalogue.tools,
      toolChoice: TOOL_CHOICE,
      temperature: options.temperature ?? 0,
    }
    if (options.maxOutputTokens !== undefined) request.maxOutputTokens = options.maxOutputTokens
    if (options.structuredOutput === 'response-format' && fields.length > 0)
      request.responseFormat = { type: 'json', schema: resultSchema(fields), name: 'result' }

    let corrections = 0
    let resultCorrected = false
    for (;;) {
      const answer = await callModel({ model, request, run: run.requests }, context, settings)
      if (answer.toolCalls.length > 0) {
        const decision = fromToolCalls(catalogue, answer.toolCalls)
        if (!('malformed' in decision)) return decision
        if (corrections >= maxCorrections)
          return {
            type: 'fail',
            message: `The model sent tool input that is not a JSON object ${corrections + 1} times (${decision.malformed.join(', ')})`,
            recoverable: true,
          }
        corrections++
        context.note(
          `the model sent tool input that is not JSON (${decision.malformed.join(', ')}); asked it to correct`,
        )
        prompt.push(...correction(answer.toolCalls))
        continue
      }
      const parsed = parseResult(answer.text, fields)
      if (parsed.ok) return { type: 'finish', result: parsed.value }
      if (resultCorrected) {
        return {
          type: 'fail',
          code: 'model_result_invalid',
          message: `The model's result did not follow the requested fields (${fields.join(', ')}): ${parsed.issue}`,
          recoverable: true,
          suggestion: 'Retry the task, or name the fields to return more plainly',
        }
      }
      resultCorrected = true
      context.note(`the result did not follow the requested fields (${parsed.issue}); asked the model once more`)
      prompt.push(
        { role: 'assistant', content: [{ type: 'text', text: answer.text || '(no answer)' }] },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: `That answer cannot be used: ${parsed.issue}. Reply with only a JSON object with the fields ${fields.join(', ')}.`,
            },
          ],
        },
      )
    }
  }

  return { name: options.name ?? 'model-planner', refusals: 'report', replay: 'observed', plan }
}

/** The decision a turn with tool calls makes, or the calls whose input could not be read. */
function fromToolCalls(
  catalogue: ToolCatalogue,
  toolCalls: readonly ModelToolCallPart[],
): PlannerDecision | { malformed: string[] } {
  const calls: PlannedCall[] = []
  const malformed: string[] = []
  let ask: Record<string, unknown> | null = null
  for (const call of toolCalls) {
    const input = inputOf(call.input)
    if (input === null) malformed.push(call.toolName)
    else if (call.toolName === ASK_USER) ask ??= input
    else calls.push(plannedCall(catalogue, call.toolName, input))
  }
  if (malformed.length > 0) return { malformed }
  // Calls first: what they return may answer the question.
  if (calls.length > 0) return { type: 'call', calls }
  return askOf(ask ?? {})
}

/** The turn that sent malformed input, answered with an error for it (and "not run" for the rest). */
function correction(toolCalls: readonly ModelToolCallPart[]): ModelMessage[] {
  const results: ModelToolResultPart[] = toolCalls.map((call) => ({
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    output:
      inputOf(call.input) === null
        ? {
            type: 'error-text',
            value:
              'invalid_tool_input: the input is not a JSON object. Call the tool again with a JSON object that fits its schema.',
          }
        : {
            type: 'error-text',
            value: 'Not run: another call of this turn was malformed. Call it again together with the corrected one.',
          },
  }))
  return [
    {
      role: 'assistant',
      content: toolCalls.map((call) => ({
        type: 'tool-call',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        input: inputOf(call.input) ?? String(call.input),
      })),
    },
    { role: 'tool', content: results },
  ]
}
