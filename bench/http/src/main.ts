import autocannon from 'autocannon'
import { BENCH_KEY, startBareHono, startInboard } from './servers.js'

/** Seconds per measurement; BENCH_HTTP_SECONDS shortens it for CI. */
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50)

interface Measured {
  rps: number
  p99: number
  errors: number
}

async function measure(title: string, options: Partial<autocannon.Options> & { url: string }): Promise<Measured> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options })
  const bad = result.non2xx + result.errors + result.timeouts
  const measured = { rps: Math.round(result.requests.average), p99: result.latency.p99, errors: bad }
  console.log(
    `${title.padEnd(28)} ${String(measured.rps).padStart(7)} req/s   p99 ${String(measured.p99).padStart(4)} ms   non-2xx/errors ${bad}`,
  )
  return measured
}

const inboard = await startInboard()
const hono = await startBareHono()
const auth = { authorization: `Bearer ${BENCH_KEY}` }
const created = await fetch(`${inboard.url}/v1/tasks`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: '{"prompt":"benchmark task"}',
})
const existing = (await created.json()) as { id: string }

// Warm both servers up so the JIT has compiled the hot paths before measuring.
await autocannon({ url: `${hono.url}/v1/tasks/${existing.id}`, connections: 10, amount: 2000 })
await autocannon({ url: `${inboard.url}/v1/tasks/${existing.id}`, connections: 10, amount: 2000, headers: auth })

const honoResult = await measure('bare Hono GET (constant)', { url: `${hono.url}/v1/tasks/${existing.id}` })
const getResult = await measure('GET /v1/tasks/:id', { url: `${inboard.url}/v1/tasks/${existing.id}`, headers: auth })
const postResult = await measure('POST /v1/tasks', {
  url: `${inboard.url}/v1/tasks`,
  method: 'POST',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ prompt: 'Look up the current weather in San Francisco', metadata: { source: 'bench' } }),
})

await inboard.close()
await hono.close()

// The ratio compares like with like: reading a task through auth, rate limiting and scoping
// against a bare handler answering constant JSON (target ≥ 0.5). POST also runs a task each time.
const ratio = getResult.rps / honoResult.rps
if (getResult.errors + postResult.errors > 0) console.log('warning: some requests did not answer 2xx')
console.log(
  `HTTP post_rps=${postResult.rps} get_rps=${getResult.rps} post_p99_ms=${postResult.p99} hono_rps=${honoResult.rps} ratio=${ratio.toFixed(2)}`,
)
