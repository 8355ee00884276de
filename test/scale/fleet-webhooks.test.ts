// A task's own webhook_url on a fleet: the task is created through the HTTP handler of a process
// that does not work, runs on another, and that other process sends its task.* webhooks to the
// task's url (not to its own default endpoint).
import { createScriptedPlanner, createScriptedTool } from '@inboard/core/testing'
import { createHandler, type InboardHandler } from '@inboard/http'
import { afterEach, describe, expect, it } from 'vitest'
import { createFleet, type Fleet } from '../../packages/bullmq/test/fleet.js'
import { startReceiver } from '../http/support/webhook-receiver.js'
import { serversMissing } from './test-servers.js'

const missing = await serversMissing({ redis: true })
const KEY = 'pk_test_4eC39HqLyjWDarjtT1zdp7dc'
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

const until = async (check: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.skipIf(missing !== null)('webhooks of a fleet', () => {
  let fleet: Fleet | undefined
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined
  const handlers: InboardHandler[] = []
  afterEach(async () => {
    await Promise.all(handlers.splice(0).map((handler) => handler.close()))
    await fleet?.close()
    await receiver?.close()
  })

  it("sends a task's events to its own webhook_url from the process that runs it, not the one that created it", async () => {
    receiver = await startReceiver()
    fleet = createFleet()
    const weather = () =>
      createScriptedTool({
        name: 'weather',
        description: 'Current weather',
        capabilities: { current: [{ temperature: '62°F' }] },
      })
    const planner = createScriptedPlanner([
      { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: {} }] },
      (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
    ])
    const front = fleet.start({ tools: [weather()], planner, work: false })
    const worker = fleet.start({ tools: [weather()], planner })
    for (const runtime of [front, worker]) {
      handlers.push(
        createHandler(runtime, {
          keys: [{ key: KEY }],
          webhooks: { url: `${receiver.url}/default`, secret: SECRET, allowPrivateAddresses: true },
        }),
      )
    }
    await Promise.all([front.ready(), worker.ready()])
    const response = await handlers[0]!(
      new Request('http://front.test/v1/tasks', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'Weather in Oslo', webhook_url: `${receiver.url}/own` }),
      }),
    )
    expect(response.status).toBe(201)
    const { id } = (await response.json()) as { id: string }
    expect(await front.tasks.wait(id)).toMatchObject({ status: 'complete', result: { temperature: '62°F' } })
    const events = (path: string): string[] =>
      receiver!.received
        .filter((hook) => hook.path === path && (JSON.parse(hook.body) as { task_id: string }).task_id === id)
        .map((hook) => (JSON.parse(hook.body) as { event: string }).event)
    await until(() => events('/own').includes('task.complete'))
    await Promise.all(handlers.map((handler) => handler.webhooksIdle()))
    expect(events('/own').filter((event) => event === 'task.complete')).toHaveLength(1)
    expect(events('/default')).toEqual([])
  })
})
