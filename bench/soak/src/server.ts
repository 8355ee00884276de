// The server side of the soak, in its own process so its RSS is the server's alone. Started by
// main.ts through fork(); answers 'usage' with process.memoryUsage() and the tasks not yet ended, and
// 'settle' with memory after full collections (see settle()). SOAK_SNAPSHOTS=<dir> writes heap
// snapshots on 'snapshot'; SOAK_SPACES=1 prints V8's heap spaces when settling.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import { createRuntime } from '@inboard/core'
import { createHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'
import { KEYS } from './keys.js'

const orders = defineTool({
  name: 'orders',
  description: 'Order lookups',
  tags: ['order', 'customer'],
  capabilities: {
    lookup: {
      description: 'Look up an order by number',
      input: z.object({ order: z.string() }),
      run: async ({ order }) => ({ order, status: 'shipped', items: 3 }),
    },
  },
})

// Memory stays on (the default): every task's plan is observed and learned under its prompt's shape.
const runtime = createRuntime({
  tools: [orders],
  planner: {
    name: 'soak',
    plan: (context) =>
      context.history.length === 0
        ? {
            type: 'call',
            calls: [
              { tool: 'orders', capability: 'lookup', input: { order: /\d+/.exec(context.task.prompt)?.[0] ?? '0' } },
            ],
          }
        : { type: 'finish', result: context.history.at(-1)?.output ?? null },
  },
  telemetry: false,
})
const handler = createHandler(runtime, {
  keys: KEYS.map(({ key, account }) => ({ key, account, requestsPerMinute: 100_000_000 })),
  onError: (error) => console.error('[soak server]', error),
})
const server = createServer(createNodeListener(handler))
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const gc = (globalThis as { gc?: () => void }).gc

// Tasks created and not yet ended, so the bench can tell when the load has drained.
let open = 0
runtime.subscribe((event) => {
  if (event.type === 'task.created') open++
  else if (event.type === 'task.complete' || event.type === 'task.failed' || event.type === 'task.cancelled') open--
})

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const mib = (bytes: number): number => Math.round(bytes / 1_048_576)

/**
 * Full collections until the heap stops shrinking. One forced GC compacts only a few megabytes of
 * old space (V8 bounds each collection's compaction), so the heap it leaves depends on how
 * fragmented the burst left it; the ones after it reach what the process really holds. The pause
 * lets concurrent sweeping and page release finish before memory is read.
 */
async function settle(): Promise<{ first: NodeJS.MemoryUsage; settled: NodeJS.MemoryUsage; collections: number }> {
  gc?.()
  await pause(200)
  const first = process.memoryUsage()
  let settled = first
  let collections = 1
  while (collections < 10) {
    gc?.()
    await pause(200)
    collections++
    const now = process.memoryUsage()
    const shrunk = now.heapTotal < settled.heapTotal - 1_048_576 || now.rss < settled.rss - 1_048_576
    settled = now
    if (!shrunk) break
  }
  if (process.env.SOAK_SPACES)
    console.log(
      '[soak server] spaces',
      getHeapSpaceStatistics()
        .map((space) => `${space.space_name} ${mib(space.space_size)}/${mib(space.space_used_size)} MB`)
        .join(', '),
    )
  return { first, settled, collections }
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'usage') process.send?.({ type: 'usage', usage: process.memoryUsage(), open })
  if (message.type === 'settle') void settle().then((result) => process.send?.({ type: 'settled', ...result, open }))
  if (message.type === 'snapshot' && process.env.SOAK_SNAPSHOTS) {
    gc?.()
    process.send?.({
      type: 'snapshot',
      path: writeHeapSnapshot(`${process.env.SOAK_SNAPSHOTS}/soak-${Date.now()}.heapsnapshot`),
    })
  }
  if (message.type === 'stop') {
    server.closeAllConnections()
    server.close()
    void handler
      .close()
      .then(() => runtime.close({ deadlineMs: 5_000 }))
      .then(() => process.exit(0))
  }
})
process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
