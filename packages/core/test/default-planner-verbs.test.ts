import { defineTool, type Tool } from '@inboard/tools'
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

function tools(log: Logged[]): Tool[] {
  const logged =
    (id: string, output: (input: Record<string, unknown>) => unknown) =>
    async (input: Record<string, unknown>): Promise<unknown> => {
      log.push({ id, input })
      return output(input)
    }
  const environment = z.enum(['development', 'staging', 'production'])
  return [
    defineTool({
      name: 'flags',
      description: 'Feature flags: turn features on and off per environment',
      capabilities: {
        get_flag: {
          description: 'Get a feature flag: whether it is on and its owner',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment: environment.default('production'),
          }),
          run: logged('flags.get_flag', (input) => ({ key: input.key, enabled: false, owner: 'marta' })),
        },
        set_flag: {
          description: 'Turn a feature flag on or off in one environment',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment,
            enabled: z.boolean(),
          }),
          sideEffects: true,
          run: logged('flags.set_flag', () => ({ ok: true })),
        },
      },
    }),
    defineTool({
      name: 'shipping',
      description: 'Shipping: labels and parcel tracking',
      capabilities: {
        create_label: {
          description: 'Buy a shipping label for an order',
          input: z.object({
            order_ref: z.string().describe('Order reference such as SO-1234'),
            weight_kg: z.number().positive(),
          }),
          sideEffects: true,
          run: logged('shipping.create_label', () => ({ label_id: 'lbl_1' })),
        },
        cancel_shipment: {
          description: 'Void a shipment label before the carrier picks it up',
          input: z.object({ tracking_number: z.string().describe('Carrier tracking number') }),
          sideEffects: true,
          run: logged('shipping.cancel_shipment', () => ({ ok: true })),
        },
      },
    }),
    defineTool({
      name: 'crm',
      description: 'CRM: deals and their owners',
      capabilities: {
        get_deal: {
          description: 'Get one deal by id, with stage and owner',
          input: z.object({ deal_id: z.string().describe('Deal id such as dl_123') }),
          run: logged('crm.get_deal', (input) => ({ deal_id: input.deal_id, stage: 'negotiation', owner: 'jsmith' })),
        },
        assign_owner: {
          description: 'Give a deal to another sales rep',
          input: z.object({
            deal_id: z.string().describe('Deal id such as dl_123'),
            owner: z.string().describe('Username of the sales rep'),
          }),
          sideEffects: true,
          run: logged('crm.assign_owner', () => ({ ok: true })),
        },
      },
    }),
    defineTool({
      name: 'ops',
      description: 'Running services',
      capabilities: {
        get_service_status: {
          description: 'Health of a service in an environment',
          input: z.object({ service: z.string().describe('Service name such as checkout-api'), environment }),
          run: logged('ops.get_service_status', () => ({ healthy: true })),
        },
        restart_service: {
          description: 'Restart every instance of a service in an environment',
          input: z.object({ service: z.string().describe('Service name such as checkout-api'), environment }),
          sideEffects: true,
          run: logged('ops.restart_service', () => ({ ok: true })),
        },
      },
    }),
    defineTool({
      name: 'chat',
      description: 'Team chat: direct messages',
      capabilities: {
        send_direct_message: {
          description: 'Send a direct message to one person',
          input: z.object({ user: z.string().describe('Username of the person'), text: z.string() }),
          sideEffects: true,
          run: logged('chat.send_direct_message', () => ({ ok: true })),
        },
      },
    }),
  ]
}

async function run(prompt: string): Promise<{ log: Logged[]; status: string; reason: string | undefined }> {
  const log: Logged[] = []
  const clock = createFakeClock(NOW)
  const runtime = createTestRuntime({
    clock,
    tools: tools(log),
    planner: createDefaultPlanner({ clock }),
    memory: { enabled: false },
  })
  try {
    const task = await runtime.tasks.create({ prompt })
    const done = await runtime.tasks.wait(task.id, { until: 'waiting' })
    return { log, status: done.status, reason: done.waiting?.reason }
  } finally {
    await runtime.close({ deadlineMs: 0 })
  }
}

describe('default planner: verbs as people write them', () => {
  it('reads "turn on" and "disable" as switching a flag, with the boolean the verb says', async () => {
    expect((await run('turn on new-checkout in staging')).log).toEqual([
      { id: 'flags.set_flag', input: { key: 'new-checkout', environment: 'staging', enabled: true } },
    ])
    expect((await run('disable the dark-mode flag in production')).log).toEqual([
      { id: 'flags.set_flag', input: { key: 'dark-mode', environment: 'production', enabled: false } },
    ])
  })

  it('keeps a question about a switched flag a read', async () => {
    expect((await run('is the beta-banner flag enabled on staging?')).log).toEqual([
      { id: 'flags.get_flag', input: { key: 'beta-banner', environment: 'staging' } },
    ])
  })

  it('voids a label by a tracking number of letters and digits', async () => {
    expect((await run('void the label on 1Z84X0W90312345678')).log).toEqual([
      { id: 'shipping.cancel_shipment', input: { tracking_number: '1Z84X0W90312345678' } },
    ])
  })

  it('hands a deal over to the person after "to", and asks for one when none is named', async () => {
    expect((await run('hand deal dl_3009 over to r.okafor')).log).toEqual([
      { id: 'crm.assign_owner', input: { deal_id: 'dl_3009', owner: 'r.okafor' } },
    ])
    const asked = await run('reassign deal dl_501')
    expect(asked).toMatchObject({ log: [], status: 'waiting', reason: 'input_required' })
  })

  it('runs the action a request names by its verb, also a verb it does not know as a write, without asking for approval', async () => {
    expect(await run('restart the payments service in production')).toMatchObject({
      log: [{ id: 'ops.restart_service', input: { service: 'payments', environment: 'production' } }],
      status: 'complete',
    })
    // A question about the same service stays a read.
    expect((await run('is the payments service healthy in production?')).log).toEqual([
      { id: 'ops.get_service_status', input: { service: 'payments', environment: 'production' } },
    ])
  })

  it('takes the message after a colon as the text and the recipient from the step before, not from a "to" inside the text', async () => {
    const { log } = await run('get deal dl_4410 and DM its owner: contract is ready to sign')
    expect(log).toEqual([
      { id: 'crm.get_deal', input: { deal_id: 'dl_4410' } },
      { id: 'chat.send_direct_message', input: { user: 'jsmith', text: 'contract is ready to sign' } },
    ])
  })
})
