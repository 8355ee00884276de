import PQueue from 'p-queue'
import { noopTool, twoDecisions } from './workload.js'

/**
 * The same work without the runtime: a p-queue job that asks the same planner twice and calls the
 * same capability in between. What Inboard adds on top of this is its overhead.
 */
export async function runBaseline(count: number, inFlight: number): Promise<void> {
  const queue = new PQueue({ concurrency: inFlight })
  const capability = noopTool.capabilities.run
  const signal = new AbortController().signal
  const context = {
    task: { id: 'task_x', prompt: 'noop', user_id: null, mode: 'live' as const, metadata: {} },
    subagent: null,
    capabilities: [],
    input: { messages: [], values: {} },
    signal,
    note: () => undefined,
  }
  const job = async (): Promise<void> => {
    const first = await twoDecisions.plan({ ...context, decision: 0, history: [] })
    if (first.type !== 'call') throw new Error('expected a call')
    const call = first.calls[0]!
    const output = await capability.run(capability.input.parse(call.input), {
      signal,
      task_id: 'task_x',
      user_id: null,
      mode: 'live',
      idempotencyKey: 'task_x.0',
      note: () => undefined,
    })
    const second = await twoDecisions.plan({
      ...context,
      decision: 1,
      history: [{ ...call, status: 'complete', output }],
    })
    if (second.type !== 'finish') throw new Error('expected finish')
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++
      await queue.add(job)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
}
