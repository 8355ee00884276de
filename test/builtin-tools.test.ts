import { createRuntime } from '@inboard/core'
import type { Runtime } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { httpTool, weatherAgent, weatherTool } from '@inboard/tools'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startOpenMeteo } from '../packages/tools/test/support/open-meteo-server.js'
import type { OpenMeteoServer } from '../packages/tools/test/support/open-meteo-server.js'

let openMeteo: OpenMeteoServer
let runtime: Runtime | undefined
beforeEach(async () => {
  openMeteo = await startOpenMeteo()
})
afterEach(async () => {
  await runtime?.close()
  runtime = undefined
  await openMeteo.close()
})

describe('built-in tools in a runtime', () => {
  it('lists the weather agent as prebuilt and answers the quickstart task through it', async () => {
    const weather = weatherTool({ baseUrl: openMeteo.url, geocodingUrl: openMeteo.url })
    runtime = createRuntime({ tools: [weather], subagents: [weatherAgent] })

    const prebuilt = await runtime.subagents.list({ type: 'prebuilt' })
    expect(prebuilt.data.map((subagent) => subagent.id)).toEqual(['weather-agent'])
    expect(await runtime.subagents.get('weather-agent')).toMatchObject({
      type: 'prebuilt',
      prompt: 'Weather: current conditions, temperature, humidity and forecasts for any city',
      tools: ['weather'],
      tools_available: 2,
      status: 'deployed',
    })

    const task = await runtime.tasks.create({
      prompt: 'Look up the current weather in San Francisco and return temperature, conditions, and humidity',
    })
    const done = await runtime.tasks.wait(task.id)
    expect(done).toMatchObject({ status: 'complete', tool: 'weather', sub_agent: 'weather-agent' })
    expect(done.result).toMatchObject({ temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' })
  })

  it('fails a task with forbidden_destination when the HTTP tool is pointed at a private address', async () => {
    runtime = createRuntime({
      tools: [httpTool({ allow: ['*'] })],
      planner: createScriptedPlanner([
        {
          type: 'call',
          calls: [{ tool: 'http', capability: 'get', input: { url: 'http://169.254.169.254/latest/meta-data/' } }],
        },
      ]),
    })
    const task = await runtime.tasks.create({ prompt: 'Read the instance metadata' })
    const failed = await runtime.tasks.wait(task.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatchObject({ code: 'forbidden_destination', tool: 'http', recoverable: false })
  })
})
