import type { CallRecord, PlannerContext } from '@inboard/core'
import type { ModelMessage, ModelToolResultOutput } from './model-types.js'
import { resultSchema } from './return-fields.js'
import { ASK_USER, type ToolCatalogue } from './tool-catalogue.js'

export interface SystemPromptOptions {
  instructions: string | undefined
  fields: readonly string[]
}

/** A tool output as the model reads it: JSON, cut to `max` characters with the cut said. */
export function capped(output: unknown, max: number): string {
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? 'null')
  if (text.length <= max) return text
  return `${text.slice(0, max)}… [output cut: ${text.length - max} of ${text.length} characters not shown]`
}

function resultOf(call: CallRecord, max: number): ModelToolResultOutput {
  if (call.status === 'complete') return { type: 'text', value: capped(call.output, max) }
  if (call.status === 'skipped')
    return { type: 'text', value: 'Not run: this is a test-mode task and the tool has side effects. Treat it as done.' }
  const error = call.error
  const hint =
    error?.code === 'capability_not_allowed' || error?.code === 'invalid_tool_input'
      ? ' Correct the call (use only the tools listed, with input that fits their schema).'
      : ''
  return {
    type: 'error-text',
    value: `${error?.code ?? 'error'}: ${error?.message ?? 'the call failed'}.${hint}${error?.suggestion ? ` ${error.suggestion}` : ''}`,
  }
}

const ROLE = 'You carry out one task for an application, using only the tools you are given.'
const RULES = [
  '- Call tools to do the work. Call several tools in one turn only when they do not depend on each other.',
  `- Use only values from the task, the person's answers and earlier tool results. When a value you need is missing, call ${ASK_USER}; never guess it.`,
  '- When a tool reports an error, correct the call or choose another tool.',
].join('\n')
const SHORT_ANSWER = '- When the work is done, reply without calling a tool, with a short answer for the person.'

/**
 * The system prompt of a task: the same for every decision of a run. Built by concatenation from
 * the fixed lines, not a joined array: a run builds one, and the model reads it once.
 */
export function systemPrompt(context: PlannerContext, options: SystemPromptOptions): string {
  let prompt = ROLE
  if (options.instructions) prompt += `\n${options.instructions}`
  if (context.subagent) prompt += `\nYou act as the subagent "${context.subagent.id}": ${context.subagent.prompt}`
  prompt += `\n${RULES}\n`
  prompt +=
    options.fields.length > 0
      ? `- When the work is done, reply without calling a tool, with only a JSON object with the fields ${options.fields.join(', ')} (JSON Schema: ${JSON.stringify(resultSchema(options.fields))}).`
      : SHORT_ANSWER
  if (context.task.user_id !== null) prompt += `\nThe task runs for the user "${context.task.user_id}".`
  if (context.task.mode === 'test')
    prompt += '\nThis is a test-mode task: tools with side effects are not run for real.'
  return prompt
}

/**
 * Rebuilds the whole conversation from what the task recorded: the prompt, what a person supplied
 * through `sendInput`, and every call with its outcome. Nothing else is kept between decisions, so
 * a task resumed after input, consent or a restart continues the same conversation. `head` is the
 * system and task messages, built once per run.
 */
export function conversation(
  context: PlannerContext,
  catalogue: ToolCatalogue,
  options: { head: readonly ModelMessage[]; maxOutputChars: number },
): ModelMessage[] {
  const { head, maxOutputChars } = options
  const messages: ModelMessage[] = [...head]
  const { values, messages: said } = context.input
  if (Object.keys(values).length > 0 || said.length > 0) {
    const parts = [...said]
    if (Object.keys(values).length > 0) parts.push(`Values: ${JSON.stringify(values)}`)
    messages.push({
      role: 'user',
      content: [{ type: 'text', text: `The person answered your questions:\n${parts.join('\n')}` }],
    })
  }
  context.history.forEach((call, index) => {
    const id = `call_${index + 1}`
    const toolName = catalogue.nameOf(call.tool, call.capability)
    messages.push({ role: 'assistant', content: [{ type: 'tool-call', toolCallId: id, toolName, input: call.input }] })
    messages.push({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: id, toolName, output: resultOf(call, maxOutputChars) }],
    })
  })
  return messages
}
