import { Agent, Usage, run, setTracingDisabled, tool } from '@openai/agents'
import type { Model, ModelRequest, ModelResponse, StreamEvent, protocol } from '@openai/agents'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { runBenchmark } from '../harness/run-benchmark.js'

const USAGE = { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }

/**
 * The SDK ships no fake model, so this is the smallest `Model`: it answers from the conversation,
 * calling the tool until a tool result is in the input and then returning the final text.
 */
class ScriptedModel implements Model {
  #output(request: ModelRequest): protocol.StreamEventResponseCompleted['response']['output'] {
    const answered =
      typeof request.input !== 'string' && request.input.some((item) => item.type === 'function_call_result')
    return answered
      ? [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: FINAL_TEXT }],
          },
        ]
      : [
          {
            type: 'function_call',
            callId: 'call-1',
            name: TOOL_NAME,
            arguments: JSON.stringify(TOOL_INPUT),
            status: 'completed',
          },
        ]
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return { usage: new Usage(USAGE), output: this.#output(request) }
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    yield { type: 'response_done', response: { id: 'response-1', usage: USAGE, output: this.#output(request) } }
  }
}

// Tracing would export spans to OpenAI's backend; off is the SDK's cheapest configuration.
setTracingDisabled(true)

await runBenchmark({
  library: 'openai-agents',
  setup: (counter) => {
    const noop = tool({
      name: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      parameters: z.object({ x: z.string() }),
      execute: async (input) => counter.record(input),
    })
    const agent = new Agent({
      name: 'bench',
      instructions: 'Use the noop tool once.',
      model: new ScriptedModel(),
      tools: [noop],
    })
    return {
      runTask: async () => {
        const result = await run(agent, PROMPT)
        const output = result.newItems.find((item) => item.type === 'tool_call_output_item')
        check(
          output !== undefined && JSON.stringify(output.output).includes(TOOL_INPUT.x),
          'the noop tool output is missing',
        )
        check(result.finalOutput === FINAL_TEXT, `final output was "${String(result.finalOutput)}"`)
      },
    }
  },
})
