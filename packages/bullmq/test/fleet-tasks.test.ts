import type { RuntimeEvent } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Redis } from 'ioredis'
import { REDIS_URL, serversMissing } from '../../../test/scale/test-servers.js'
import { createFleet, type Fleet } from './fleet.js'
import { unframeMessages } from '../src/message-frames.js'

const missing = await serversMissing({ redis: true })

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A tool whose call waits until it is aborted (or a second passes), and reports what it saw. */
function slowTool(name: string, seen: { process: string; abortedAfterMs: number | null }[], holdMs = 30_000) {
  return defineTool({
    name: 'slow',
    description: 'Takes its time',
    capabilities: {
      work: {
        description: 'Work',
        input: z.object({}),
        run: async (_input, ctx) => {
          const started = Date.now()
          const record = { process: name, abortedAfterMs: null as number | null }
          seen.push(record)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, holdMs)
            ctx.signal.addEventListener('abort', () => {
              record.abortedAfterMs = Date.now() - started
              clearTimeout(timer)
              resolve()
            })
          })
          return { process: name }
        },
      },
    },
  })
}

const callSlow = createScriptedPlanner([
  { type: 'call', calls: [{ tool: 'slow', capability: 'work', input: {} }] },
  (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
])

describe.skipIf(missing !== null)('a fleet of runtimes on one queue', () => {
  let fleet: Fleet
  afterEach(async () => {
    await fleet.close()
  })

  it('waits for a task it created and another process runs without reading it back, and reads one that already ended', async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const reads: string[] = []
    const a = fleet.start({ tools: [slowTool('a', seen, 50)], planner: callSlow, work: false }, (storage) => {
      const get = storage.tasks.get.bind(storage.tasks)
      storage.tasks.get = (id) => {
        reads.push(id)
        return get(id)
      }
      return storage
    })
    const b = fleet.start({ tools: [slowTool('b', seen, 50)], planner: callSlow })
    await Promise.all([a.ready(), b.ready()])
    const task = await a.tasks.create({ prompt: 'Do the slow work' })
    expect(await a.tasks.wait(task.id)).toMatchObject({ status: 'complete', result: { process: 'b' } })
    expect(reads).toEqual([])
    // Heard ended: a later wait reads the stored task.
    expect(await a.tasks.wait(task.id)).toMatchObject({ status: 'complete', result: { process: 'b' } })
    expect(reads).toEqual([task.id])
  })

  it('sends task events only to the processes that create, wait for or listen to tasks, and cancels to all', async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const a = fleet.start({ tools: [slowTool('a', seen)], planner: callSlow, work: false })
    const b = fleet.start({ tools: [slowTool('b', seen)], planner: callSlow })
    await Promise.all([a.ready(), b.ready()])
    const redis = new Redis(REDIS_URL)
    const subscribers = async (topic: string): Promise<number> => {
      const [, count] = (await redis.pubsub('NUMSUB', `${fleet.prefix}:tasks:${topic}`)) as [string, number]
      return count
    }
    try {
      expect([await subscribers('messages'), await subscribers('events')]).toEqual([2, 0])
      const task = await a.tasks.create({ prompt: 'Do the slow work' })
      expect([await subscribers('messages'), await subscribers('events')]).toEqual([2, 1])
      // b runs the task without hearing task events, and still stops at once when a cancels it.
      await until(() => seen.length === 1)
      await a.tasks.cancel(task.id)
      await until(() => seen[0]!.abortedAfterMs !== null, 1_000)
      expect(await a.tasks.wait(task.id)).toMatchObject({ status: 'cancelled' })
      expect(await subscribers('events')).toBe(1)
      const stop = b.on('task.complete', () => undefined)
      await until(async () => (await subscribers('events')) === 2)
      stop()
    } finally {
      redis.disconnect()
    }
  })

  it('aborts the call in flight on the running process within a second when another process cancels the task', async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const a = fleet.start({ tools: [slowTool('a', seen)], planner: callSlow, work: false })
    const b = fleet.start({ tools: [slowTool('b', seen)], planner: callSlow })
    const task = await a.tasks.create({ prompt: 'Do the slow work' })
    await until(() => seen.length === 1)
    const cancelledAt = Date.now()
    const cancelled = await a.tasks.cancel(task.id)
    expect(cancelled.status).toBe('cancelled')
    await until(() => seen[0]!.abortedAfterMs !== null, 1_000)
    expect(Date.now() - cancelledAt).toBeLessThan(1_000)
    expect(seen).toEqual([{ process: 'b', abortedAfterMs: expect.any(Number) as number }])
    expect(await a.tasks.wait(task.id)).toMatchObject({ status: 'cancelled' })
    expect(await b.tasks.wait(task.id)).toMatchObject({ status: 'cancelled' })
  })

  it('resumes a waiting task on a worker when input is sent on another process, and wait() resolves on each', async () => {
    fleet = createFleet()
    const ran: string[] = []
    const planner = (name: string) =>
      createScriptedPlanner([
        () => {
          ran.push(`${name}:ask`)
          return { type: 'ask', message: 'Which city?', fields: [{ name: 'city', description: null, type: 'string' }] }
        },
        (ctx) => {
          ran.push(`${name}:finish`)
          return { type: 'finish', result: { city: ctx.input.values['city'] } }
        },
      ])
    const worker = fleet.start({ planner: planner('worker') })
    const front = fleet.start({ planner: planner('front'), work: false })
    const task = await front.tasks.create({ prompt: 'Weather somewhere' })
    // The worker ran it until it waited; it keeps no copy that could go stale.
    expect(await worker.tasks.wait(task.id, { until: 'waiting' })).toMatchObject({ status: 'waiting' })
    const onWorker = worker.tasks.wait(task.id)
    const onFront = front.tasks.wait(task.id)
    await front.tasks.sendInput(task.id, { values: { city: 'Paris' } })
    for (const done of await Promise.all([onWorker, onFront]))
      expect(done).toMatchObject({ status: 'complete', result: { city: 'Paris' } })
    expect(ran).toEqual(['worker:ask', 'worker:finish'])
  })

  it('resolves wait() on the process that ran a task to waiting when another process resumes and runs it', async () => {
    fleet = createFleet()
    const ask = createScriptedPlanner([
      { type: 'ask', message: 'Which city?', fields: [{ name: 'city', description: null, type: 'string' }] },
      (ctx) => ({ type: 'finish', result: { city: ctx.input.values['city'], ranOn: 'b' } }),
    ])
    const a = fleet.start({ planner: ask })
    const task = await a.tasks.create({ prompt: 'Weather somewhere' })
    await a.tasks.wait(task.id, { until: 'waiting' })
    const onA = a.tasks.wait(task.id)
    // A second process answers; whichever process takes the job, A's wait must not hang on what it saw before.
    const b = fleet.start({ planner: ask })
    await b.tasks.sendInput(task.id, { values: { city: 'Oslo' } })
    expect(await onA).toMatchObject({ status: 'complete', result: { city: 'Oslo' } })
  })

  it("delivers every process's task events to listeners on the others, after the change is stored", async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const a = fleet.start({ tools: [slowTool('a', seen, 10)], planner: callSlow, work: false })
    fleet.start({ tools: [slowTool('b', seen, 10)], planner: callSlow })
    const events: RuntimeEvent['type'][] = []
    const stored: string[] = []
    a.subscribe((event) => {
      if (event.type.startsWith('task.') && event.type !== 'task.progress') events.push(event.type)
    })
    a.on('task.complete', (event) => {
      void a.tasks.get(event.task_id).then((task) => stored.push(task.status))
    })
    const task = await a.tasks.create({ prompt: 'Do the slow work' })
    await a.tasks.wait(task.id)
    await until(() => stored.length === 1)
    expect(events).toEqual(['task.created', 'task.running', 'task.complete'])
    expect(stored).toEqual(['complete'])
    expect(seen.map((call) => call.process)).toEqual(['b'])
  })

  it('sends step events to the other processes only while one of them listens for them', async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const a = fleet.start({ tools: [slowTool('a', seen, 10)], planner: callSlow, work: false })
    const b = fleet.start({ tools: [slowTool('b', seen, 10)], planner: callSlow })
    await Promise.all([a.ready(), b.ready()])
    // What the processes send each other, as any Redis client subscribed to the queue's channel sees it.
    const channel = new Redis(REDIS_URL)
    const sent: { kind: string; type?: string; taskId?: string; types?: string[] }[] = []
    channel.on('message', (_from: string, payload: string) => {
      for (const raw of unframeMessages(payload)) {
        const message = JSON.parse(raw) as { kind: string; types?: string[]; event?: { type: string; task_id: string } }
        sent.push({
          kind: message.kind,
          ...(message.types ? { types: message.types } : {}),
          ...(message.event ? { type: message.event.type, taskId: message.event.task_id } : {}),
        })
      }
    })
    await channel.subscribe(`${fleet.prefix}:tasks:messages`, `${fleet.prefix}:tasks:events`)
    try {
      // A process that just joined sends everything until the others have said what they listen to.
      await new Promise((resolve) => setTimeout(resolve, 600))
      const quiet = await a.tasks.create({ prompt: 'Do the slow work' })
      await a.tasks.wait(quiet.id)
      // The wait may end before this client has read the same publish.
      await until(() => sent.some((message) => message.taskId === quiet.id), 2_000)
      expect(sent.filter((message) => message.taskId === quiet.id).map((message) => message.type)).toEqual([
        'task.complete',
      ])

      const steps: string[] = []
      const stop = a.on('step.complete', (event) =>
        steps.push(`${event.task_id === quiet.id ? 'quiet' : 'heard'} ${event.step.action}`),
      )
      await until(() => sent.some((message) => message.types?.includes('step.complete') === true))
      const heard = await a.tasks.create({ prompt: 'Do the slow work' })
      await a.tasks.wait(heard.id)
      await until(() => steps.length === 3)
      expect(steps).toEqual(['heard plan', 'heard work', 'heard plan'])

      stop()
      await until(() => sent.some((message) => message.types?.length === 0))
      const after = await a.tasks.create({ prompt: 'Do the slow work' })
      await a.tasks.wait(after.id)
      await until(() => sent.some((message) => message.taskId === after.id), 2_000)
      expect(sent.filter((message) => message.taskId === after.id).map((message) => message.type)).toEqual([
        'task.complete',
      ])
      expect(steps).toHaveLength(3)
    } finally {
      channel.disconnect()
    }
  })

  it('neither runs nor announces as running a task cancelled while its job waited in the queue', async () => {
    fleet = createFleet()
    const seen: { process: string; abortedAfterMs: number | null }[] = []
    const a = fleet.start({ tools: [slowTool('a', seen, 10)], planner: callSlow, work: false })
    const task = await a.tasks.create({ prompt: 'Do the slow work' })
    await a.tasks.cancel(task.id)
    // The job still carries the task as it was created; the worker's claim must be refused.
    const b = fleet.start({ tools: [slowTool('b', seen, 10)], planner: callSlow })
    const running: string[] = []
    b.on('task.running', (event) => running.push(event.task_id))
    await b.ready()
    await until(async () => (await b.queue!.holds([task.id])).length === 0)
    const later = await a.tasks.create({ prompt: 'Do the slow work' })
    expect(await a.tasks.wait(later.id)).toMatchObject({ status: 'complete' })
    expect(running).toEqual([later.id])
    expect(seen.map((call) => call.process)).toEqual(['b'])
    expect(await b.tasks.get(task.id)).toMatchObject({ status: 'cancelled' })
  })

  it('holds the concurrency cap across the whole fleet and runs higher priorities first', async () => {
    fleet = createFleet()
    let running = 0
    let most = 0
    const order: number[] = []
    const gate = defineTool({
      name: 'gate',
      description: 'Counts calls running at once',
      capabilities: {
        pass: {
          description: 'Pass',
          input: z.object({ priority: z.number() }),
          run: async ({ priority }) => {
            order.push(priority)
            running++
            most = Math.max(most, running)
            await new Promise((resolve) => setTimeout(resolve, 150))
            running--
            return { priority }
          },
        },
      },
    })
    const planner = createScriptedPlanner([
      (ctx) => ({
        type: 'call',
        calls: [{ tool: 'gate', capability: 'pass', input: { priority: Number(ctx.task.metadata['priority']) } }],
      }),
      { type: 'finish', result: null },
    ])
    const front = fleet.start({ tools: [gate], planner, work: false, concurrency: 2 })
    await front.ready()
    const tasks = []
    for (const priority of [1, 1, 1, 1, 10, 10])
      tasks.push(
        await front.tasks.create({ prompt: 'Pass the gate', priority, metadata: { priority: String(priority) } }),
      )
    const workers = [
      fleet.start({ tools: [gate], planner, concurrency: 2 }),
      fleet.start({ tools: [gate], planner, concurrency: 2 }),
    ]
    await Promise.all(workers.map((worker) => worker.ready()))
    for (const task of tasks) expect(await front.tasks.wait(task.id)).toMatchObject({ status: 'complete' })
    expect(most).toBe(2)
    expect(order.slice(0, 2)).toEqual([10, 10])
  })
})
