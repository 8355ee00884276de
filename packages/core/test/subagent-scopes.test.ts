import { describe, expect, it } from 'vitest'
import { memoryStorage } from '@inboard/core'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'
import { weatherTool } from './helpers.js'

const crm = createScriptedTool({
  name: 'crm',
  tags: ['salesforce', 'hubspot'],
  capabilities: { fetch_contacts: [[]], fetch_deals: [[]] },
})
const payments = createScriptedTool({
  name: 'payments',
  tags: ['stripe', 'billing'],
  capabilities: { charge: [{}], refund: [{}] },
})
/** Finishes every task with the capability ids it was allowed to call. */
const reportCapabilities = (): ReturnType<typeof createScriptedPlanner> =>
  createScriptedPlanner([(ctx) => ({ type: 'finish', result: ctx.capabilities.map((capability) => capability.id) })])

const acme = { account: 'acme:live' }
const rival = { account: 'rival:test' }

describe('subagents per account', () => {
  it('answers subagent_not_found to another account reading, changing or deleting a subagent, and lets it deploy the same name as its own', async () => {
    const runtime = createTestRuntime({ tools: [crm, payments] })
    await runtime.subagents.deploy({ name: 'crm-agent', prompt: 'Salesforce contacts and deals', tools: ['crm'] }, acme)
    await expect(runtime.subagents.get('crm-agent', rival)).rejects.toMatchObject({ code: 'subagent_not_found' })
    await expect(
      runtime.subagents.update('crm-agent', { prompt: 'Salesforce and Stripe charges' }, rival),
    ).rejects.toMatchObject({ code: 'subagent_not_found' })
    await expect(runtime.subagents.delete('crm-agent', rival)).rejects.toMatchObject({ code: 'subagent_not_found' })
    expect((await runtime.subagents.list({}, rival)).data).toEqual([])

    const own = await runtime.subagents.deploy(
      { name: 'crm-agent', prompt: 'Stripe charges', tools: ['payments'] },
      rival,
    )
    expect(own).toMatchObject({ id: 'crm-agent', tools: ['payments'] })
    expect(await runtime.subagents.get('crm-agent', acme)).toMatchObject({
      prompt: 'Salesforce contacts and deals',
      tools: ['crm'],
      status: 'deployed',
    })
    expect((await runtime.subagents.list({}, acme)).data.map((subagent) => subagent.tools)).toEqual([['crm']])
    // Names stay unique within one account.
    await expect(
      runtime.subagents.deploy({ name: 'crm-agent', prompt: 'again', tools: ['crm'] }, acme),
    ).rejects.toMatchObject({ code: 'subagent_already_exists' })
  })

  it("runs a task only with a subagent of the task's own account, whether named or routed", async () => {
    const runtime = createTestRuntime({ tools: [crm, payments], planner: reportCapabilities() })
    await runtime.subagents.deploy({ name: 'sales', prompt: 'Salesforce contacts and deals', tools: ['crm'] }, acme)
    await runtime.subagents.deploy(
      { name: 'sales', prompt: 'Salesforce contacts and deals', tools: ['payments'] },
      rival,
    )

    const named = await runtime.tasks.create({ prompt: 'Pull the deals', sub_agent: 'sales' }, acme)
    expect((await runtime.tasks.wait(named.id, {}, acme)).result).toEqual(['crm.fetch_contacts', 'crm.fetch_deals'])
    const routed = await runtime.tasks.create({ prompt: 'Pull all deals from Salesforce' }, acme)
    expect(routed.sub_agent).toBe('sales')
    expect((await runtime.tasks.wait(routed.id, {}, acme)).result).toEqual(['crm.fetch_contacts', 'crm.fetch_deals'])

    await expect(
      runtime.tasks.create({ prompt: 'Pull the deals', sub_agent: 'sales' }, { account: 'third:live' }),
    ).rejects.toMatchObject({ code: 'subagent_not_found' })
    expect(
      (await runtime.tasks.create({ prompt: 'Pull all deals from Salesforce' }, { account: 'third:live' })).sub_agent,
    ).toBeNull()
    await expect(runtime.tasks.create({ prompt: 'Pull the deals', sub_agent: 'sales' })).rejects.toMatchObject({
      code: 'subagent_not_found',
    })
  })

  it('shows prebuilt subagents to every account, and refuses to let an account change, delete or shadow them', async () => {
    const runtime = createTestRuntime({
      tools: [crm, weatherTool],
      planner: reportCapabilities(),
      subagents: [{ name: 'weather-agent', prompt: 'Weather forecasts and temperature' }],
    })
    await runtime.subagents.deploy({ name: 'crm-agent', prompt: 'Salesforce contacts', tools: ['crm'] }, acme)
    expect(await runtime.subagents.get('weather-agent', rival)).toMatchObject({ type: 'prebuilt', tools: ['weather'] })
    expect((await runtime.subagents.list({}, acme)).data.map((subagent) => subagent.id)).toEqual([
      'crm-agent',
      'weather-agent',
    ])
    expect((await runtime.subagents.list({ type: 'prebuilt' }, rival)).data.map((subagent) => subagent.id)).toEqual([
      'weather-agent',
    ])

    await expect(
      runtime.subagents.update('weather-agent', { prompt: 'Salesforce contacts' }, rival),
    ).rejects.toMatchObject({ code: 'subagent_read_only' })
    await expect(runtime.subagents.delete('weather-agent', rival)).rejects.toMatchObject({ code: 'subagent_read_only' })
    await expect(
      runtime.subagents.deploy({ name: 'weather-agent', prompt: 'Salesforce contacts', tools: ['crm'] }, rival),
    ).rejects.toMatchObject({ code: 'subagent_already_exists' })
    expect(await runtime.subagents.get('weather-agent')).toMatchObject({
      prompt: 'Weather forecasts and temperature',
      status: 'deployed',
    })

    const task = await runtime.tasks.create({ prompt: 'What is the temperature in Paris?' }, rival)
    expect(task.sub_agent).toBe('weather-agent')
    expect((await runtime.tasks.wait(task.id, {}, rival)).result).toEqual(['weather.current'])
  })

  it('keeps unscoped calls as they were: one set of names, prebuilt ones included, apart from every account', async () => {
    const runtime = createTestRuntime({
      tools: [crm, weatherTool],
      subagents: [{ name: 'weather-agent', prompt: 'Weather forecasts' }],
    })
    await runtime.subagents.deploy({ name: 'crm-agent', prompt: 'Salesforce contacts' })
    expect((await runtime.subagents.list()).data.map((subagent) => subagent.id)).toEqual(['crm-agent', 'weather-agent'])
    await expect(runtime.subagents.get('crm-agent', acme)).rejects.toMatchObject({ code: 'subagent_not_found' })
    expect(await runtime.subagents.update('weather-agent', { prompt: 'Weather and temperature' })).toMatchObject({
      type: 'prebuilt',
    })
    await expect(runtime.subagents.deploy({ name: 'crm-agent', prompt: 'x' }, { account: null })).rejects.toMatchObject(
      { code: 'subagent_already_exists' },
    )
    expect(await runtime.subagents.delete('crm-agent')).toMatchObject({ status: 'deleted' })
  })

  it('finds each account its own subagents again after a restart on the same storage', async () => {
    const storage = memoryStorage()
    const first = createTestRuntime({ tools: [crm, payments], storage })
    await first.subagents.deploy({ name: 'agent', prompt: 'contacts', tools: ['crm'] }, acme)
    await first.subagents.deploy({ name: 'agent', prompt: 'charges', tools: ['payments'] }, rival)
    await first.subagents.deploy({ name: 'agent', prompt: 'unscoped', tools: ['crm'] })
    const second = createTestRuntime({ tools: [crm, payments], storage })
    expect(await second.subagents.get('agent', acme)).toMatchObject({ prompt: 'contacts', tools: ['crm'] })
    expect(await second.subagents.get('agent', rival)).toMatchObject({ prompt: 'charges', tools: ['payments'] })
    expect(await second.subagents.get('agent')).toMatchObject({ prompt: 'unscoped' })
  })
})
