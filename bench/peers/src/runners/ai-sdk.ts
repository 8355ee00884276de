import type { LanguageModelV3GenerateResult, LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { generateText, stepCountIs, tool } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { runBenchmark } from '../harness/run-benchmark.js'

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
}

const callTool: LanguageModelV3GenerateResult = {
  content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: TOOL_NAME, input: JSON.stringify(TOOL_INPUT) }],
  finishReason: { unified: 'tool-calls', raw: undefined },
  usage,
  warnings: [],
}

const finish: LanguageModelV3GenerateResult = {
  content: [{ type: 'text', text: FINAL_TEXT }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
}

// Answers from the conversation rather than a call index, so concurrent tasks can share the model.
const answer = async (options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> =>
  options.prompt.some((message) => message.role === 'tool') ? finish : callTool

await runBenchmark({
  library: 'ai',
  setup: (counter) => {
    const model = new MockLanguageModelV3({ doGenerate: answer })
    const tools = {
      [TOOL_NAME]: tool({
        description: TOOL_DESCRIPTION,
        inputSchema: z.object({ x: z.string() }),
        execute: async (input) => counter.record(input),
      }),
    }
    return {
      runTask: async () => {
        const result = await generateText({ model, tools, prompt: PROMPT, stopWhen: stepCountIs(5) })
        // The mock records every call for assertions; drop them so they do not count as the SDK's heap.
        model.doGenerateCalls.length = 0
        const toolResult = result.steps[0]?.toolResults[0]
        check(toolResult?.toolName === TOOL_NAME && JSON.stringify(toolResult.output) === JSON.stringify(TOOL_INPUT), 'the noop tool result is missing')
        check(result.text === FINAL_TEXT, `final text was "${result.text}"`)
      },
    }
  },
})
