// Heap held by 1,000 open event streams on one server: opens them (half reading, half never
// reading), pushes events through, and prints the heap before and after. Run with
// `node --expose-gc --import tsx src/sse-streams.ts` from bench/http.
import { createServer, request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRuntime } from '@inboard/core'
import { createHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'

const STREAMS = 1_000
const KEY = 'pk_test_benchStreams000000000001'
const gc = (globalThis as { gc?: () => void }).gc
const heapMb = (): number => {
  gc?.()
  return process.memoryUsage().heapUsed / 1_048_576
}

const runtime = createRuntime({
  planner: { name: 'done', plan: () => ({ type: 'finish', result: 'x'.repeat(2_000) }) },
  telemetry: false,
})
const handler = createHandler(runtime, {
  keys: [{ key: KEY }],
  rateLimit: { requestsPerMinute: 1_000_000 },
  events: { maxStreamsPerKey: STREAMS },
})
const server = createServer(createNodeListener(handler))
server.maxConnections = STREAMS + 100
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as AddressInfo

const before = heapMb()
const responses: IncomingMessage[] = []
for (let i = 0; i < STREAMS; i++) {
  responses.push(
    await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/v1/events', headers: { Authorization: `Bearer ${KEY}` }, agent: false },
        resolve,
      )
      req.on('error', reject)
      req.end()
    }),
  )
}
let received = 0
responses.forEach((response, i) =>
  i % 2 === 0 ? response.on('data', (chunk: Buffer) => (received += chunk.length)) : response.pause(),
)
const opened = heapMb()

const TASKS = 200
// Yields to I/O after each task so the reading clients (same process) do read.
for (let i = 0; i < TASKS; i++, await new Promise((resolve) => setImmediate(resolve)))
  await runtime.tasks.wait(
    (
      await Promise.resolve(
        runtime.tasks.create({ prompt: `bench ${i} ${'p'.repeat(1_000)}` }, { account: 'default:test' }),
      )
    ).id,
  )
await new Promise((resolve) => setTimeout(resolve, 500))
const after = heapMb()
const stillOpen = responses.filter((response) => !response.destroyed && !response.complete).length

console.log(
  `streams opened: ${STREAMS} (half reading, half never reading); tasks run: ${TASKS}; bytes read by the readers: ${(received / 1_048_576).toFixed(1)} MB`,
)
console.log(
  `heap used: ${before.toFixed(1)} MB before, ${opened.toFixed(1)} MB with ${STREAMS} streams open (${(((opened - before) * 1024) / STREAMS).toFixed(1)} KB per stream), ${after.toFixed(1)} MB after the events`,
)
console.log(
  `client sockets still open: ${stillOpen} (a non-reading stream is ended and its queue freed past 256 KB; its socket stays until the client goes)`,
)
for (const response of responses) response.destroy()
server.closeAllConnections()
server.close()
await handler.close()
await runtime.close({ deadlineMs: 0 })
