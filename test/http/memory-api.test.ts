import { memoryResetSchema, subagentMemorySchema } from '@inboard/http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LIVE_KEY, OTHER_ACCOUNT_KEY, TEST_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
beforeEach(async () => {
  // Prebuilt, so every account and environment can run it; each still learns only for itself.
  server = await startTestServer({
    runtime: { subagents: [{ name: 'weather-agent', prompt: 'Weather forecasts and current conditions' }] },
  })
})
afterEach(async () => {
  await server.close()
})

/** Live tasks learn; tasks of test keys run in test mode and neither learn nor apply memory. */
async function runTask(prompt: string, key = LIVE_KEY): Promise<string> {
  const created = (await (
    await server.call('/tasks', { json: { prompt, sub_agent: 'weather-agent' }, key })
  ).json()) as { id: string }
  await server.runtime.tasks.wait(created.id)
  return created.id
}

const memoryOf = async (key = LIVE_KEY) =>
  subagentMemorySchema.parse(await (await server.call('/subagents/weather-agent/memory', { key })).json())

describe('subagent memory over HTTP', () => {
  it('shows what a subagent learned for the caller’s account, with provenance', async () => {
    const taskId = await runTask('Weather in San Francisco')
    const memory = await memoryOf()
    expect(memory.sub_agent).toBe('weather-agent')
    expect(memory.entries).toEqual([
      expect.objectContaining({
        kind: 'plan',
        tool: '*',
        value: expect.objectContaining({ shape: 'Weather in {location}' }),
        provenance: expect.objectContaining({ task_id: taskId }),
      }),
    ])
    // Another account, or the same account's test environment, sees none of it.
    expect((await memoryOf(OTHER_ACCOUNT_KEY)).entries).toEqual([])
    expect((await memoryOf(TEST_KEY)).entries).toEqual([])
  })

  it('forgets the caller’s memory with DELETE, optionally for one tool', async () => {
    await runTask('Weather in San Francisco')
    const otherAccount = await server.call('/subagents/weather-agent/memory', {
      method: 'DELETE',
      key: OTHER_ACCOUNT_KEY,
    })
    expect(memoryResetSchema.parse(await otherAccount.json())).toEqual({ sub_agent: 'weather-agent', deleted: 0 })
    const byTool = await server.call('/subagents/weather-agent/memory?tool=weather', {
      method: 'DELETE',
      key: LIVE_KEY,
    })
    expect(await byTool.json()).toEqual({ sub_agent: 'weather-agent', deleted: 0 })
    expect((await memoryOf()).entries).toHaveLength(1)
    const all = await server.call('/subagents/weather-agent/memory', { method: 'DELETE', key: LIVE_KEY })
    expect(all.status).toBe(200)
    expect(await all.json()).toEqual({ sub_agent: 'weather-agent', deleted: 1 })
    expect((await memoryOf()).entries).toEqual([])
  })

  it('answers 404 for an unknown subagent and 400 for an empty tool', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await server.call('/subagents/nobody/memory', { method })
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ error: { code: 'subagent_not_found' } })
    }
    const bad = await server.call('/subagents/weather-agent/memory?tool=', { method: 'DELETE' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', param: 'tool' } })
  })
})
