import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner, type CallRecord, type PlannerDecision } from '@inboard/core'
import {
  NOW,
  allCapabilities,
  capability,
  createContact,
  fetchContacts,
  fetchDeals,
  plannerContext,
  searchDocs,
  sendEmail,
  weatherCurrent,
} from './default-planner-fixtures.js'

const planner = createDefaultPlanner({ now: () => NOW })

async function decide(
  prompt: string,
  extra: Omit<Parameters<typeof plannerContext>[0], 'prompt'> = {},
): Promise<PlannerDecision> {
  return planner.plan(plannerContext({ prompt, ...extra }))
}

function completed(
  call: { tool: string; capability: string; input: Record<string, unknown> },
  output: unknown,
): CallRecord {
  return { ...call, status: 'complete', output }
}

const WEATHER = 'Look up the current weather in San Francisco and return temperature, conditions, and humidity'
const DEALS =
  'Pull all deals in the Negotiation stage for user_123. Return deal name, amount, close date, and associated contact email'
const CONTACTS =
  "Pull all contacts from user_123's CRM account created in the last 30 days. Return name, email, and company"

describe('default planner: the reference prompts', () => {
  it('is named default', () => {
    expect(planner.name).toBe('default')
  })

  it('calls weather.current with the place named in the prompt, leaving defaulted units unset', async () => {
    expect(await decide(WEATHER)).toEqual({
      type: 'call',
      calls: [{ tool: 'weather', capability: 'current', input: { location: 'San Francisco' } }],
    })
  })

  it('finishes the weather task with only temperature, conditions and humidity', async () => {
    const output = {
      location: 'San Francisco, CA',
      temperature: 18,
      conditions: 'Fog',
      humidity: 82,
      wind_kph: 19,
      observed_at: '2025-06-15T11:55:00Z',
    }
    const history = [
      completed({ tool: 'weather', capability: 'current', input: { location: 'San Francisco' } }, output),
    ]
    expect(await decide(WEATHER, { history })).toEqual({
      type: 'finish',
      result: { temperature: 18, conditions: 'Fog', humidity: 82 },
    })
  })

  it('maps abbreviated and nested weather keys to the requested fields, keeping their own names', async () => {
    const output = {
      location: 'San Francisco',
      current: { temp_c: 18, condition: 'Fog', humidity_pct: 82, wind_kph: 19 },
    }
    const history = [
      completed({ tool: 'weather', capability: 'current', input: { location: 'San Francisco' } }, output),
    ]
    expect(await decide(WEATHER, { history })).toEqual({
      type: 'finish',
      result: { current: { temp_c: 18, condition: 'Fog', humidity_pct: 82 } },
    })
  })

  it('calls crm.fetch_deals with the enum stage and the user id from the prompt', async () => {
    expect(await decide(DEALS)).toEqual({
      type: 'call',
      calls: [{ tool: 'crm', capability: 'fetch_deals', input: { stage: 'Negotiation', user_id: 'user_123' } }],
    })
  })

  it('shapes each deal of a { deals: [...] } output to name, amount, close date and contact email', async () => {
    const output = {
      deals: [
        {
          id: 'deal_1',
          name: 'Acme renewal',
          amount: 12000,
          stage: 'Negotiation',
          close_date: '2025-07-01',
          contact_email: 'ana@acme.test',
          owner: 'user_123',
        },
        {
          id: 'deal_2',
          name: 'Globex pilot',
          amount: 4500.5,
          stage: 'Negotiation',
          close_date: '2025-08-15',
          contact_email: 'li@globex.test',
          owner: 'user_123',
        },
      ],
      has_more: false,
    }
    const history = [completed({ tool: 'crm', capability: 'fetch_deals', input: { stage: 'Negotiation' } }, output)]
    expect(await decide(DEALS, { history })).toEqual({
      type: 'finish',
      result: {
        deals: [
          { name: 'Acme renewal', amount: 12000, close_date: '2025-07-01', contact_email: 'ana@acme.test' },
          { name: 'Globex pilot', amount: 4500.5, close_date: '2025-08-15', contact_email: 'li@globex.test' },
        ],
      },
    })
  })

  it('matches close date to expected_close and the contact email inside a nested contact', async () => {
    const output = [
      {
        deal_name: 'Acme renewal',
        value: 12000,
        expected_close: '2025-07-01',
        created_at: '2025-01-02',
        contact: { name: 'Ana', email: 'ana@acme.test' },
      },
    ]
    const history = [completed({ tool: 'crm', capability: 'fetch_deals', input: { stage: 'Negotiation' } }, output)]
    expect(await decide(DEALS, { history })).toEqual({
      type: 'finish',
      result: [
        { deal_name: 'Acme renewal', value: 12000, expected_close: '2025-07-01', contact: { email: 'ana@acme.test' } },
      ],
    })
  })

  it('calls crm.fetch_contacts with the date 30 days before now and the user id', async () => {
    expect(await decide(CONTACTS)).toEqual({
      type: 'call',
      calls: [
        { tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2025-05-16', user_id: 'user_123' } },
      ],
    })
  })

  it('shapes the contacts list to name, email and company', async () => {
    const output = {
      contacts: [
        { id: 'c_1', name: 'Ana Lima', email: 'ana@acme.test', company: 'Acme', createdAt: '2025-06-01' },
        { id: 'c_2', name: 'Li Wei', email: 'li@globex.test', company: 'Globex', createdAt: '2025-06-10' },
      ],
    }
    const history = [
      completed({ tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2025-05-16' } }, output),
    ]
    expect(await decide(CONTACTS, { history })).toEqual({
      type: 'finish',
      result: {
        contacts: [
          { name: 'Ana Lima', email: 'ana@acme.test', company: 'Acme' },
          { name: 'Li Wei', email: 'li@globex.test', company: 'Globex' },
        ],
      },
    })
  })
})

describe('default planner: choosing a capability', () => {
  it('ranks the capability whose names the prompt uses above the others', async () => {
    const decision = await decide('Search the knowledge base for "rate limits"')
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'docs', capability: 'search', input: { query: 'rate limits' } }],
    })
  })

  it('prefers reading contacts over creating one when the prompt does not ask to create', async () => {
    const decision = await decide('Show contacts created since 2025-01-01', {
      capabilities: [createContact, fetchContacts],
    })
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2025-01-01' } }],
    })
  })

  it('picks the side-effecting capability when the prompt asks to create something', async () => {
    const decision = await decide('Create a contact named Ana Lima with email ana@acme.test at Acme Corp', {
      capabilities: [fetchContacts, createContact],
    })
    expect(decision).toEqual({
      type: 'call',
      calls: [
        {
          tool: 'crm',
          capability: 'create_contact',
          input: { name: 'Ana Lima', email: 'ana@acme.test', company: 'Acme Corp' },
        },
      ],
    })
  })

  it('reads a name listed after a colon and the company after "at"', async () => {
    const decision = await decide('Add a new contact: Jane Doe, jane@doe.io, works at Initech')
    expect(decision).toEqual({
      type: 'call',
      calls: [
        {
          tool: 'crm',
          capability: 'create_contact',
          input: { name: 'Jane Doe', email: 'jane@doe.io', company: 'Initech' },
        },
      ],
    })
  })

  it('sends an email with the quoted subject and body', async () => {
    const decision = await decide(
      'Send an email to bob@example.com with subject "Q3 numbers" and body "The deck is attached."',
    )
    expect(decision).toEqual({
      type: 'call',
      calls: [
        {
          tool: 'email',
          capability: 'send',
          input: { to: 'bob@example.com', subject: 'Q3 numbers', body: 'The deck is attached.' },
        },
      ],
    })
  })

  it('fails, naming the capabilities, when nothing shares a word with the prompt', async () => {
    const decision = await decide('Translate this poem into Klingon', { capabilities: [weatherCurrent, fetchDeals] })
    expect(decision).toEqual({
      type: 'fail',
      code: 'no_capability_matched',
      message:
        'No capability matched the prompt "Translate this poem into Klingon"; none of weather.current, crm.fetch_deals shares a meaningful word with it',
      suggestion:
        'Name the service or the operation in the prompt (for example "weather", "contacts", "send an email").',
    })
  })

  it('fails when the task may call no capability at all', async () => {
    const decision = await decide('What is the weather in Paris?', { capabilities: [] })
    expect(decision).toMatchObject({
      type: 'fail',
      message:
        'No capability matched the prompt "What is the weather in Paris?": this task may not call any capability',
    })
  })

  it('notes which capability it chose', async () => {
    const context = plannerContext({ prompt: WEATHER })
    await planner.plan(context)
    expect(context.notes).toEqual([
      'default planner chose weather.current (score 3.75, confidence 1)',
      'values: location ← prompt "San Francisco"',
    ])
  })
})

describe('default planner: asking for what the prompt lacks', () => {
  const prompt = 'Email bob@example.com the weekly summary'

  it('asks for exactly the required fields it cannot fill', async () => {
    expect(await decide(prompt, { capabilities: [sendEmail] })).toEqual({
      type: 'ask',
      message: 'To run email.send I need: subject, body. Send them as input values.',
      fields: [
        { name: 'subject', description: null, type: 'string' },
        { name: 'body', description: null, type: 'string' },
      ],
    })
  })

  it('calls once the person supplies the missing values', async () => {
    const input = { values: { subject: 'Weekly summary', body: 'All green this week.' } }
    expect(await decide(prompt, { capabilities: [sendEmail], input })).toEqual({
      type: 'call',
      calls: [
        {
          tool: 'email',
          capability: 'send',
          input: { to: 'bob@example.com', subject: 'Weekly summary', body: 'All green this week.' },
        },
      ],
    })
  })

  it('fills a single missing field from the text of a message', async () => {
    const decision = await decide('What is the weather like right now?', {
      capabilities: [weatherCurrent],
      input: { messages: ['Lisbon'] },
    })
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'weather', capability: 'current', input: { location: 'Lisbon' } }],
    })
  })

  it('lists enum choices and the format when asking', async () => {
    const decision = await decide('Pull my deals', { capabilities: [fetchDeals] })
    expect(decision).toEqual({
      type: 'ask',
      message: 'To run crm.fetch_deals I need: stage. Send it as input values.',
      fields: [{ name: 'stage', description: 'One of: Prospecting, Negotiation, Closed Won.', type: 'string' }],
    })
  })

  it('coerces supplied values to the schema: enum case, amounts and dates', async () => {
    const input = { values: { stage: 'closed won', min_amount: '5k', user_id: 'user_9' } }
    expect(await decide('Pull my deals', { capabilities: [fetchDeals], input })).toEqual({
      type: 'call',
      calls: [
        { tool: 'crm', capability: 'fetch_deals', input: { stage: 'Closed Won', user_id: 'user_9', min_amount: 5000 } },
      ],
    })
    const dated = await decide('Pull contacts', {
      capabilities: [fetchContacts],
      input: { values: { created_after: 'yesterday' } },
    })
    expect(dated).toEqual({
      type: 'call',
      calls: [{ tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2025-06-14' } }],
    })
  })

  it('lets supplied values override what the prompt says', async () => {
    const decision = await decide('Weather in Paris', {
      capabilities: [weatherCurrent],
      input: { values: { location: 'Rome', units: 'imperial' } },
    })
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'weather', capability: 'current', input: { location: 'Rome', units: 'imperial' } }],
    })
  })

  it("falls back to the task's user for a user id parameter", async () => {
    const decision = await decide('Pull contacts created this week', {
      capabilities: [fetchContacts],
      userId: 'user_42',
    })
    expect(decision).toEqual({
      type: 'call',
      calls: [
        { tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2025-06-09', user_id: 'user_42' } },
      ],
    })
  })
})

describe('default planner: after a call', () => {
  it('returns the output unchanged when the prompt asks for no fields', async () => {
    const output = { temperature: 18, conditions: 'Fog' }
    const history = [completed({ tool: 'weather', capability: 'current', input: { location: 'Paris' } }, output)]
    expect(await decide('Weather in Paris', { history })).toEqual({ type: 'finish', result: output })
  })

  it('returns the output unchanged when no requested field matches a key', async () => {
    const output = { temperature: 18, conditions: 'Fog' }
    const history = [completed({ tool: 'weather', capability: 'current', input: { location: 'Paris' } }, output)]
    expect(await decide('Weather in Paris. Return the pollen count', { history })).toEqual({
      type: 'finish',
      result: output,
    })
  })

  it('fails with the error of a failed call', async () => {
    const history: CallRecord[] = [
      {
        tool: 'weather',
        capability: 'current',
        input: { location: 'Atlantis' },
        status: 'failed',
        error: {
          code: 'not_found',
          message: 'Unknown location',
          tool: 'weather',
          recoverable: false,
          suggestion: 'Check the spelling',
        },
      },
    ]
    expect(await decide('Weather in Atlantis', { history })).toEqual({
      type: 'fail',
      message: 'weather.current failed: Unknown location',
      recoverable: false,
      suggestion: 'Check the spelling',
    })
  })

  it('fails when the call was skipped', async () => {
    const history: CallRecord[] = [{ tool: 'email', capability: 'send', input: {}, status: 'skipped' }]
    expect(await decide('Send it', { history })).toEqual({
      type: 'fail',
      message: 'email.send was skipped, so the task has no result',
      recoverable: true,
    })
  })
})

describe('default planner: options', () => {
  it('reads relative dates against the clock it is given', async () => {
    const clocked = createDefaultPlanner({ clock: { now: () => Date.UTC(2024, 1, 29, 8) } })
    const decision = await clocked.plan(
      plannerContext({ prompt: 'Pull contacts created yesterday', capabilities: [fetchContacts] }),
    )
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'crm', capability: 'fetch_contacts', input: { created_after: '2024-02-28' } }],
    })
  })

  it('gives the same decision for the same context every time', async () => {
    const first = await decide(DEALS)
    const second = await createDefaultPlanner({ now: () => NOW }).plan(plannerContext({ prompt: DEALS }))
    expect(second).toEqual(first)
  })

  it('handles schemas with nullable, union and date-time parameters', async () => {
    const events = capability({
      tool: 'calendar',
      capability: 'list_events',
      description: 'List calendar events in a time window',
      input: z.object({
        start: z.iso.datetime(),
        end: z.iso.datetime().nullable().optional(),
        calendar: z.string().nullable().default(null),
      }),
    })
    const decision = await planner.plan(
      plannerContext({
        prompt: 'List calendar events between 2025-06-01 and 2025-06-07',
        capabilities: [events, ...allCapabilities],
      }),
    )
    expect(decision).toEqual({
      type: 'call',
      calls: [
        {
          tool: 'calendar',
          capability: 'list_events',
          input: { start: '2025-06-01T00:00:00.000Z', end: '2025-06-07T23:59:59.999Z' },
        },
      ],
    })
  })

  it('leaves searchDocs limit unset unless the prompt gives a count', async () => {
    const decision = await decide('Search the docs for "webhooks", top 5 results', { capabilities: [searchDocs] })
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'docs', capability: 'search', input: { query: 'webhooks', limit: 5 } }],
    })
  })
})
