import { createServer } from 'node:net'
import { createRuntime, InboardError, memoryStorage } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { bullmqQueue } from '@inboard/bullmq'
import { defineTool } from '@inboard/tools'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serversMissing } from '../../../test/scale/test-servers.js'
import { createFleet, type Fleet } from './fleet.js'

const missing = await serversMissing({ redis: true })

/** A tool that says which runtime ran it. */
function whoTool(name: string) {
  return defineTool({
    name: 'who',
    description: 'Says which process ran the call',
    capabilities: { ask: { description: 'Ask', input: z.object({}), run: async () => ({ ranOn: name }) } },
  })
}

const callThenFinish = createScriptedPlanner([
  { type: 'call', calls: [{ tool: 'who', capability: 'ask', input: {} }] },
  (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
])

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('bullmqQueue options', () => {
  it.each([
    [{ connection: 'http://127.0.0.1:6379' }, 'connection'],
    [{ connection: 'not a url' }, 'connection'],
    [{ connection: 'redis://127.0.0.1:6379', prefix: '' }, 'prefix'],
    [{ connection: 'redis://127.0.0.1:6379', connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    [{ connection: 'redis://127.0.0.1:6379', autoPipelining: 'yes' }, 'autoPipelining'],
  ])('refuses %j with invalid_request naming %s', (options, param) => {
    let thrown: unknown
    try {
      bullmqQueue(options as Parameters<typeof bullmqQueue>[0])
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InboardError)
    expect(thrown).toMatchObject({ code: 'invalid_request', param })
  })
})

describe('an unreachable Redis', () => {
  it('rejects ready() with queue_unavailable naming the host', async () => {
    const port = await closedPort()
    const runtime = createRuntime({
      storage: memoryStorage(),
      queue: bullmqQueue({ connection: { host: '127.0.0.1', port } }),
    })
    const error = await runtime.ready().catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(InboardError)
    expect(error).toMatchObject({ code: 'queue_unavailable', recoverable: true })
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
    await runtime.close()
  })
})

describe.skipIf(missing !== null)('runtimes sharing Postgres and a BullMQ queue', () => {
  let fleet: Fleet
  afterEach(async () => {
    await fleet.close()
  })

  it('runs a task created on one process on a worker process, and wait() resolves where it was created', async () => {
    fleet = createFleet()
    const a = fleet.start({ tools: [whoTool('a')], planner: callThenFinish, work: false })
    const b = fleet.start({ tools: [whoTool('b')], planner: callThenFinish })
    await Promise.all([a.ready(), b.ready()])
    const task = await a.tasks.create({ prompt: 'Who runs this?' })
    const done = await a.tasks.wait(task.id)
    expect(done).toMatchObject({ id: task.id, status: 'complete', result: { ranOn: 'b' } })
    expect(await a.tasks.get(task.id)).toMatchObject({ status: 'complete' })
  })

  it('with autoPipelining, two workers run 300 tasks created at once, each exactly once', async () => {
    fleet = createFleet({ autoPipelining: true })
    const runs = new Map<string, number>()
    const counting = (name: string) =>
      defineTool({
        name: 'who',
        description: 'Counts its calls per task',
        capabilities: {
          ask: {
            description: 'Ask',
            input: z.object({}),
            run: async (_input, ctx) => {
              runs.set(ctx.task_id, (runs.get(ctx.task_id) ?? 0) + 1)
              return { ranOn: name }
            },
          },
        },
      })
    const a = fleet.start({ tools: [counting('a')], planner: callThenFinish, work: false })
    const workers = ['b', 'c'].map((name) =>
      fleet.start({ tools: [counting(name)], planner: callThenFinish, concurrency: 50 }),
    )
    await Promise.all([a.ready(), ...workers.map((worker) => worker.ready())])
    const tasks = await Promise.all(Array.from({ length: 300 }, () => a.tasks.create({ prompt: 'Who runs this?' })))
    const done = await Promise.all(tasks.map((task) => a.tasks.wait(task.id)))
    expect(done.every((task) => task.status === 'complete')).toBe(true)
    expect(new Set(done.map((task) => (task.result as { ranOn: string }).ranOn))).toEqual(new Set(['b', 'c']))
    expect(runs.size).toBe(300)
    expect([...runs.values()].every((count) => count === 1)).toBe(true)
  }, 60_000)
})
