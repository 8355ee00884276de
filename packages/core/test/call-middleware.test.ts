import { defineTool, ToolError, type ToolContext } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { WaitRequest, type CallMiddleware } from '@inboard/core'
import { createScriptedPlanner, createTestRuntime } from '@inboard/core/testing'

const seen: ToolContext[] = []
const echo = defineTool({
  name: 'crm',
  description: 'CRM',
  capabilities: {
    list: {
      description: 'List records',
      input: z.object({ page_size: z.number() }),
      output: z.object({ size: z.number() }),
      run: async ({ page_size }, ctx) => {
        seen.push(ctx)
        if (page_size > 50) throw new ToolError('transient', 'too big')
        return { size: page_size }
      },
    },
  },
})
const callList = { type: 'call', calls: [{ tool: 'crm', capability: 'list', input: { page_size: 100 } }] } as const
const finishWithOutput = createScriptedPlanner([
  callList,
  (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
])

describe('call middleware', () => {
  it('wraps calls and attempts, can replace input and add ctx fields, outermost first', async () => {
    const order: string[] = []
    const credentials = { get: () => ({ type: 'bearer' as const, token: 't' }) }
    const outer: CallMiddleware = {
      name: 'outer',
      async call(site, next) {
        order.push(`outer:call:${site.tool}.${site.capability}`)
        site.context.credentials = credentials
        return next()
      },
      async attempt(_site, next) {
        order.push('outer:attempt')
        return next()
      },
    }
    const shrink: CallMiddleware = {
      name: 'shrink',
      async call(site, next) {
        order.push('shrink:call')
        try {
          return await next()
        } finally {
          site.note('observed')
        }
      },
      async attempt(site, next) {
        order.push('shrink:attempt')
        try {
          return await next()
        } catch (error) {
          site.input = { page_size: 25 }
          throw error
        }
      },
    }
    const runtime = createTestRuntime({
      tools: [echo],
      planner: finishWithOutput,
      middleware: [outer, shrink],
      limits: { retryMinDelayMs: 0 },
    })
    const task = await runtime.tasks.create({ prompt: 'list' })
    await runtime.clock.advance(10)
    const done = await runtime.tasks.wait(task.id)
    expect(done.result).toEqual({ size: 25 })
    expect(order).toEqual([
      'outer:call:crm.list',
      'shrink:call',
      'outer:attempt',
      'shrink:attempt',
      'outer:attempt',
      'shrink:attempt',
    ])
    expect(seen.at(-1)?.credentials).toBe(credentials)
    expect((await runtime.tasks.trace(task.id)).steps[1]?.note).toMatch(/retrying.*observed$/)
  })

  it('parks the task when middleware asks to wait, and runs the held call on resume', async () => {
    let granted = false
    const gate: CallMiddleware = {
      name: 'gate',
      async call(site, next) {
        if (!granted)
          throw new WaitRequest({
            reason: 'oauth_consent_required',
            service: site.tool,
            auth_url: 'https://auth.example/authorize?x=1',
            message: 'Connect the CRM',
          })
        site.input = { page_size: 10 }
        return next()
      },
    }
    const runtime = createTestRuntime({ tools: [echo], planner: finishWithOutput, middleware: [gate] })
    const task = await runtime.tasks.create({ prompt: 'list', user_id: 'user_1' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toEqual({
      reason: 'oauth_consent_required',
      service: 'crm',
      auth_url: 'https://auth.example/authorize?x=1',
      message: 'Connect the CRM',
    })
    granted = true
    // Any input resumes a task waiting on middleware; the middleware decides again when the call reruns.
    expect((await runtime.tasks.sendInput(task.id, { message: 'connected' })).status).not.toBe('waiting')
    const done = await runtime.tasks.wait(task.id)
    expect(done.result).toEqual({ size: 10 })
    expect((await runtime.tasks.trace(task.id)).steps.map((step) => `${step.action}:${step.status}`)).toEqual([
      'plan:complete',
      'list:waiting',
      'wait_oauth_consent_required:complete',
      'list:complete',
      'plan:complete',
    ])
  })

  it('lets middleware see and repair an output that fails its schema', async () => {
    const drift = defineTool({
      name: 'crm',
      description: 'CRM',
      capabilities: {
        list: {
          description: 'List',
          input: z.object({ page_size: z.number() }),
          output: z.object({ size: z.number() }),
          run: async () => ({ Size: 3 }),
        },
      },
    })
    const repair: CallMiddleware = {
      name: 'repair',
      async call(_site, next) {
        try {
          return await next()
        } catch (error) {
          if (!(error instanceof ToolError) || error.code !== 'invalid_output') throw error
          const raw = error.details?.['output'] as { Size: number }
          return { size: raw.Size }
        }
      },
    }
    const runtime = createTestRuntime({ tools: [drift], planner: finishWithOutput, middleware: [repair] })
    expect((await runtime.tasks.wait((await runtime.tasks.create({ prompt: 'x' })).id)).result).toEqual({ size: 3 })
  })

  it('keeps an approval for a call that then waits for consent, so the person is not asked twice', async () => {
    let granted = false
    const sent: string[] = []
    const mailer = defineTool({
      name: 'email',
      description: 'Email',
      capabilities: {
        send: {
          description: 'Send',
          input: z.object({ to: z.string() }),
          requiresApproval: true,
          sideEffects: true,
          run: async ({ to }) => sent.push(to),
        },
      },
    })
    const gate: CallMiddleware = {
      name: 'gate',
      async call(site, next) {
        if (!granted)
          throw new WaitRequest({
            reason: 'oauth_consent_required',
            service: site.tool,
            auth_url: 'https://auth.example/authorize',
            message: 'Connect email',
          })
        return next()
      },
    }
    const runtime = createTestRuntime({
      tools: [mailer],
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'email', capability: 'send', input: { to: 'a@b.co' } }] },
        { type: 'finish', result: 'sent' },
      ]),
      middleware: [gate],
    })
    const task = await runtime.tasks.create({ prompt: 'send', user_id: 'user_1' })
    expect((await runtime.tasks.wait(task.id, { until: 'waiting' })).waiting?.reason).toBe('approval_required')
    await runtime.tasks.sendInput(task.id, { approved: true })
    expect((await runtime.tasks.wait(task.id, { until: 'waiting' })).waiting?.reason).toBe('oauth_consent_required')
    granted = true
    await runtime.tasks.sendInput(task.id, { message: 'connected' })
    expect((await runtime.tasks.wait(task.id)).status).toBe('complete')
    expect(sent).toEqual(['a@b.co'])
  })
})
