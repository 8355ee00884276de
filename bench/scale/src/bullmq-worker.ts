// One plain BullMQ worker process: the same no-op as the Inboard task's capability, as the job.
import { Worker } from 'bullmq'
import { redisConnection } from './servers.js'
import { CONCURRENCY, noop } from './workload.js'

const worker = new Worker<{ x: string }>(process.env['SCALE_QUEUE']!, (job) => noop(job.data), {
  connection: redisConnection(),
  prefix: process.env['SCALE_PREFIX']!,
  concurrency: CONCURRENCY,
})
worker.on('error', (error) => console.error('[bench] bullmq worker:', error))
await worker.waitUntilReady()
console.log('ready')
process.once('SIGTERM', () => void worker.close().finally(() => process.exit(0)))
