// The server side of the soak, in its own process so its RSS is the server's alone. Started by
// main.ts through fork(); answers { rss } to every 'rss' message (after a GC when asked to settle).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
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
        ? { type: 'call', calls: [{ tool: 'orders', capability: 'lookup', input: { order: /\d+/.exec(context.task.prompt)?.[0] ?? '0' } }] }
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

process.on('message', (message: { type: string }) => {
  if (message.type === 'rss' || message.type === 'settle') {
    if (message.type === 'settle') gc?.()
    process.send?.({ type: 'rss', rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed })
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
