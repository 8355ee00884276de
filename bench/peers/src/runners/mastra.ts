import type {
  LanguageModelV2,
  LanguageModelV2CallOptions,
  LanguageModelV2Content,
  LanguageModelV2StreamPart,
} from '@ai-sdk/provider-v5'
import { Agent } from '@mastra/core/agent'
import { createTool } from '@mastra/core/tools'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { runBenchmark } from '../harness/run-benchmark.js'

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 }

function streamOf(parts: LanguageModelV2StreamPart[]): ReadableStream<LanguageModelV2StreamPart> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part)
      controller.close()
    },
  })
}

const answered = (options: LanguageModelV2CallOptions): boolean =>
  options.prompt.some((message) => message.role === 'tool')

function streamParts(options: LanguageModelV2CallOptions): LanguageModelV2StreamPart[] {
  if (answered(options)) {
    return [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: FINAL_TEXT },
      { type: 'text-end', id: 'text-1' },
      { type: 'finish', finishReason: 'stop', usage },
    ]
  }
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'tool-call', toolCallId: 'call-1', toolName: TOOL_NAME, input: JSON.stringify(TOOL_INPUT) },
    { type: 'finish', finishReason: 'tool-calls', usage },
  ]
}

/**
 * Mastra's own `createMockModel` only returns text, and the AI SDK 5 `MockLanguageModelV2` its
 * agents accept needs `msw` to load, so this is the smallest AI SDK 5 model. It answers from the
 * conversation rather than a call index, so concurrent tasks can share it.
 */
class ScriptedModelV2 implements LanguageModelV2 {
  readonly specificationVersion = 'v2'
  readonly provider = 'scripted'
  readonly modelId = 'scripted'
  readonly supportedUrls = {}

  async doGenerate(options: LanguageModelV2CallOptions) {
    const content: LanguageModelV2Content[] = answered(options)
      ? [{ type: 'text', text: FINAL_TEXT }]
      : [{ type: 'tool-call', toolCallId: 'call-1', toolName: TOOL_NAME, input: JSON.stringify(TOOL_INPUT) }]
    return {
      content,
      finishReason: answered(options) ? ('stop' as const) : ('tool-calls' as const),
      usage,
      warnings: [],
    }
  }

  async doStream(options: LanguageModelV2CallOptions) {
    return { stream: streamOf(streamParts(options)) }
  }
}

await runBenchmark({
  library: 'mastra',
  setup: (counter) => {
    const model = new ScriptedModelV2()
    const noop = createTool({
      id: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      inputSchema: z.object({ x: z.string() }),
      execute: async ({ context }) => counter.record(context),
    })
    const agent = new Agent({
      name: 'bench',
      instructions: 'Use the noop tool once.',
      model,
      tools: { [TOOL_NAME]: noop },
    })
    return {
      runTask: async () => {
        const result = await agent.generate(PROMPT)
        const toolResult = result.toolResults[0]?.payload
        check(
          toolResult?.toolName === TOOL_NAME && JSON.stringify(toolResult.result).includes(TOOL_INPUT.x),
          'the noop tool result is missing',
        )
        check(result.text === FINAL_TEXT, `final text was "${result.text}"`)
      },
    }
  },
})
