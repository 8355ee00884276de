import { createRuntime } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_INPUT, TOOL_NAME, check } from '../harness/bench-task.js'
import { runBenchmark } from '../harness/run-benchmark.js'

await runBenchmark({
  library: 'inboard',
  setup: (counter) => {
    const noop = defineTool({
      name: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      capabilities: {
        run: { description: 'No-op', input: z.object({ x: z.string() }), run: async (input) => counter.record(input) },
      },
    })
    // The same two decisions the peers' fake models make: call the tool, then finish with the text.
    const planner = createScriptedPlanner([
      { type: 'call', calls: [{ tool: TOOL_NAME, capability: 'run', input: { ...TOOL_INPUT } }] },
      { type: 'finish', result: FINAL_TEXT },
    ])
    // Default options otherwise, including retention: the last 10,000 finished tasks stay readable.
    const runtime = createRuntime({ tools: [noop], planner, concurrency: 10 })
    return {
      runTask: async () => {
        const task = await runtime.tasks.create({ prompt: PROMPT })
        const done = await runtime.tasks.wait(task.id)
        check(
          done.status === 'complete' && done.result === FINAL_TEXT,
          `task ended ${done.status} with ${JSON.stringify(done.result)}`,
        )
        const { steps } = await runtime.tasks.trace(task.id)
        check(
          steps.some((step) => step.tool === TOOL_NAME && step.action === 'run' && step.status === 'complete'),
          'the trace has no completed noop.run step',
        )
      },
      close: () => runtime.close(),
    }
  },
})
