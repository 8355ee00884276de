import type { StoredTask } from '../storage/stored-task.js'

/**
 * One hand-out of a task to the queue. A task is handed out when it is created and again each time
 * it becomes pending (resumed after a wait, taken over from a process that stopped); `id` names
 * that hand-out, so adding the same job twice is a no-op.
 */
export interface QueueJob {
  /** Unique per hand-out (the task id for the first one); a queue holds at most one job per id. */
  id: string
  taskId: string
  /** 1–10; higher runs first. */
  priority: number
  /** Hand it out only after this many milliseconds (a task whose account is at its cap). @default 0 */
  delayMs?: number
  /**
   * The task as stored when it was handed out (a new task's first hand-out), for a queue that can
   * carry it with the job: the process that takes the job claims the task from it (a
   * compare-and-set on its version, refused when the task changed since) instead of reading it
   * first. A queue may drop it; the task is then read from storage.
   */
  task?: StoredTask
}

/**
 * Who a fleet message is for: `'all'` the processes on the queue, `'tasks'` only those that listen
 * for task events (the ones that create or wait for tasks, or have listeners), so that a process
 * that only runs tasks is not woken by every other task's news.
 */
export type QueueTopic = 'all' | 'tasks'

/** What the runtime gives a queue when it opens it. */
export interface QueueConsumer {
  /** Take jobs and run them in this process (`createRuntime({ work })`). */
  work: boolean
  /** Tasks running at once across every process on the queue, and at most in this one. */
  concurrency: number
  /** Runs the job's task; resolves once it ended, waits, or is not this process's to run. Never rejects. */
  run(job: QueueJob): Promise<void>
  /** A message published by any process on the queue, this one included. */
  receive(message: string): void
  /** A failure that reaches no caller (a lost connection the queue recovers from); the runtime hands it to its `onError`. */
  report(error: unknown, message: string): void
}

/** A learned request limit: at most `limit` requests start in any `windowMs`. */
export interface RateLimit {
  limit: number
  windowMs: number
}

/**
 * Paces requests to one upstream across every process: one sliding window per key, kept where all
 * processes see it.
 */
export interface RateLimiter {
  /** Reserves a start time for one request under `limit`; resolves with how long to wait first (0: now). */
  reserve(key: string, limit: RateLimit): Promise<number>
}

/**
 * Decides which process runs a task: `createRuntime({ storage, queue })`. Storage stays the source
 * of truth; the queue hands jobs out to the processes that work, and carries the messages that keep
 * processes in step (events, cancels, learned limits). `@inboard/bullmq` implements it on BullMQ.
 *
 * Lifecycle: `open()` once before any other method, `close()` once. Errors are `InboardError`
 * rejections with code `queue_unavailable`.
 */
export interface Queue {
  /** Connects (and starts taking jobs when `consumer.work`); rejects with `queue_unavailable` naming the host. */
  open(consumer: QueueConsumer): Promise<void>
  /** Hands a job out; a job whose id the queue holds already is not added again. */
  add(job: QueueJob): Promise<void>
  /** Of these job ids, the ones the queue holds (queued, delayed or running). */
  holds(ids: readonly string[]): Promise<string[]>
  /**
   * Sends a message to processes on the queue: on topic `'all'` (the default) to every one, this
   * one included; on `'tasks'` to the ones that called {@link Queue.listen}.
   */
  publish(message: string, topic?: QueueTopic): Promise<void>
  /**
   * From now on this process receives the `'tasks'` topic too; resolves once that holds. Idempotent.
   * Without it, a queue delivers every topic to every process.
   */
  listen?(): Promise<void>
  /** False while the server is unreachable: the runtime refuses new tasks until it is back. */
  readonly available: boolean
  /** Learned rate limits paced across the fleet; without it, each process paces alone. */
  readonly limiter?: RateLimiter
  /** Stops taking jobs, waits for the ones running here, and disconnects. Idempotent. */
  close(): Promise<void>
}
