import { createModelPlanner } from '@inboard/ai'
import { createRuntime } from '@inboard/core'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'
import { FINAL_TEXT, PROMPT, TOOL_DESCRIPTION, TOOL_NAME, check } from '../harness/bench-task.js'
import { createFakeModel } from '../harness/fake-model.js'
import { runBenchmark } from '../harness/run-benchmark.js'

await runBenchmark({
  library: 'inboard-model',
  setup: (counter) => {
    const noop = defineTool({
      name: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      capabilities: {
        run: { description: 'No-op', input: z.object({ x: z.string() }), run: async (input) => counter.record(input) },
      },
    })
    // The AI SDK row's fake model, asked twice per task: once for the tool call, once for the text.
    const model = createFakeModel()
    // Execution memory would replay the plan without asking the model from the second task on; this
    // row measures the model loop, so memory is off. Default options otherwise.
    const runtime = createRuntime({
      tools: [noop],
      planner: createModelPlanner({ model }),
      concurrency: 10,
      memory: { enabled: false },
    })
    return {
      runTask: async () => {
        const task = await runtime.tasks.create({ prompt: PROMPT })
        const done = await runtime.tasks.wait(task.id)
        check(
          done.status === 'complete' && done.result === FINAL_TEXT,
          `task ended ${done.status} with ${JSON.stringify(done.result ?? done.error)}`,
        )
        const { steps } = await runtime.tasks.trace(task.id)
        check(
          steps.some((step) => step.tool === TOOL_NAME && step.action === 'run' && step.status === 'complete'),
          'the trace has no completed noop.run step',
        )
        check(
          steps.filter((step) => step.tool === 'model' && step.status === 'complete').length === 2,
          'the trace does not show two model calls',
        )
        // As in the AI SDK row: the mock records every call; drop them so they do not count as heap.
        model.doGenerateCalls.length = 0
      },
      close: () => runtime.close(),
    }
  },
})
