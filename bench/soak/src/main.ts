// pnpm bench:soak — the REST API under a mixed load on loopback for 60 s (SOAK_SECONDS to change):
// two accounts, 50 connections mixing creates with distinct prompts, reads, lists, traces and bad
// requests, plus open event streams; memory on. Prints requests/s, p99, the 5xx count and the
// server's RSS at start, at its peak and after the load drains, against the targets.
import { fork } from 'node:child_process'
import { request, type IncomingMessage } from 'node:http'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import { KEYS } from './keys.js'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const CONNECTIONS = 50
const STREAMS_PER_ACCOUNT = 5
const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(0)} MB`

const child = fork(new URL('./server.ts', import.meta.url), [], { execArgv: ['--conditions=inboard-source', '--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const replies: Array<(message: { type: string; url?: string; rss?: number; heap?: number }) => void> = []
child.on('message', (message: { type: string }) => replies.shift()?.(message))
const next = (): Promise<{ type: string; url?: string; rss?: number; heap?: number }> => new Promise((resolve) => replies.push(resolve))
let heap = 0
const rss = async (settle: boolean): Promise<number> => {
  const reply = next()
  child.send({ type: settle ? 'settle' : 'rss' })
  const answer = await reply
  heap = answer.heap!
  return answer.rss!
}

const { url } = await next()
const base = url!
const auth = (i: number): Record<string, string> => ({ authorization: `Bearer ${KEYS[i % 2]!.key}`, 'content-type': 'application/json' })

// Tasks to read back, per account.
const ids: string[][] = [[], []]
for (let i = 0; i < 40; i++) {
  const response = await fetch(`${base}/v1/tasks`, { method: 'POST', headers: auth(i), body: JSON.stringify({ prompt: `Look up order ${i} for the seed customer` }) })
  ids[i % 2]!.push(((await response.json()) as { id: string }).id)
}
await new Promise((resolve) => setTimeout(resolve, 1_000))
const start = await rss(true)
const startHeap = heap

let streamBytes = 0
const streams: IncomingMessage[] = []
for (let i = 0; i < STREAMS_PER_ACCOUNT * 2; i++) {
  streams.push(
    await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${base}/v1/events`, { headers: auth(i), agent: false }, resolve)
      req.on('error', reject)
      req.end()
    }),
  )
}
for (const stream of streams) stream.on('data', (chunk: Buffer) => (streamBytes += chunk.length))

let peak = start
const sampler = setInterval(() => void rss(false).then((value) => (peak = Math.max(peak, value))), 250)

let counter = 0
const wide = `{"prompt":"wide","metadata":{${Array.from({ length: 2_000 }, (_, i) => `"k${i}":1`).join(',')}}}`
const bad: Array<{ method: string; path: string; body?: string; account: boolean }> = [
  { method: 'POST', path: '/v1/tasks', body: '{"prompt":', account: true },
  { method: 'GET', path: '/v1/tasks?stauts=failed', account: true },
  { method: 'GET', path: '/v1/nowhere', account: true },
  { method: 'GET', path: '/v1/tasks', account: false },
  { method: 'POST', path: '/v1/tasks', body: wide, account: true },
  { method: 'GET', path: '/v1/tasks/task_doesnotexist000000000', account: true },
]
const result = await autocannon({
  url: base,
  connections: CONNECTIONS,
  duration: SECONDS,
  requests: [
    {
      setupRequest: (req) => {
        const n = counter++
        const account = n % 2
        const roll = n % 20
        const headers = auth(account)
        const known = ids[account]!
        if (roll < 6) return { ...req, method: 'POST', path: '/v1/tasks', headers, body: JSON.stringify({ prompt: `Look up order ${n} for customer ${(n * 7919) % 100_003} about ${['a late parcel', 'a refund', 'an address change', 'a missing item'][n % 4]!}` }) }
        if (roll < 12) return { ...req, method: 'GET', path: `/v1/tasks/${known[n % known.length]!}`, headers }
        if (roll < 15) return { ...req, method: 'GET', path: '/v1/tasks?limit=100', headers }
        if (roll < 16) return { ...req, method: 'GET', path: `/v1/tasks/${known[n % known.length]!}/trace`, headers }
        const wrong = bad[n % bad.length]!
        return { ...req, method: wrong.method as 'GET', path: wrong.path, headers: wrong.account ? headers : { 'content-type': 'application/json' }, ...(wrong.body === undefined ? {} : { body: wrong.body }) }
      },
    },
  ],
})
clearInterval(sampler)
for (const stream of streams) stream.destroy()
// Drain: the last tasks finish and memory writes settle.
await new Promise((resolve) => setTimeout(resolve, 3_000))
const after = await rss(true)
const afterHeap = heap
child.send({ type: 'stop' })

const codes = result.statusCodeStats as unknown as Record<string, { count: number }>
const count = (from: number, to: number): number => Object.entries(codes).reduce((sum, [code, { count }]) => (Number(code) >= from && Number(code) < to ? sum + count : sum), 0)
const fiveXx = count(500, 600) + result.errors + result.timeouts
const ratio = after / start
const targets = fiveXx === 0 && ratio <= 1.5 && result.latency.p99 <= 2_000
console.log(
  `soak ${SECONDS} s, ${CONNECTIONS} connections, 2 accounts, ${STREAMS_PER_ACCOUNT * 2} event streams (${mb(streamBytes)} read): ` +
    `${result.requests.total} requests, ${result.requests.average.toFixed(0)} requests/s, p99 ${result.latency.p99} ms, ` +
    `2xx ${count(200, 300)}, 4xx ${count(400, 500)}, 5xx ${count(500, 600)} (errors ${result.errors}, timeouts ${result.timeouts}); ` +
    `server RSS ${mb(start)} at start, ${mb(peak)} peak, ${mb(after)} after drain (${ratio.toFixed(2)}×; heap used ${mb(startHeap)} → ${mb(afterHeap)}); ` +
    `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}; targets (0 5xx, RSS after ≤ 1.5× start, p99 ≤ 2 s) ${targets ? 'met' : 'NOT met'}`,
)
process.exitCode = targets ? 0 : 1
