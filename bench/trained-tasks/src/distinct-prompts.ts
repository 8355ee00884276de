import { createRuntime, type Runtime } from '@inboard/core'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

const crm = defineTool({
  name: 'crm',
  description: 'CRM contacts',
  capabilities: {
    find_contact: {
      description: 'Find a contact by email',
      input: z.object({ email: z.string() }),
      run: ({ email }) => ({ email, name: 'Ada' }),
    },
  },
})

/** Prompts that never repeat, as users' prompts do: each teaches the default planner's run a new plan. */
const prompt = (i: number): string =>
  `Find the contact with email user${i}@example.com and note ${i.toString(36)} ${['urgent', 'later', 'follow-up'][i % 3]} ${i * 7}`

async function throughput(runtime: Runtime, from: number, count: number): Promise<number> {
  const started = performance.now()
  const inFlight = 100
  for (let at = from; at < from + count; at += inFlight) {
    const ids = await Promise.all(
      Array.from(
        { length: Math.min(inFlight, from + count - at) },
        async (_, i) => (await Promise.resolve(runtime.tasks.create({ prompt: prompt(at + i) }))).id,
      ),
    )
    for (const id of ids) {
      const done = await runtime.tasks.wait(id)
      if (done.status !== 'complete') throw new Error(`bench task ended ${done.status}: ${done.error?.message ?? ''}`)
    }
  }
  return count / ((performance.now() - started) / 1000)
}

/**
 * Tasks per second over `tasks` distinct prompts with memory on (learning a plan per task, 500 kept
 * per subagent) and off, in the same process, in alternating halves so both see the same machine;
 * then how long `close()` takes with memory on.
 */
export async function distinctPrompts(
  options: { tasks?: number } = {},
): Promise<{ onPerSecond: number; offPerSecond: number; ratio: number; closeMs: number }> {
  const tasks = options.tasks ?? 10_000
  const on = createRuntime({ tools: [crm], retention: { maxTasks: 1_000 } })
  const off = createRuntime({ tools: [crm], memory: { enabled: false }, retention: { maxTasks: 1_000 } })
  // Warm both up (module code, JIT) before timing.
  await throughput(on, -1_000, 500)
  await throughput(off, -1_000, 500)
  const half = tasks / 2
  let onSeconds = 0
  let offSeconds = 0
  for (const [index, from] of [0, half].entries()) {
    const order = index === 0 ? ([off, on] as const) : ([on, off] as const)
    for (const runtime of order) {
      const perSecond = await throughput(runtime, from, half)
      if (runtime === on) onSeconds += half / perSecond
      else offSeconds += half / perSecond
    }
  }
  const closing = performance.now()
  await on.close()
  const closeMs = performance.now() - closing
  await off.close()
  const onPerSecond = tasks / onSeconds
  const offPerSecond = tasks / offSeconds
  return { onPerSecond, offPerSecond, ratio: onPerSecond / offPerSecond, closeMs }
}
