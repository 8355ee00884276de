import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'

/** 2026-03-11T10:00:00Z, a Wednesday. */
const NOW = Date.UTC(2026, 2, 11, 10, 0, 0)

interface Logged {
  id: string
  input: Record<string, unknown>
}

function shopTools(log: Logged[], newest = 'ord_5561') {
  const record = (id: string, input: Record<string, unknown>): void => {
    log.push({ id, input })
  }
  const shop = defineTool({
    name: 'shop',
    description: 'Online shop back office: customers, orders, returns',
    capabilities: {
      list_orders: {
        description: "List a customer's orders, newest first",
        input: z.object({
          customer_id: z.string().describe('Customer id such as c_123'),
          limit: z.number().int().default(10),
        }),
        run: async (input) => {
          record('shop.list_orders', input)
          return {
            orders: [
              { order_id: newest, total: 84.9 },
              { order_id: 'ord_1000', total: 12 },
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
          return { return_id: 'ret_1' }
        },
      },
    },
  })
  const helpdesk = defineTool({
    name: 'helpdesk',
    description: 'Customer support desk: cases and replies',
    capabilities: {
      get_case: {
        description: 'Look up a support case by its number',
        input: z.object({ case_number: z.number().int() }),
        run: async (input) => {
          record('helpdesk.get_case', input)
          return { case_number: input.case_number, subject: 'Cannot log in', customer_email: 'jo@brightlane.test' }
        },
      },
    },
  })
  const sms = defineTool({
    name: 'sms',
    description: 'Text messages (SMS) to phones',
    capabilities: {
      send_sms: {
        description: 'Send a text message to a phone number',
        input: z.object({
          to: z.string().describe('Phone number in E.164 format, e.g. +14155550100'),
          body: z.string(),
        }),
        sideEffects: true,
        run: async (input) => {
          record('sms.send_sms', input)
          return { status: 'queued' }
        },
      },
      list_sent: {
        description: 'List text messages we sent',
        input: z.object({ to: z.string().optional().describe('Only messages to this phone number') }),
        run: async (input) => {
          record('sms.list_sent', input)
          return { messages: [] }
        },
      },
    },
  })
  return [shop, helpdesk, sms]
}

function runtimeWith(log: Logged[], options: { memory?: boolean; newest?: string } = {}) {
  const clock = createFakeClock(NOW)
  return createTestRuntime({
    clock,
    tools: shopTools(log, options.newest),
    planner: createDefaultPlanner({ clock }),
    memory: { enabled: options.memory === true },
  })
}

describe('default planner: chains inside the runtime', () => {
  it('runs a two-step request, passing the newest order id from the first result to the second call', async () => {
    const log: Logged[] = []
    const runtime = runtimeWith(log)
    const task = await Promise.resolve(
      runtime.tasks.create({ prompt: 'find the newest order of customer c_9 and start a return for it' }),
    )
    const done = await runtime.tasks.wait(task.id)
    expect(done.status).toBe('complete')
    expect(log).toEqual([
      { id: 'shop.list_orders', input: { customer_id: 'c_9', limit: 10 } },
      { id: 'shop.start_return', input: { order_id: 'ord_5561' } },
    ])
    const notes = (await Promise.resolve(runtime.tasks.trace(task.id))).steps.map((step) => step.note ?? '').join('\n')
    expect(notes).toContain('order_id ← step 1 output orders[0].order_id')
  })

  it('stops and asks when a later step cannot link its value, naming the field, and continues after input', async () => {
    const log: Logged[] = []
    const runtime = runtimeWith(log)
    const task = await Promise.resolve(
      runtime.tasks.create({ prompt: 'look up case 9910 and text the customer that their replacement shipped' }),
    )
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({ reason: 'input_required', fields: [{ name: 'to' }] })
    expect(log.map((call) => call.id)).toEqual(['helpdesk.get_case'])
    await Promise.resolve(runtime.tasks.sendInput(task.id, { values: { to: '+447700900123' } }))
    const done = await runtime.tasks.wait(task.id)
    expect(done.status).toBe('complete')
    expect(log.at(-1)).toEqual({
      id: 'sms.send_sms',
      input: { to: '+447700900123', body: 'their replacement shipped' },
    })
  })

  it('plans a chain afresh with execution memory on, so a later run links its own result', async () => {
    const first: Logged[] = []
    const runtime = runtimeWith(first, { memory: true })
    const prompt = 'find the newest order of customer c_9 and start a return for it'
    const one = await Promise.resolve(runtime.tasks.create({ prompt }))
    await runtime.tasks.wait(one.id)
    const two = await Promise.resolve(
      runtime.tasks.create({ prompt: 'find the newest order of customer c_12 and start a return for it' }),
    )
    expect((await runtime.tasks.wait(two.id)).status).toBe('complete')
    expect(first.filter((call) => call.id === 'shop.start_return').map((call) => call.input.order_id)).toEqual([
      'ord_5561',
      'ord_5561',
    ])
    expect(first.filter((call) => call.id === 'shop.list_orders').map((call) => call.input.customer_id)).toEqual([
      'c_9',
      'c_12',
    ])
  })
})

describe('default planner: never guessing a side effect', () => {
  it('waits for a phone number instead of texting a word from the prompt', async () => {
    const log: Logged[] = []
    const runtime = runtimeWith(log)
    const task = await Promise.resolve(
      runtime.tasks.create({ prompt: 'text the warehouse manager that the truck is late' }),
    )
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({ reason: 'input_required', fields: [{ name: 'to' }] })
    expect(log).toEqual([])
  })

  it('reads rather than writes when the write verb sits inside a question', async () => {
    const log: Logged[] = []
    const runtime = runtimeWith(log)
    const task = await Promise.resolve(runtime.tasks.create({ prompt: 'which texts did we send to +1 415 555 0100?' }))
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    expect(log).toEqual([{ id: 'sms.list_sent', input: { to: '+1 415 555 0100' } }])
  })

  it('sends once the prompt gives the number, in E.164 as the description asks, with the text after the colon', async () => {
    const log: Logged[] = []
    const runtime = runtimeWith(log)
    const task = await Promise.resolve(
      runtime.tasks.create({ prompt: 'sms +44 7700 900 321: your courier is two stops away' }),
    )
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    expect(log).toEqual([
      { id: 'sms.send_sms', input: { to: '+447700900321', body: 'your courier is two stops away' } },
    ])
  })
})
