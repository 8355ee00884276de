import type { Planner } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** The no-op work both sides do: Inboard calls it as a capability, plain BullMQ as the job. */
export const noop = async ({ x }: { x: string }): Promise<{ x: string }> => ({ x })

/** The one no-op capability every benchmark task calls (as in bench/runtime). */
export const noopTool = defineTool({
  name: 'noop',
  description: 'Does nothing',
  capabilities: { run: { description: 'No-op', input: z.object({ x: z.string() }), run: noop } },
})

/** Scripted planner: call the no-op once, then finish. */
export const twoDecisions: Planner = createScriptedPlanner([
  { type: 'call', calls: [{ tool: 'noop', capability: 'run', input: { x: 'hi' } }] },
  { type: 'finish', result: 'done' },
])

/** Tasks (or jobs) running at once per process, on both sides. */
export const CONCURRENCY = Number(process.env['SCALE_CONCURRENCY'] ?? 50)
