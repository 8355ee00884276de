import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner, type Planner } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'

/** 2026-03-11T10:00:00Z, a Wednesday. */
const NOW = Date.UTC(2026, 2, 11, 10, 0, 0)

interface Logged {
  id: string
  input: Record<string, unknown>
}

/** A shop whose answers depend on the input, so a replay that copied run 1's values would show. */
function shopTool(log: Logged[], options: { emptyFor?: string } = {}) {
  const record = (id: string, input: Record<string, unknown>): void => {
    log.push({ id, input })
  }
  return defineTool({
    name: 'shop',
    description: 'Online shop back office: customers, orders, returns',
    capabilities: {
      find_customer: {
        description: 'Find a customer by email address',
        input: z.object({ email: z.email() }),
        run: async (input) => {
          record('shop.find_customer', input)
          return { customer_id: `c_${input.email.split('@')[0]}`, email: input.email }
        },
      },
      list_orders: {
        description: "List a customer's orders, newest first",
        input: z.object({
          customer_id: z.string().describe('Customer id such as c_123'),
          limit: z.number().int().default(10),
        }),
        run: async (input) => {
          record('shop.list_orders', input)
          if (input.customer_id === options.emptyFor) return { orders: [] }
          return {
            orders: [
              { order_id: `ord_${input.customer_id}_new`, total: 84.9 },
              { order_id: `ord_${input.customer_id}_old`, total: 12 },
            ],
          }
        },
      },
      start_return: {
        description: 'Start a return (RMA) for an order',
        input: z.object({ order_id: z.string().describe('Order id such as ord_1234'), reason: z.string().optional() }),
        sideEffects: true,
        run: async (input) => {
          record('shop.start_return', input)
          return { return_id: `ret_${input.order_id}` }
        },
      },
      cancel_order: {
        description: 'Cancel an order that has not shipped yet',
        input: z.object({ order_id: z.string().describe('Order id such as ord_1234') }),
        sideEffects: true,
        run: async (input) => {
          record('shop.cancel_order', input)
          return { cancelled: input.order_id }
        },
      },
    },
  })
}

/** The default planner, counting how often it is asked. */
function countingPlanner(clock: ReturnType<typeof createFakeClock>): Planner & { asked: number } {
  const inner = createDefaultPlanner({ clock })
  const planner = {
    name: 'default',
    asked: 0,
    plan(context: Parameters<Planner['plan']>[0]) {
      planner.asked++
      return inner.plan(context)
    },
  }
  return planner
}

function setup(options: { emptyFor?: string } = {}) {
  const log: Logged[] = []
  const clock = createFakeClock(NOW)
  const planner = countingPlanner(clock)
  const runtime = createTestRuntime({ clock, tools: [shopTool(log, options)], planner })
  return { log, planner, runtime }
}

async function notesOf(runtime: ReturnType<typeof createTestRuntime>, id: string): Promise<string> {
  return (await runtime.tasks.trace(id)).steps.map((step) => step.note ?? '').join('\n')
}

describe('execution memory: chains', () => {
  it('learns a two-step chain and replays it for the next customer with the linked order id, without the planner', async () => {
    const { log, planner, runtime } = setup()
    const first = await runtime.tasks.create({
      prompt: 'find the newest order of customer c_9 and start a return for it',
    })
    expect((await runtime.tasks.wait(first.id)).status).toBe('complete')
    expect(await notesOf(runtime, first.id)).toContain(
      "learned plan for 'find the newest order of customer {customer_id} and start a return for it'",
    )
    log.length = 0
    planner.asked = 0

    const second = await runtime.tasks.create({
      prompt: 'find the newest order of customer c_12 and start a return for it',
    })
    const done = await runtime.tasks.wait(second.id)
    expect(done).toMatchObject({ status: 'complete', result: { return_id: 'ret_ord_c_12_new' } })
    expect(log.map((call) => call.id)).toEqual(['shop.list_orders', 'shop.start_return'])
    expect(log[0]?.input).toMatchObject({ customer_id: 'c_12' })
    expect(log[1]?.input).toEqual({ order_id: 'ord_c_12_new' })
    expect(planner.asked).toBe(0)
    const notes = await notesOf(runtime, second.id)
    expect(notes).toContain('(step 2 of 2); order_id ← call 1 output orders[0].order_id')
    expect(notes).not.toContain('default planner chose')
    await runtime.close({ deadlineMs: 0 })
  })

  it('learns a three-step chain and replays it, each step fed by what the step before returned this time', async () => {
    const { log, planner, runtime } = setup()
    const first = await runtime.tasks.create({
      prompt: 'find the customer for mila@example.net, get their latest order and cancel it',
    })
    expect((await runtime.tasks.wait(first.id)).status).toBe('complete')
    expect(log.map((call) => call.input)).toEqual([
      { email: 'mila@example.net' },
      expect.objectContaining({ customer_id: 'c_mila' }),
      { order_id: 'ord_c_mila_new' },
    ])
    log.length = 0
    planner.asked = 0

    const second = await runtime.tasks.create({
      prompt: 'find the customer for ivo@example.net, get their latest order and cancel it',
    })
    expect(await runtime.tasks.wait(second.id)).toMatchObject({
      status: 'complete',
      result: { cancelled: 'ord_c_ivo_new' },
    })
    expect(log.map((call) => call.id)).toEqual(['shop.find_customer', 'shop.list_orders', 'shop.cancel_order'])
    expect(log.map((call) => call.input)).toEqual([
      { email: 'ivo@example.net' },
      expect.objectContaining({ customer_id: 'c_ivo' }),
      { order_id: 'ord_c_ivo_new' },
    ])
    expect(planner.asked).toBe(0)
    const notes = await notesOf(runtime, second.id)
    expect(notes).toContain('customer_id ← call 1 output customer_id')
    expect(notes).toContain('order_id ← call 2 output orders[0].order_id')
    await runtime.close({ deadlineMs: 0 })
  })

  it('falls back to the planner when a link finds nothing, which asks instead of inventing the value', async () => {
    const { log, runtime } = setup({ emptyFor: 'c_77' })
    const first = await runtime.tasks.create({
      prompt: 'find the newest order of customer c_9 and start a return for it',
    })
    await runtime.tasks.wait(first.id)
    log.length = 0

    const second = await runtime.tasks.create({
      prompt: 'find the newest order of customer c_77 and start a return for it',
    })
    const waiting = await runtime.tasks.wait(second.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'input_required',
      fields: [expect.objectContaining({ name: 'order_id' })],
    })
    expect(log.some((call) => call.id === 'shop.start_return')).toBe(false)
    expect(await notesOf(runtime, second.id)).toContain(
      'cannot fill a value of the next step (a linked output is missing); planning again',
    )
    await runtime.close({ deadlineMs: 0 })
  })

  it('never repeats a replayed side effect when a later link fails: the planner continues from what ran and asks', async () => {
    const log: Logged[] = []
    const clock = createFakeClock(NOW)
    const docs = defineTool({
      name: 'docs',
      description: 'Shared documents: create and share',
      capabilities: {
        create_document: {
          description: 'Create a new document',
          input: z.object({ title: z.string() }),
          sideEffects: true,
          run: async (input) => {
            log.push({ id: 'docs.create_document', input })
            // A changed service: this title's answer no longer carries the id.
            return input.title === 'Beta plan'
              ? { created: true }
              : { document_id: `doc_${input.title.length}`, url: 'https://docs.test/d' }
          },
        },
        share_document: {
          description: 'Share a document with people by email',
          input: z.object({ document_id: z.string(), emails: z.array(z.email()).min(1) }),
          sideEffects: true,
          run: async (input) => {
            log.push({ id: 'docs.share_document', input })
            return { shared: input.document_id }
          },
        },
      },
    })
    const runtime = createTestRuntime({ clock, tools: [docs], planner: createDefaultPlanner({ clock }) })
    const first = await runtime.tasks.create({
      prompt: 'create a doc titled "Alpha plan" and share it with kim@x.test',
    })
    expect((await runtime.tasks.wait(first.id)).status).toBe('complete')
    expect(log.map((call) => call.input)).toEqual([
      { title: 'Alpha plan' },
      { document_id: 'doc_10', emails: ['kim@x.test'] },
    ])
    log.length = 0

    const second = await runtime.tasks.create({
      prompt: 'create a doc titled "Beta plan" and share it with kim@x.test',
    })
    const waiting = await runtime.tasks.wait(second.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'input_required',
      fields: [expect.objectContaining({ name: 'document_id' })],
    })
    expect(log).toEqual([{ id: 'docs.create_document', input: { title: 'Beta plan' } }])
    const notes = await notesOf(runtime, second.id)
    expect(notes).toContain('replayed plan for \'create a doc titled "{title}" and share it with kim@x.test\'')
    expect(notes).toContain('cannot fill a value of the next step')
    await runtime.close({ deadlineMs: 0 })
  })
})
