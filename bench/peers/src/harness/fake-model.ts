import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider'
import { MockLanguageModelV3 } from 'ai/test'
import { FINAL_TEXT, TOOL_INPUT, TOOL_NAME } from './bench-task.js'

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
}

const finish: LanguageModelV3GenerateResult = {
  content: [{ type: 'text', text: FINAL_TEXT }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
}

// One answer object per tool name, built once: the model costs the same for every library.
const toolCalls = new Map<string, LanguageModelV3GenerateResult>()
function callTool(name: string): LanguageModelV3GenerateResult {
  let answer = toolCalls.get(name)
  if (answer === undefined) {
    answer = {
      content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: name, input: JSON.stringify(TOOL_INPUT) }],
      finishReason: { unified: 'tool-calls', raw: undefined },
      usage,
      warnings: [],
    }
    toolCalls.set(name, answer)
  }
  return answer
}

/**
 * The fake model of the AI SDK and Inboard model-planner rows: `MockLanguageModelV3` from `ai/test`.
 * It answers from the conversation rather than a call index, so concurrent tasks can share it: with
 * no tool result yet it calls the first tool it is offered (`noop` for the AI SDK, `noop__run` for
 * Inboard, which names functions `<tool>__<capability>`), then it answers {@link FINAL_TEXT}.
 */
export function createFakeModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async (options: LanguageModelV3CallOptions) => {
      if (options.prompt.some((message) => message.role === 'tool')) return finish
      const first = options.tools?.[0]
      return callTool(first?.type === 'function' ? first.name : TOOL_NAME)
    },
  })
}
