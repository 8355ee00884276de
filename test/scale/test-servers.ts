// Finds the Postgres and Redis servers the scale-out tests run against. They are real servers:
// INBOARD_TEST_POSTGRES_URL / INBOARD_TEST_REDIS_URL name them, else the local defaults are tried.
// On a developer machine without them the tests skip with one line saying so; under CI=true a
// missing server fails the run instead (.ci/run checks them before the tests start).
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import pg from 'pg'

export const POSTGRES_URL = process.env['INBOARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env['INBOARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379'

/** True when Postgres at {@link POSTGRES_URL} answers a query. */
export async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** True when Redis at {@link REDIS_URL} answers PING. */
export async function redisAnswers(): Promise<boolean> {
  const url = new URL(REDIS_URL)
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(2_000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

const answers = new Map<string, Promise<boolean>>()
function answering(server: 'postgres' | 'redis'): Promise<boolean> {
  let answer = answers.get(server)
  if (answer === undefined) {
    answer = server === 'postgres' ? postgresAnswers() : redisAnswers()
    answers.set(server, answer)
  }
  return answer
}

/**
 * Null when the servers answer, else why the tests skip. Under CI=true an absent server throws,
 * so these tests can never silently skip in CI.
 */
export async function serversMissing(needs: { redis?: boolean } = {}): Promise<string | null> {
  const [postgres, redis] = await Promise.all([answering('postgres'), needs.redis === true ? answering('redis') : true])
  const missing = [postgres ? null : `Postgres (${POSTGRES_URL})`, redis ? null : `Redis (${REDIS_URL})`].filter(
    (name) => name !== null,
  )
  if (missing.length === 0) return null
  const reason = `${missing.join(' and ')} did not answer`
  if (process.env['CI'] === 'true') throw new Error(`${reason}; CI needs both servers (see .ci/run)`)
  console.log(
    `[inboard] skipping scale-out tests: ${reason}. Start them or set INBOARD_TEST_POSTGRES_URL / INBOARD_TEST_REDIS_URL to enable them.`,
  )
  return reason
}

/** A fresh name for a test's own Postgres schema or queue prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
