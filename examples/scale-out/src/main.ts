// Two processes of the same app behind one Postgres schema and one BullMQ queue: tasks are created
// through process A's port and read, fed and listed through process B's (and the other way round).
// Prints what happened and exits 0 only when every step worked. Needs Postgres and Redis
// (DATABASE_URL, REDIS_URL; local defaults); the schema and queue keys it makes are removed after.
import { randomBytes } from 'node:crypto'
import { removeDemoData } from './cleanup.js'
import { startServer, type ServerProcess } from './server-process.js'

interface TaskBody {
  id: string
  status: string
  result?: unknown
  waiting?: { reason: string; fields?: Array<{ name: string }> }
  error?: { code: string; message: string }
}

const suffix = randomBytes(5).toString('hex')
const settings = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  schema: `scale_out_${suffix}`,
  queuePrefix: `scale_out_${suffix}`,
}
const key = `pk_test_${randomBytes(18).toString('base64url').replace(/[-_]/g, '0')}`
const env = {
  DATABASE_URL: settings.databaseUrl,
  REDIS_URL: settings.redisUrl,
  INBOARD_SCHEMA: settings.schema,
  INBOARD_QUEUE_PREFIX: settings.queuePrefix,
  INBOARD_API_KEYS: key,
}
const problems: string[] = []

async function call(
  server: ServerProcess,
  request: { method: 'GET' | 'POST'; path: string; body?: unknown },
): Promise<{ status: number; json: unknown }> {
  const { method, path, body } = request
  const response = await fetch(`${server.base}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json: unknown = await response.json()
  console.log(
    `${server.name} ${method} /v1${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`} → ${response.status} ${summary(json)}`,
  )
  return { status: response.status, json }
}

function summary(json: unknown): string {
  const task = json as Partial<TaskBody> & { data?: unknown[] }
  if (Array.isArray(task.data)) return `${task.data.length} tasks`
  if (task.status === undefined) return JSON.stringify(json)
  const detail =
    task.result !== undefined
      ? JSON.stringify(task.result)
      : task.waiting
        ? `${task.waiting.reason} (${task.waiting.fields?.map((field) => field.name).join(', ') ?? ''})`
        : task.error
          ? task.error.code
          : ''
  return `${task.id} ${task.status} ${detail.length > 120 ? `${detail.slice(0, 117)}...` : detail}`
}

function expect(ok: boolean, what: string): void {
  if (!ok) problems.push(what)
}

const inputs = [
  { prompt: 'Look up the current weather in San Francisco and return temperature, conditions, and humidity' },
  { prompt: 'What is the weather in Paris right now?' },
  { prompt: 'Current weather in Tokyo' },
  {
    prompt:
      'Pull all deals in the Negotiation stage for user_123. Return deal name, amount, close date, and associated contact email',
    user_id: 'user_123',
  },
]

const servers: ServerProcess[] = []
try {
  console.log(`Starting two processes on schema ${settings.schema} and queue prefix ${settings.queuePrefix}`)
  servers.push(...(await Promise.all([startServer('A', env), startServer('B', env)])))
  const [a, b] = servers as [ServerProcess, ServerProcess]

  console.log('\nCreate on A, read on B:')
  const created = await Promise.all(
    inputs.map(async (input) => (await call(a, { method: 'POST', path: '/tasks', body: input })).json as TaskBody),
  )
  for (const task of created) {
    const { json } = await call(b, { method: 'GET', path: `/tasks/${task.id}?wait=20` })
    const read = json as TaskBody
    expect(
      read.id === task.id && read.status === 'complete' && read.result !== undefined,
      `${task.id} read on B is ${read.status}, not complete with a result`,
    )
  }

  console.log('\nA task that waits for input: created on B, input sent to A, result read on B:')
  const contact = (
    await call(b, {
      method: 'POST',
      path: '/tasks',
      body: { prompt: 'Look up a contact in the CRM', user_id: 'user_123' },
    })
  ).json as TaskBody
  const waiting = (await call(a, { method: 'GET', path: `/tasks/${contact.id}?wait=20` })).json as TaskBody
  expect(
    waiting.status === 'waiting' && waiting.waiting?.fields?.some((field) => field.name === 'email') === true,
    `${contact.id} read on A is ${waiting.status}, not waiting for an email`,
  )
  await call(a, { method: 'POST', path: `/tasks/${contact.id}/input`, body: { values: { email: 'jane@acme.com' } } })
  const resumed = (await call(b, { method: 'GET', path: `/tasks/${contact.id}?wait=20` })).json as TaskBody
  expect(
    resumed.status === 'complete' && JSON.stringify(resumed.result).includes('Jane'),
    `${contact.id} read on B after input is ${resumed.status}, not complete with Jane's contact`,
  )

  console.log('\nList on both:')
  for (const server of [a, b]) {
    const listed = (await call(server, { method: 'GET', path: '/tasks?limit=20' })).json as { data: TaskBody[] }
    const ids = new Set(listed.data.map((task) => task.id))
    expect(
      [...created, contact].every((task) => ids.has(task.id)),
      `${server.name} does not list every task`,
    )
  }
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error))
} finally {
  await Promise.all(servers.map((server) => server.stop()))
  await removeDemoData(settings).catch((error: unknown) => problems.push(`cleaning up: ${String(error)}`))
}

if (problems.length > 0) {
  console.error(`\nscale-out example FAILED:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log(
  '\nscale-out example: one set of tasks behind both ports; every task created, fed or read through one process was seen the same through the other.',
)
process.exit(0)
