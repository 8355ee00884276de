import { generateText, stepCountIs, tool } from 'ai'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { createFakeModel } from '../harness/fake-model.js'
import { runBenchmark } from '../harness/run-benchmark.js'

await runBenchmark({
  library: 'ai',
  setup: (counter) => {
    const model = createFakeModel()
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
        check(
          toolResult?.toolName === TOOL_NAME && JSON.stringify(toolResult.output) === JSON.stringify(TOOL_INPUT),
          'the noop tool result is missing',
        )
        check(result.text === FINAL_TEXT, `final text was "${result.text}"`)
      },
    }
  },
})
