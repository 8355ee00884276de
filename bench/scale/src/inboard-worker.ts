// One Inboard worker process: the runtime on the measurement's schema and queue, running tasks.
import { bullmqQueue } from '@inboard/bullmq'
import { createRuntime } from '@inboard/core'
import { postgresStorage } from '@inboard/postgres'
import { redisConnection, POSTGRES_URL } from './servers.js'
import { noopTool, twoDecisions } from './workload.js'

const runtime = createRuntime({
  tools: [noopTool],
  planner: twoDecisions,
  concurrency: Number(process.env['SCALE_FLEET_CONCURRENCY']),
  storage: postgresStorage({ connectionString: POSTGRES_URL, schema: process.env['SCALE_SCHEMA']! }),
  queue: bullmqQueue({
    connection: redisConnection(),
    prefix: process.env['SCALE_PREFIX']!,
    autoPipelining: process.env['SCALE_AUTO_PIPELINING'] === 'true',
  }),
  work: true,
})
await runtime.ready()
console.log('ready')
process.once('SIGTERM', () => void runtime.close({ deadlineMs: 2_000 }).finally(() => process.exit(0)))
