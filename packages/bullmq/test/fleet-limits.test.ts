import { bullmqQueue } from '@inboard/bullmq'
import { createScriptedPlanner } from '@inboard/core/testing'
import { defineTool } from '@inboard/tools'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { REDIS_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'
import { createFleet, deleteKeys, type Fleet } from './fleet.js'

const missing = await serversMissing({ redis: true })

describe.skipIf(missing !== null)('limits shared by a fleet', () => {
  let fleet: Fleet | null = null
  afterEach(async () => {
    await fleet?.close()
    fleet = null
  })

  it('paces two processes in one window: together they start no more requests than the limit', async () => {
    const prefix = uniqueName('inboard_q')
    const queues = [bullmqQueue({ connection: REDIS_URL, prefix }), bullmqQueue({ connection: REDIS_URL, prefix })]
    const reported: string[] = []
    try {
      for (const queue of queues)
        await queue.open({
          work: false,
          concurrency: 1,
          run: async () => undefined,
          receive: () => undefined,
          report: (_error, message) => void reported.push(message),
        })
      const limit = { limit: 3, windowMs: 1_000 }
      const delays: number[] = []
      for (let round = 0; round < 3; round++)
        for (const queue of queues) delays.push(await queue.limiter!.reserve('crm', limit))
      expect(delays.filter((delay) => delay === 0)).toHaveLength(3)
      // The other three go when the first three leave the window (plus its 2% slack).
      for (const delay of delays.filter((each) => each > 0)) {
        expect(delay).toBeGreaterThan(900)
        expect(delay).toBeLessThanOrEqual(1_020)
      }
      expect(reported).toEqual([])
    } finally {
      await Promise.all(queues.map((queue) => queue.close()))
      await deleteKeys(prefix)
    }
  })

  it("keeps an account's running tasks under accountConcurrency across every worker", async () => {
    fleet = createFleet()
    let running = 0
    let most = 0
    const gate = defineTool({
      name: 'gate',
      description: 'Counts calls running at once',
      capabilities: {
        pass: {
          description: 'Pass',
          input: z.object({}),
          run: async () => {
            running++
            most = Math.max(most, running)
            await new Promise((resolve) => setTimeout(resolve, 100))
            running--
            return {}
          },
        },
      },
    })
    const planner = createScriptedPlanner([
      { type: 'call', calls: [{ tool: 'gate', capability: 'pass', input: {} }] },
      { type: 'finish', result: null },
    ])
    const options = { tools: [gate], planner, concurrency: 4, accountConcurrency: 1 }
    const workers = [fleet.start(options), fleet.start(options)]
    await Promise.all(workers.map((worker) => worker.ready()))
    const tasks = await Promise.all(
      Array.from({ length: 5 }, () => workers[0]!.tasks.create({ prompt: 'Pass the gate' }, { account: 'acme' })),
    )
    for (const task of tasks)
      expect(await workers[1]!.tasks.wait(task.id, {}, { account: 'acme' })).toMatchObject({ status: 'complete' })
    expect(most).toBe(1)
  })
})
