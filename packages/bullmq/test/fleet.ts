// Runtimes in one test process that share one Postgres schema and one queue prefix, as processes
// of one fleet would; each test gets its own schema and prefix and removes them afterwards.
import { createRuntime, type Runtime, type RuntimeOptions, type Storage } from '@inboard/core'
import { bullmqQueue, type BullmqQueueOptions } from '@inboard/bullmq'
import { postgresStorage } from '@inboard/postgres'
import { Redis } from 'ioredis'
import { dropSchema, POSTGRES_URL, REDIS_URL, uniqueName } from '../../../test/scale/test-servers.js'

export interface Fleet {
  schema: string
  prefix: string
  /** A runtime on the fleet's storage (through `wrap`, when given) and queue; closed by `close()`. */
  start(options?: Omit<RuntimeOptions, 'storage' | 'queue'>, wrap?: (storage: Storage) => Storage): Runtime
  /** Closes every runtime, drops the schema and deletes the prefix's keys. */
  close(): Promise<void>
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** `queue` options apply to every runtime of the fleet. */
export function createFleet(queue: Omit<BullmqQueueOptions, 'connection' | 'prefix'> = {}): Fleet {
  const schema = uniqueName('inboard_q')
  const prefix = uniqueName('inboard_q')
  const runtimes: Runtime[] = []
  return {
    schema,
    prefix,
    start(options = {}, wrap = (storage) => storage) {
      const runtime = createRuntime({
        ...options,
        storage: wrap(postgresStorage({ connectionString: POSTGRES_URL, schema, poolSize: 4 })),
        queue: bullmqQueue({ ...queue, connection: REDIS_URL, prefix }),
      })
      runtimes.push(runtime)
      return runtime
    },
    async close() {
      await Promise.all(runtimes.map((runtime) => runtime.close({ deadlineMs: 2_000 })))
      await dropSchema(schema)
      await deleteKeys(prefix)
    },
  }
}
