import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { weatherTool } from './helpers.js'

const crmInputs: unknown[] = []
const crmTool = defineTool({
  name: 'crm',
  description: 'Customer relationship management: contacts and deals',
  tags: ['sales'],
  capabilities: {
    fetch_contacts: {
      description: 'List contacts created after a date',
      input: z.object({ created_after: z.iso.date(), user_id: z.string().optional() }),
      run: async (input) => {
        crmInputs.push(input)
        return {
          contacts: [
            { id: 'c_1', name: 'Ana Lima', email: 'ana@acme.test', company: 'Acme', created: input.created_after },
          ],
        }
      },
    },
  },
})

describe('default planner inside the runtime', () => {
  it('is the planner a runtime uses when none is given, and shapes the result', async () => {
    const runtime = createTestRuntime({ tools: [weatherTool] })
    const task = await runtime.tasks.create({
      prompt: 'Look up the current weather in San Francisco and return temperature and humidity',
    })
    const done = await runtime.tasks.wait(task.id)
    expect(done).toMatchObject({
      status: 'complete',
      tool: 'weather',
      result: { temperature: '62°F', humidity: '73%' },
    })
  })

  it("reads relative dates against the runtime's clock", async () => {
    const clock = createFakeClock(Date.parse('2026-01-31T09:00:00Z'))
    const runtime = createTestRuntime({ clock, tools: [crmTool], planner: createDefaultPlanner({ clock }) })
    const task = await runtime.tasks.create({
      prompt:
        "Pull all contacts from user_123's CRM account created in the last 30 days. Return name, email, and company",
    })
    const done = await runtime.tasks.wait(task.id)
    expect(crmInputs).toEqual([{ created_after: '2026-01-01', user_id: 'user_123' }])
    expect(done.result).toEqual({ contacts: [{ name: 'Ana Lima', email: 'ana@acme.test', company: 'Acme' }] })
  })

  it('waits for a missing required field and finishes once the person sends it', async () => {
    const runtime = createTestRuntime({ tools: [weatherTool] })
    const task = await runtime.tasks.create({ prompt: 'What is the weather like right now?' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'input_required',
      message: 'To run weather.current I need: location. Send it as input values.',
      fields: [{ name: 'location', description: null, type: 'string' }],
    })
    await runtime.tasks.sendInput(task.id, { values: { location: 'Lisbon' } })
    const done = await runtime.tasks.wait(task.id)
    expect(done).toMatchObject({
      status: 'complete',
      result: { temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' },
    })
  })
})
