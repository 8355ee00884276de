import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner, type CapabilityInfo } from '@inboard/core'
import { NOW, capability, plannerContext } from './default-planner-fixtures.js'

const planner = createDefaultPlanner({ now: () => NOW })

const listInvoices = capability({
  tool: 'billing',
  capability: 'list_invoices',
  description: 'List invoices issued in a date range',
  tags: ['billing', 'invoices'],
  input: z.object({
    issued_after: z.iso.date().optional(),
    issued_before: z.iso.date().optional(),
    min_amount: z.number().optional().describe('Smallest invoice total'),
    max_amount: z.number().optional(),
    include_paid: z.boolean().optional(),
    limit: z.number().int().max(200).optional(),
  }),
})

const createInvoice = capability({
  tool: 'billing',
  capability: 'create_invoice',
  description: 'Create an invoice for a customer',
  tags: ['billing', 'invoices'],
  input: z.object({ customer: z.string(), amount: z.number(), due_date: z.iso.date() }),
  sideEffects: true,
})

async function inputFor(prompt: string, capabilities: readonly CapabilityInfo[] = [listInvoices]): Promise<unknown> {
  const decision = await planner.plan(plannerContext({ prompt, capabilities }))
  if (decision.type !== 'call') return decision
  return decision.calls[0]?.input
}

describe('default planner: dates in prompts', () => {
  it.each([
    ['List invoices issued since 2025-01-01', { issued_after: '2025-01-01' }],
    ['List invoices from the last 30 days', { issued_after: '2025-05-16' }],
    ['List invoices issued yesterday', { issued_after: '2025-06-14', issued_before: '2025-06-14' }],
    ['List invoices from this week', { issued_after: '2025-06-09', issued_before: '2025-06-15' }],
    ['List invoices issued this month', { issued_after: '2025-06-01', issued_before: '2025-06-30' }],
    ['List invoices between 2025-03-01 and 2025-03-31', { issued_after: '2025-03-01', issued_before: '2025-03-31' }],
    ['List invoices issued before March 3, 2025', { issued_before: '2025-03-03' }],
    ['List invoices issued since 2 weeks ago', { issued_after: '2025-06-01' }],
  ])('reads "%s" relative to now', async (prompt, expected) => {
    expect(await inputFor(prompt)).toEqual(expected)
  })
})

describe('default planner: numbers, booleans and names in prompts', () => {
  it('reads currency amounts with thousands separators and decimals as bounds', async () => {
    expect(await inputFor('List invoices over $1,200.50')).toEqual({ min_amount: 1200.5 })
    expect(await inputFor('List invoices under 5k')).toEqual({ max_amount: 5000 })
  })

  it('reads a result count only where the prompt gives one', async () => {
    expect(await inputFor('List the top 10 invoices')).toEqual({ limit: 10 })
    expect(await inputFor('List invoices')).toEqual({})
  })

  it('sets a boolean the prompt mentions, and negates it after "without"', async () => {
    expect(await inputFor('List invoices, include paid ones')).toEqual({ include_paid: true })
    expect(await inputFor('List invoices without include paid')).toEqual({ include_paid: false })
  })

  it('fills a create call from a name, an amount and a date', async () => {
    const input = await inputFor('Create an invoice for Globex Corp of $2,500 due tomorrow', [
      listInvoices,
      createInvoice,
    ])
    expect(input).toEqual({ customer: 'Globex Corp', amount: 2500, due_date: '2025-06-16' })
  })

  it('fills a place written in lower case', async () => {
    const weather = capability({
      tool: 'weather',
      capability: 'current',
      description: 'Current weather',
      input: z.object({ city: z.string() }),
    })
    expect(await inputFor("what's the weather in new york today", [weather])).toEqual({ city: 'new york' })
  })

  it('takes the missing email from a reply message among other words', async () => {
    const send = capability({
      tool: 'email',
      capability: 'send',
      description: 'Send an email',
      input: z.object({ to: z.email(), subject: z.string() }),
      sideEffects: true,
    })
    const decision = await planner.plan(
      plannerContext({
        prompt: 'Send an email with subject "Hello"',
        capabilities: [send],
        input: { messages: ['Please use ana@acme.test'] },
      }),
    )
    expect(decision).toEqual({
      type: 'call',
      calls: [{ tool: 'email', capability: 'send', input: { to: 'ana@acme.test', subject: 'Hello' } }],
    })
  })
})

describe('default planner: shaping results', () => {
  const history = (output: unknown) => [
    { tool: 'billing', capability: 'list_invoices', input: {}, status: 'complete' as const, output },
  ]

  it('keeps an array output a list of rows with only the requested keys', async () => {
    const output = [
      { invoiceNumber: 'INV-1', totalAmount: 120, dueDate: '2025-07-01', status: 'open' },
      { invoiceNumber: 'INV-2', totalAmount: 80, dueDate: '2025-07-09', status: 'paid' },
    ]
    const decision = await planner.plan(
      plannerContext({
        prompt: 'List invoices. Return invoice number, due date and status',
        capabilities: [listInvoices],
        history: history(output),
      }),
    )
    expect(decision).toEqual({
      type: 'finish',
      result: [
        { invoiceNumber: 'INV-1', dueDate: '2025-07-01', status: 'open' },
        { invoiceNumber: 'INV-2', dueDate: '2025-07-09', status: 'paid' },
      ],
    })
  })

  it('returns scalar outputs and empty lists unchanged', async () => {
    for (const output of [42, 'done', [], { invoices: [] }]) {
      const decision = await planner.plan(
        plannerContext({
          prompt: 'List invoices. Return the amount',
          capabilities: [listInvoices],
          history: history(output),
        }),
      )
      expect(decision).toEqual({ type: 'finish', result: output })
    }
  })
})
