import {
  InboardError,
  type Queue,
  type QueueConsumer,
  type QueueJob,
  type QueueTopic,
  type RateLimiter,
  type StoredTask,
} from '@inboard/core'
import { Queue as BullQueue, Worker, type BulkJobOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { RedisRateLimiter } from './redis-rate-limiter.js'
import { redisTarget, type RedisConnectionOptions } from './redis-target.js'
import { frameMessages, unframeMessages } from './message-frames.js'
import { TickBatch } from './tick-batch.js'

/** Options of {@link bullmqQueue}. */
export interface BullmqQueueOptions {
  /** Where Redis is: a `redis://host:port` URL, or `{ host, port, … }`. */
  connection: string | RedisConnectionOptions
  /**
   * Prefix of every Redis key and channel the queue uses. Processes with the same prefix (and
   * storage) form one fleet; another prefix is another, separate queue. @default 'inboard'
   */
  prefix?: string
  /** How long the first connection may take before `runtime.ready()` rejects. @default 5000 */
  connectTimeoutMs?: number
  /**
   * Whether a worker sends the Redis commands of one event-loop turn as one pipeline (ioredis
   * auto-pipelining). Worth it for workers kept busy by a backlog: completions then travel together
   * and the next tasks start together, sharing Postgres statements (`pnpm bench:scale`: 10-24% more
   * tasks/s with 2 tasks outstanding per slot). With about one outstanding task per slot it cost
   * 10-20% instead; docs/scale-out.md has the figures. @default false
   */
  autoPipelining?: boolean
}

const QUEUE_NAME = 'tasks'
const FIRST_RETRY_MS = 100
const MAX_RETRY_MS = 5_000

interface JobData {
  taskId: string
  priority: number
  /** A new task as stored, so the worker need not read it back (see QueueJob.task). */
  task?: StoredTask
}

/** A task's job as BullMQ adds it. */
function toBulkJob(job: QueueJob): { name: string; data: JobData; opts: BulkJobOptions } {
  const data: JobData = {
    taskId: job.taskId,
    priority: job.priority,
    ...(job.task === undefined ? {} : { task: job.task }),
  }
  const opts: BulkJobOptions = {
    jobId: job.id,
    // BullMQ: 1 runs first; ours: 10 runs first.
    priority: 11 - job.priority,
    removeOnComplete: true,
    removeOnFail: true,
    ...(job.delayMs === undefined ? {} : { delay: job.delayMs }),
  }
  return { name: 'task', data, opts }
}

/**
 * A queue on BullMQ 6 and Redis (through ioredis) for `createRuntime({ storage, queue })`: tasks go
 * to BullMQ jobs (job id = task id, so adding twice adds once) with their priority, every process
 * with `work: true` runs a BullMQ worker, and BullMQ's global concurrency holds the runtime's
 * `concurrency` across all of them. Events and learned rate limits travel over Redis pub/sub (task
 * events on their own channel, which only processes that create, wait for or listen to tasks
 * subscribe to) and a Redis sliding window.
 *
 * @example
 * const runtime = createRuntime({
 *   storage: postgresStorage({ connectionString: process.env.DATABASE_URL! }),
 *   queue: bullmqQueue({ connection: process.env.REDIS_URL! }),
 * })
 */
export function bullmqQueue(options: BullmqQueueOptions): Queue {
  checkOptions(options)
  const target = redisTarget(options.connection)
  const prefix = options.prefix ?? 'inboard'
  // Topic 'all' (every process subscribes) and topic 'tasks' (the processes that listen).
  const channels: Record<QueueTopic, string> = {
    all: `${prefix}:${QUEUE_NAME}:messages`,
    tasks: `${prefix}:${QUEUE_NAME}:events`,
  }
  let listening: Promise<void> | null = null
  let opened = false
  let closing: Promise<void> | null = null
  let outage = false
  // Start-up fails at once when Redis does not answer; once running, every client reconnects with backoff.
  const retryStrategy = (times: number): number | null =>
    opened ? Math.min(FIRST_RETRY_MS * 2 ** Math.min(times, 10), MAX_RETRY_MS) : null
  const base: RedisOptions = {
    ...target.options,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    retryStrategy,
  }
  // The runtime's onError, given at open(); a loss is reported only after the queue opened.
  let onError: QueueConsumer['report'] = () => undefined
  const report = (error: unknown): void => {
    if (!opened || outage || closing !== null) return
    outage = true
    onError(error, `the queue lost Redis at ${target.label}; reconnecting`)
  }
  // Commands fail fast while Redis is away (no offline queue): a create is refused, not parked.
  const commands = new Redis({ ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  const subscriber = new Redis({ ...base, maxRetriesPerRequest: null })
  const clients: Redis[] = [commands, subscriber]
  for (const client of clients) {
    client.on('error', report)
    client.on('ready', () => (outage = false))
  }
  let queue: BullQueue<JobData> | null = null
  let worker: Worker<JobData> | null = null
  const limiter: RateLimiter = new RedisRateLimiter(commands, `${prefix}:${QUEUE_NAME}:limit:`)
  // Jobs added in one tick go to Redis as one bulk add (one round trip).
  const adds = new TickBatch<QueueJob>(async (jobs) => {
    if (queue === null) throw unavailable(new Error('the queue is not open'))
    await queue.addBulk(jobs.map(toBulkJob))
  })
  // Messages published in one tick to one topic travel as one.
  const messages: Record<QueueTopic, TickBatch<string>> = {
    all: new TickBatch((batch) => commands.publish(channels.all, frameMessages(batch))),
    tasks: new TickBatch((batch) => commands.publish(channels.tasks, frameMessages(batch))),
  }

  const unavailable = (error: unknown): InboardError =>
    new InboardError(
      'queue_unavailable',
      `Redis at ${target.label} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        recoverable: true,
        suggestion: 'Check that Redis is running and that the connection option is right.',
      },
    )

  return {
    get available() {
      return opened && closing === null && commands.status === 'ready'
    },
    limiter,
    async open(consumer: QueueConsumer) {
      onError = (error, message) => consumer.report(error, message)
      try {
        await Promise.all(clients.map((client) => client.connect()))
        // Adds fail fast too while Redis is away: the task is stored, and the sweep hands it out later.
        queue = new BullQueue<JobData>(QUEUE_NAME, { connection: commands.duplicate(), prefix })
        queue.on('error', report)
        await queue.waitUntilReady()
        await queue.setGlobalConcurrency(consumer.concurrency)
        subscriber.on('message', (from: string, payload: string) => {
          if (from !== channels.all && from !== channels.tasks) return
          for (const message of unframeMessages(payload)) consumer.receive(message)
        })
        await subscriber.subscribe(channels.all)
      } catch (error) {
        await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
        await queue?.close().catch(() => undefined)
        throw unavailable(error)
      }
      opened = true
      if (!consumer.work) return
      // BullMQ's worker needs a client without a request retry cap; it duplicates it for blocking reads.
      worker = new Worker<JobData>(
        QUEUE_NAME,
        async (job) =>
          consumer.run({
            id: job.id ?? job.data.taskId,
            taskId: job.data.taskId,
            priority: job.data.priority,
            ...(job.data.task === undefined ? {} : { task: job.data.task }),
          }),
        {
          connection: commands.duplicate({
            enableOfflineQueue: true,
            maxRetriesPerRequest: null,
            enableAutoPipelining: options.autoPipelining ?? false,
          }),
          prefix,
          concurrency: consumer.concurrency,
        },
      )
      worker.on('error', report)
    },
    async add(job: QueueJob) {
      if (queue === null || !opened) throw unavailable(new Error('the queue is not open'))
      await adds.push(job)
    },
    async holds(ids: readonly string[]) {
      if (ids.length === 0) return []
      // A job's hash lives from add until it is removed on completion.
      const pipeline = commands.pipeline()
      for (const id of ids) pipeline.exists(`${prefix}:${QUEUE_NAME}:${id}`)
      const answers = (await pipeline.exec()) ?? []
      return ids.filter((_, index) => answers[index]?.[1] === 1)
    },
    publish(message: string, topic: QueueTopic = 'all') {
      return messages[topic].push(message)
    },
    listen() {
      listening ??= subscriber.subscribe(channels.tasks).then(
        () => undefined,
        (error: unknown) => {
          listening = null
          throw unavailable(error)
        },
      )
      return listening
    },
    close() {
      closing ??= (async () => {
        await worker?.close().catch(() => undefined)
        await queue?.close().catch(() => undefined)
        await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
      })()
      return closing
    },
  }
}

function checkOptions(options: BullmqQueueOptions): void {
  const invalid = (param: string, expected: string): InboardError =>
    new InboardError('invalid_request', `bullmqQueue: ${param} must be ${expected}`, { param })
  if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix === ''))
    throw invalid('prefix', 'a non-empty string')
  const timeout = options.connectTimeoutMs
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0))
    throw invalid('connectTimeoutMs', 'a positive number of milliseconds')
  if (options.autoPipelining !== undefined && typeof options.autoPipelining !== 'boolean')
    throw invalid('autoPipelining', 'true or false')
}
