// The Postgres and Redis the benchmark runs on, and the per-measurement names it cleans up after.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'

export const POSTGRES_URL =
  process.env['INBOARD_BENCH_POSTGRES_URL'] ??
  process.env['INBOARD_TEST_POSTGRES_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL =
  process.env['INBOARD_BENCH_REDIS_URL'] ?? process.env['INBOARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379'

/** BullMQ's connection options for {@link REDIS_URL}. */
export function redisConnection(): { host: string; port: number } {
  const url = new URL(REDIS_URL)
  return { host: url.hostname, port: Number(url.port || 6379) }
}

/** A fresh schema name or key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}

async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 })
  redis.on('error', () => undefined)
  await redis.connect()
  try {
    return await fn(redis)
  } finally {
    redis.disconnect()
  }
}

/** Throws a message naming the server that does not answer. */
export async function checkServers(): Promise<void> {
  await withPostgres((client) => client.query('SELECT 1')).catch((error: unknown) => {
    throw new Error(`Postgres does not answer at ${POSTGRES_URL} (${String(error)}); set INBOARD_BENCH_POSTGRES_URL`)
  })
  await withRedis((redis) => redis.ping()).catch((error: unknown) => {
    throw new Error(`Redis does not answer at ${REDIS_URL} (${String(error)}); set INBOARD_BENCH_REDIS_URL`)
  })
}

/** Drops a measurement's schema and deletes its Redis keys. */
export async function cleanUp(names: { schema?: string; prefix: string }): Promise<void> {
  if (names.schema !== undefined)
    await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS "${names.schema}" CASCADE`))
  await withRedis(async (redis) => {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${names.prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  })
}
