import { subagentListItemSchema, subagentSchema } from '@inboard/http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
beforeEach(async () => {
  server = await startTestServer({
    runtime: { subagents: [{ name: 'weather-prebuilt', prompt: 'Weather forecasts' }] },
  })
})
afterEach(async () => {
  await server.close()
})

const deploy = (name: string, prompt = 'Weather forecasts and current conditions'): Promise<Response> =>
  server.call('/subagents', { json: { name, prompt } })

describe('subagents', () => {
  it('deploys a subagent with 201 and the tools its prompt names', async () => {
    const response = await deploy('weather-agent')
    expect(response.status).toBe(201)
    expect(subagentSchema.parse(await response.json())).toMatchObject({
      id: 'weather-agent',
      status: 'deployed',
      tools: ['weather'],
      tools_available: 1,
      capabilities: ['weather.current'],
    })
  })

  it('answers 409 subagent_already_exists for a second deploy and 400 for a bad name', async () => {
    await deploy('weather-agent')
    const again = await deploy('weather-agent')
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'subagent_already_exists' } })
    const bad = await deploy('Not A Name')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', param: 'name' } })
  })

  it('gets a subagent with its prompt and answers 404 subagent_not_found for an unknown one', async () => {
    await deploy('weather-agent')
    expect(subagentSchema.parse(await (await server.call('/subagents/weather-agent')).json()).prompt).toBe(
      'Weather forecasts and current conditions',
    )
    for (const id of ['crm-agent', 'UPPER', '%20']) {
      const response = await server.call(`/subagents/${id}`)
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ error: { code: 'subagent_not_found' } })
    }
  })

  it('lists newest first without prompts, filters by type and paginates', async () => {
    await deploy('first-agent')
    await server.runtime.clock.advance(1000)
    await deploy('second-agent')
    const page = (await (await server.call('/subagents?limit=2')).json()) as {
      data: Array<Record<string, unknown>>
      has_more: boolean
    }
    expect(page.data.map((item) => item.id)).toEqual(['second-agent', 'first-agent'])
    expect(page.has_more).toBe(true)
    for (const item of page.data) {
      subagentListItemSchema.parse(item)
      expect(item).not.toHaveProperty('prompt')
    }
    const prebuilt = (await (await server.call('/subagents?type=prebuilt')).json()) as { data: Array<{ id: string }> }
    expect(prebuilt.data.map((item) => item.id)).toEqual(['weather-prebuilt'])
    const bad = await server.call('/subagents?type=mine')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { param: 'type' } })
  })

  it('updates the prompt and recomputes the tools', async () => {
    await deploy('agent', 'Nothing in particular')
    const response = await server.call('/subagents/agent', { method: 'PATCH', json: { prompt: 'Weather forecasts' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: 'agent', prompt: 'Weather forecasts', tools: ['weather'] })
    expect((await server.call('/subagents/nobody', { method: 'PATCH', json: { prompt: 'x' } })).status).toBe(404)
    expect((await server.call('/subagents/agent', { method: 'PATCH', json: { prompt: 5 } })).status).toBe(400)
  })

  it('deletes a subagent, after which tasks cannot be routed to it', async () => {
    await deploy('weather-agent')
    const response = await server.call('/subagents/weather-agent', { method: 'DELETE' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      id: 'weather-agent',
      status: 'deleted',
      deleted_at: expect.any(String),
    })
    const task = await server.call('/tasks', { json: { prompt: 'weather', sub_agent: 'weather-agent' } })
    expect(task.status).toBe(404)
    expect(await task.json()).toMatchObject({ error: { code: 'subagent_not_found' } })
    expect((await server.call('/subagents/nobody', { method: 'DELETE' })).status).toBe(404)
  })
})
