import type { BaseChatModelCallOptions, BindToolsInput } from '@langchain/core/language_models/chat_models'
import { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { BaseMessage } from '@langchain/core/messages'
import { AIMessage, ToolMessage } from '@langchain/core/messages'
import type { ChatResult } from '@langchain/core/outputs'
import { tool } from '@langchain/core/tools'
import { createReactAgent } from '@langchain/langgraph/prebuilt'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { runBenchmark } from '../harness/run-benchmark.js'

/**
 * `@langchain/core/utils/testing` has no fake chat model that alternates a tool call and text
 * (`FakeListChatModel` only returns strings, `FakeStreamingChatModel` repeats its first answer), so
 * this is the smallest `BaseChatModel`: it answers from the conversation, like the other runners.
 */
class ScriptedChatModel extends BaseChatModel {
  _llmType(): string {
    return 'scripted'
  }

  // createReactAgent binds once and caches the bound model; nothing needs formatting for a fake.
  override bindTools(_tools: BindToolsInput[]): this {
    return this
  }

  async _generate(messages: BaseMessage[], _options: BaseChatModelCallOptions): Promise<ChatResult> {
    const answered = messages.some((message) => ToolMessage.isInstance(message))
    const message = answered
      ? new AIMessage({ content: FINAL_TEXT })
      : new AIMessage({
          content: '',
          tool_calls: [{ id: 'call-1', name: TOOL_NAME, args: { ...TOOL_INPUT }, type: 'tool_call' }],
        })
    return { generations: [{ text: answered ? FINAL_TEXT : '', message }] }
  }
}

await runBenchmark({
  library: 'langgraph',
  setup: (counter) => {
    const noop = tool(async (input) => JSON.stringify(counter.record(input)), {
      name: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      schema: z.object({ x: z.string() }),
    })
    const agent = createReactAgent({ llm: new ScriptedChatModel({}), tools: [noop] })
    return {
      runTask: async () => {
        const { messages } = await agent.invoke({ messages: [{ role: 'user', content: PROMPT }] })
        const toolMessage = messages.find((message) => ToolMessage.isInstance(message))
        check(
          toolMessage?.name === TOOL_NAME && toolMessage.text.includes(TOOL_INPUT.x),
          'the noop tool message is missing',
        )
        check(messages.at(-1)?.text === FINAL_TEXT, `final message was "${messages.at(-1)?.text}"`)
      },
    }
  },
})
