import { Redis } from 'ioredis'
import pg from 'pg'

/** Drops the demo's schema and deletes its queue's Redis keys. */
export async function removeDemoData(options: {
  databaseUrl: string
  redisUrl: string
  schema: string
  queuePrefix: string
}): Promise<void> {
  const client = new pg.Client({ connectionString: options.databaseUrl })
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`)
  } finally {
    await client.end()
  }
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined)
  await redis.connect()
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${options.queuePrefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
