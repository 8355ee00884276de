// pnpm bench:soak — the REST API under a mixed load on loopback for 60 s (SOAK_SECONDS to change):
// two accounts, 50 connections mixing creates with distinct prompts, reads, lists, traces and bad
// requests, plus open event streams; memory on. Prints requests/s, p99, the 5xx count and the
// server's memory at start, at its peak and after the load drains, against the targets.
//
// "Start" is read once the server has served a short warm-up of the same mix (SOAK_WARMUP_REQUESTS,
// 400 by default, on 2 connections with one event stream per account: every route has run at least
// 20 times, so its modules are loaded and its code compiled) and its tasks have ended. "After drain" is read once the load has stopped, the streams are closed and
// every task has ended. Both are read the same way, after full collections until the heap stops
// shrinking (see server.ts); RSS after the first of them is printed too.
import { fork } from 'node:child_process'
import { request, type IncomingMessage } from 'node:http'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import { KEYS } from './keys.js'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const WARMUP_REQUESTS = Number(process.env.SOAK_WARMUP_REQUESTS ?? 400)
const CONNECTIONS = 50
const STREAMS_PER_ACCOUNT = 5
const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(0)} MB`

interface Reply {
  type: string
  url?: string
  usage?: NodeJS.MemoryUsage
  open?: number
  first?: NodeJS.MemoryUsage
  settled?: NodeJS.MemoryUsage
  collections?: number
}

const serverFlags = process.env.SOAK_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []
const child = fork(new URL('./server.ts', import.meta.url), [], {
  execArgv: ['--conditions=inboard-source', '--import', 'tsx', '--expose-gc', ...serverFlags],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const replies: Array<(message: Reply) => void> = []
child.on('message', (message: Reply) => replies.shift()?.(message))
const next = (): Promise<Reply> => new Promise((resolve) => replies.push(resolve))
const ask = (type: string): Promise<Reply> => {
  const reply = next()
  child.send({ type })
  return reply
}
const snapshot = async (): Promise<void> => {
  if (process.env.SOAK_SNAPSHOTS) console.log('heap snapshot', await ask('snapshot'))
}

const { url } = await next()
const base = url!
const auth = (i: number): Record<string, string> => ({
  authorization: `Bearer ${KEYS[i % 2]!.key}`,
  'content-type': 'application/json',
})

// Tasks to read back, per account: 20 seeded, then each replaced in turn by one created under load.
const ids: string[][] = [[], []]
for (let i = 0; i < 40; i++) {
  const response = await fetch(`${base}/v1/tasks`, {
    method: 'POST',
    headers: auth(i),
    body: JSON.stringify({ prompt: `Look up order ${i} for the seed customer` }),
  })
  ids[i % 2]!.push(((await response.json()) as { id: string }).id)
}

const openStreams = async (
  perAccount: number,
): Promise<{ streams: IncomingMessage[]; bytes: () => number; ended: () => number }> => {
  let bytes = 0
  const streams: IncomingMessage[] = []
  for (let i = 0; i < perAccount * 2; i++) {
    streams.push(
      await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${base}/v1/events`, { headers: auth(i), agent: false }, resolve)
        req.on('error', reject)
        req.end()
      }),
    )
  }
  let ended = 0
  for (const stream of streams) {
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length))
    stream.on('end', () => ended++)
  }
  return { streams, bytes: () => bytes, ended: () => ended }
}

let counter = 0
let created = 0
const wide = `{"prompt":"wide","metadata":{${Array.from({ length: 2_000 }, (_, i) => `"k${i}":1`).join(',')}}}`
const bad: Array<{ method: string; path: string; body?: string; account: boolean }> = [
  { method: 'POST', path: '/v1/tasks', body: '{"prompt":', account: true },
  { method: 'GET', path: '/v1/tasks?stauts=failed', account: true },
  { method: 'GET', path: '/v1/nowhere', account: true },
  { method: 'GET', path: '/v1/tasks', account: false },
  { method: 'POST', path: '/v1/tasks', body: wide, account: true },
  { method: 'GET', path: '/v1/tasks/task_doesnotexist000000000', account: true },
]
const mix = (connections: number, length: { duration: number } | { amount: number }): Promise<autocannon.Result> =>
  autocannon({
    url: base,
    connections,
    ...length,
    requests: [
      {
        setupRequest: (req, context) => {
          const n = counter++
          const account = n % 2
          const roll = n % 20
          const headers = auth(account)
          // Reads go to tasks created lately: the seeded ones leave retention once 10,000 newer have ended.
          const known = ids[account]!
          ;(context as { account?: number }).account = account
          if (roll < 6)
            return {
              ...req,
              method: 'POST',
              path: '/v1/tasks',
              headers,
              body: JSON.stringify({
                prompt: `Look up order ${n} for customer ${(n * 7919) % 100_003} about ${['a late parcel', 'a refund', 'an address change', 'a missing item'][n % 4]!}`,
              }),
            }
          if (roll < 12) return { ...req, method: 'GET', path: `/v1/tasks/${known[n % known.length]!}`, headers }
          if (roll < 15) return { ...req, method: 'GET', path: '/v1/tasks?limit=100', headers }
          if (roll < 16) return { ...req, method: 'GET', path: `/v1/tasks/${known[n % known.length]!}/trace`, headers }
          const wrong = bad[n % bad.length]!
          return {
            ...req,
            method: wrong.method as 'GET',
            path: wrong.path,
            headers: wrong.account ? headers : { 'content-type': 'application/json' },
            ...(wrong.body === undefined ? {} : { body: wrong.body }),
          }
        },
        onResponse: (status, body, context) => {
          if (status !== 201) return
          const known = ids[(context as { account: number }).account]!
          known[created++ % known.length] = (JSON.parse(body) as { id: string }).id
        },
      },
    ],
  })

/** Waits until every task created has ended (at most 30 s); returns how many are still open. */
const drain = async (): Promise<number> => {
  const until = Date.now() + 30_000
  for (;;) {
    const { open } = await ask('usage')
    if (open === 0 || Date.now() > until) return open!
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// Warm-up: the same mix, lightly, so "start" is a server that has served every route once.
const warm = await openStreams(1)
await mix(2, { amount: WARMUP_REQUESTS })
for (const stream of warm.streams) stream.destroy()
await drain()
const start = await ask('settle')
await snapshot()

const { streams, bytes: streamBytes, ended: streamsEnded } = await openStreams(STREAMS_PER_ACCOUNT)
let peak = start.settled!.rss
const sampler = setInterval(() => void ask('usage').then(({ usage }) => (peak = Math.max(peak, usage!.rss))), 250)
const result = await mix(CONNECTIONS, { duration: SECONDS })
clearInterval(sampler)
const endedEarly = streamsEnded()
for (const stream of streams) stream.destroy()
const unfinished = await drain()
const after = await ask('settle')
await snapshot()
child.send({ type: 'stop' })

const codes = result.statusCodeStats as unknown as Record<string, { count: number }>
const count = (from: number, to: number): number =>
  Object.entries(codes).reduce(
    (sum, [code, { count }]) => (Number(code) >= from && Number(code) < to ? sum + count : sum),
    0,
  )
const fiveXx = count(500, 600) + result.errors + result.timeouts
const before = start.settled!
const left = after.settled!
const ratio = left.rss / before.rss
const firstRatio = after.first!.rss / start.first!.rss
const targets = fiveXx === 0 && ratio <= 1.5 && result.latency.p99 <= 2_000 && unfinished === 0
console.log(
  `soak ${SECONDS} s (server node flags: ${serverFlags.join(' ') || 'none'}), ${CONNECTIONS} connections, 2 accounts, ${STREAMS_PER_ACCOUNT * 2} event streams (${mb(streamBytes())} read, ${endedEarly} closed by the server): ` +
    `${result.requests.total} requests, ${result.requests.average.toFixed(0)} requests/s, p99 ${result.latency.p99} ms, ` +
    `2xx ${count(200, 300)}, 4xx ${count(400, 500)}, 5xx ${count(500, 600)} (errors ${result.errors}, timeouts ${result.timeouts}); ` +
    `server RSS ${mb(before.rss)} at start (after ${WARMUP_REQUESTS} warm-up requests), ${mb(peak)} peak, ${mb(left.rss)} after drain (${ratio.toFixed(2)}×, ${unfinished} tasks unfinished; ` +
    `after one GC ${mb(start.first!.rss)} → ${mb(after.first!.rss)}, ${firstRatio.toFixed(2)}×, GCs to settle ${start.collections} and ${after.collections}); ` +
    `heap used ${mb(before.heapUsed)} → ${mb(left.heapUsed)}, heap total ${mb(before.heapTotal)} → ${mb(left.heapTotal)}, external ${mb(before.external)} → ${mb(left.external)}; ` +
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}; targets (0 5xx, RSS after ≤ 1.5× start, p99 ≤ 2 s) ${targets ? 'met' : 'NOT met'}`,
)
process.exitCode = targets ? 0 : 1
