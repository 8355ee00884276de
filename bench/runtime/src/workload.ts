import { createRuntime, type Planner, type Runtime, type RuntimeOptions } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** The one no-op capability every benchmark task calls. */
export const noopTool = defineTool({
  name: 'noop',
  description: 'Does nothing',
  capabilities: { run: { description: 'No-op', input: z.object({ x: z.string() }), run: async ({ x }) => ({ x }) } },
})

/** Scripted planner: call the no-op once, then finish. */
export const twoDecisions: Planner = createScriptedPlanner([
  { type: 'call', calls: [{ tool: 'noop', capability: 'run', input: { x: 'hi' } }] },
  { type: 'finish', result: 'done' },
])

export function benchRuntime(options: RuntimeOptions = {}): Runtime {
  return createRuntime({ tools: [noopTool], planner: twoDecisions, ...options })
}

/** Runs `count` tasks `inFlight` at a time on a runtime and checks every one completed. */
export async function runTasks(runtime: Runtime, count: number, inFlight: number): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++
      const task = await runtime.tasks.create({ prompt: 'noop' })
      const done = await runtime.tasks.wait(task.id)
      if (done.status !== 'complete' || done.result !== 'done') throw new Error(`task ended ${done.status}`)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
}
