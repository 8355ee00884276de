import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner } from '@inboard/core'
import { capability, plannerContext } from './default-planner-fixtures.js'

const NOW = Date.UTC(2026, 2, 11, 10, 0, 0)
const planner = createDefaultPlanner({ now: () => NOW })

const capabilities = [
  capability({
    tool: 'tracker',
    capability: 'get_issue',
    description: 'Get one issue by its key',
    input: z.object({ key: z.string().describe('Issue key such as ENG-42') }),
  }),
  capability({
    tool: 'tracker',
    capability: 'set_status',
    description: 'Move an issue to another workflow state: start, resolve, close or reopen it',
    input: z.object({
      key: z.string().describe('Issue key such as ENG-42'),
      status: z.enum(['open', 'in_progress', 'resolved', 'closed']),
    }),
    sideEffects: true,
  }),
  capability({
    tool: 'storage',
    capability: 'delete_object',
    description: 'Delete an object from a bucket',
    input: z.object({ bucket: z.string(), key: z.string().describe('Object key (path) in the bucket') }),
    sideEffects: true,
  }),
  capability({
    tool: 'payments',
    capability: 'create_invoice',
    description: 'Create and send an invoice to a customer',
    input: z.object({
      customer_email: z.email(),
      amount: z.number(),
      currency: z.enum(['USD', 'EUR', 'GBP']),
      due_before: z.iso.date().optional(),
    }),
    sideEffects: true,
  }),
  capability({
    tool: 'sheets',
    capability: 'read_range',
    description: 'Read the values of a cell range',
    input: z.object({ spreadsheet_id: z.string(), range: z.string().describe('A1 notation, e.g. B2:D10') }),
  }),
  capability({
    tool: 'docs',
    capability: 'share_document',
    description: 'Share a document with people by email',
    input: z.object({
      document_id: z.string(),
      emails: z.array(z.email()),
      role: z.enum(['viewer', 'editor']).default('viewer'),
    }),
    sideEffects: true,
  }),
]

async function decide(prompt: string) {
  return planner.plan(plannerContext({ prompt, capabilities }))
}

describe('default planner: values as people write them', () => {
  it.each([
    ['could you reopen OPS-12?', 'tracker.set_status', { key: 'OPS-12', status: 'open' }],
    ['how is MOB-3 doing?', 'tracker.get_issue', { key: 'MOB-3' }],
    [
      'remove backups/2024/jan.tar.gz from the cold-store bucket',
      'storage.delete_object',
      { bucket: 'cold-store', key: 'backups/2024/jan.tar.gz' },
    ],
    [
      'bill ops@acme.test €2.400,75 due before April 30',
      'payments.create_invoice',
      { customer_email: 'ops@acme.test', amount: 2400.75, currency: 'EUR', due_before: '2026-04-30' },
    ],
    ['read E2 through E14 of sheet fin_q1', 'sheets.read_range', { spreadsheet_id: 'fin_q1', range: 'E2:E14' }],
    [
      'share doc_31 with ana@x.test and bo@y.test as editors',
      'docs.share_document',
      { document_id: 'doc_31', emails: ['ana@x.test', 'bo@y.test'], role: 'editor' },
    ],
  ])('reads "%s" as %s', async (prompt, id, input) => {
    const [tool, name] = id.split('.')
    expect(await decide(prompt)).toEqual({ type: 'call', calls: [{ tool, capability: name, input }] })
  })

  it('asks for the key instead of closing a ticket it cannot identify', async () => {
    expect(await decide('close the ticket about the flaky login')).toMatchObject({
      type: 'ask',
      fields: [{ name: 'key' }],
    })
  })
})
