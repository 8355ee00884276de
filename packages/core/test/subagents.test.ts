import { describe, expect, it } from 'vitest'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'
import { weatherTool } from './helpers.js'

const crm = createScriptedTool({
  name: 'crm',
  tags: ['salesforce', 'hubspot'],
  capabilities: { fetch_contacts: [[]], fetch_deals: [[]], update_deal: [{}] },
})
const payments = createScriptedTool({
  name: 'payments',
  tags: ['stripe', 'billing'],
  capabilities: { charge: [{}], refund: [{}] },
})

describe('subagents', () => {
  it('gives a subagent the tools its prompt names and counts their capabilities', async () => {
    const runtime = createTestRuntime({ tools: [crm, payments, weatherTool] })
    const agent = await runtime.subagents.deploy({
      name: 'crm-agent',
      prompt: 'Handle CRM tasks. Connect Salesforce and HubSpot. Pull contacts, sync deals.',
    })
    expect(agent).toMatchObject({
      id: 'crm-agent',
      type: 'custom',
      status: 'deployed',
      tools: ['crm'],
      tools_available: 3,
    })
    expect(agent.created_at).toMatch(/Z$/)
    expect(agent.capabilities).toEqual(['crm.fetch_contacts', 'crm.fetch_deals', 'crm.update_deal'])
    const narrow = await runtime.subagents.deploy({ name: 'contacts-agent', prompt: 'Only export contacts' })
    expect(narrow.tools_available).toBe(1)
    expect(narrow.capabilities).toEqual(['crm.fetch_contacts'])
    const explicit = await runtime.subagents.deploy({ name: 'pay', prompt: 'anything', tools: ['payments'] })
    expect(explicit.tools_available).toBe(2)
    expect((await runtime.subagents.get('pay')).capabilities).toEqual(['payments.charge', 'payments.refund'])
  })

  it('recomputes tools on update and lists newest first without prompts', async () => {
    const runtime = createTestRuntime({ tools: [crm, payments] })
    await runtime.subagents.deploy({ name: 'a', prompt: 'CRM work' })
    const updated = await runtime.subagents.update('a', { prompt: 'CRM work and Stripe billing' })
    expect(updated.tools_available).toBe(5)
    await runtime.subagents.deploy({ name: 'b', prompt: 'billing' })
    const page = await runtime.subagents.list({ limit: 1 })
    expect(page).toMatchObject({ data: [{ id: 'b' }], has_more: true })
    expect(page.data[0]).not.toHaveProperty('prompt')
    expect(page.data[0]).not.toHaveProperty('capabilities')
    expect((await runtime.subagents.list({ type: 'prebuilt' })).data).toHaveLength(0)
  })

  it('rejects duplicate names, unknown tools and bad ids with documented codes', async () => {
    const runtime = createTestRuntime({ tools: [crm] })
    await runtime.subagents.deploy({ name: 'a', prompt: 'CRM' })
    await expect(runtime.subagents.deploy({ name: 'a', prompt: 'CRM' })).rejects.toMatchObject({
      code: 'subagent_already_exists',
    })
    await expect(runtime.subagents.deploy({ name: 'b', prompt: 'x', tools: ['nope'] })).rejects.toMatchObject({
      code: 'invalid_request',
    })
    await expect(runtime.subagents.deploy({ name: 'Bad Name', prompt: 'x' })).rejects.toMatchObject({
      code: 'invalid_request',
    })
    await expect(runtime.subagents.get('missing')).rejects.toMatchObject({ code: 'subagent_not_found' })
  })

  it('lets running tasks of a deleted subagent finish and refuses new ones', async () => {
    let release: (() => void) | undefined
    const runtime = createTestRuntime({
      tools: [crm],
      planner: createScriptedPlanner([
        () => new Promise((resolve) => (release = () => resolve({ type: 'finish', result: 'done' }))),
      ]),
    })
    await runtime.subagents.deploy({ name: 'crm-agent', prompt: 'CRM' })
    const task = await runtime.tasks.create({ prompt: 'pull contacts', sub_agent: 'crm-agent' })
    await new Promise((resolve) => setImmediate(resolve))
    const deleted = await runtime.subagents.delete('crm-agent')
    expect(deleted).toMatchObject({ id: 'crm-agent', status: 'deleted' })
    expect(deleted.deleted_at).toBeDefined()
    await expect(runtime.tasks.create({ prompt: 'x', sub_agent: 'crm-agent' })).rejects.toMatchObject({
      code: 'subagent_not_found',
    })
    release?.()
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
  })

  it('routes a task without sub_agent to the best-matching subagent and limits it to that subagent', async () => {
    const runtime = createTestRuntime({
      tools: [crm, payments, weatherTool],
      planner: createScriptedPlanner([
        (ctx) => ({ type: 'finish', result: ctx.capabilities.map((capability) => capability.id) }),
      ]),
      subagents: [{ name: 'weather-agent', prompt: 'Weather forecasts and temperature' }],
    })
    await runtime.subagents.deploy({ name: 'crm-agent', prompt: 'CRM: Salesforce contacts and deals' })
    await runtime.subagents.deploy({ name: 'billing-agent', prompt: 'Stripe billing' })
    const task = await runtime.tasks.create({ prompt: 'Pull all deals in the Negotiation stage from Salesforce' })
    expect(task.sub_agent).toBe('crm-agent')
    expect((await runtime.tasks.wait(task.id)).result).toEqual([
      'crm.fetch_contacts',
      'crm.fetch_deals',
      'crm.update_deal',
    ])
    expect((await runtime.tasks.create({ prompt: 'What is the temperature in Paris?' })).sub_agent).toBe(
      'weather-agent',
    )
    expect((await runtime.subagents.get('weather-agent')).type).toBe('prebuilt')
    expect((await runtime.tasks.create({ prompt: 'Tell me a joke' })).sub_agent).toBeNull()
  })
})
