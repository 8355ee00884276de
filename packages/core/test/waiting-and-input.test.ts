import { defineTool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryStorage, type Storage, type StoredTask, type TaskStorage } from '@inboard/core'
import { createScriptedPlanner, createScriptedTool, createTestRuntime } from '@inboard/core/testing'

/** The in-memory storage with every task update taking 30 ms, as a database round trip would. */
function slowWrites(): Storage {
  const storage = memoryStorage()
  const tasks = storage.tasks
  const update: TaskStorage['update'] = async (task: StoredTask, expected: number) => {
    await new Promise((resolve) => setTimeout(resolve, 30))
    return tasks.update(task, expected)
  }
  const slow = new Proxy(tasks, {
    get: (target, key) => {
      if (key === 'update') return update
      const value: unknown = Reflect.get(target, key)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
  return { ...storage, tasks: slow, open: () => storage.open(), close: () => storage.close() }
}

const emailTool = defineTool({
  name: 'email',
  description: 'Sends email',
  capabilities: {
    send: {
      description: 'Send an email',
      input: z.object({ to: z.string() }),
      sideEffects: true,
      requiresApproval: true,
      run: async ({ to }) => ({ sent_to: to }),
      sandbox: async ({ to }) => ({ sent_to: to, sandbox: true }),
    },
  },
})

/** A CRM lookup that answers with the email it was given. */
const crmFind = (): ReturnType<typeof createScriptedTool> =>
  createScriptedTool({
    name: 'crm',
    capabilities: { find: [(input: Record<string, unknown>) => ({ found: input['email'] })] },
  })

/** Asks for an email when it has none, looks it up, then finishes with what the lookup found. */
const askEmailThenFind = (): ReturnType<typeof createScriptedPlanner> =>
  createScriptedPlanner([
    (ctx) =>
      ctx.input.values['email'] === undefined
        ? {
            type: 'ask',
            message: 'Which email?',
            fields: [{ name: 'email', description: 'Contact email', type: 'string' }],
          }
        : { type: 'call', calls: [{ tool: 'crm', capability: 'find', input: { email: ctx.input.values['email'] } }] },
    (ctx) =>
      ctx.history.length === 0
        ? { type: 'call', calls: [{ tool: 'crm', capability: 'find', input: { email: ctx.input.values['email'] } }] }
        : { type: 'finish', result: ctx.history.at(-1)?.output },
    (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
  ])

describe('waiting for input and approval', () => {
  it('answers sendInput once the task is stored as resumed, so a read that follows never finds it waiting', async () => {
    const storage = slowWrites()
    const lookup = crmFind()
    const runtime = createTestRuntime({
      storage,
      tools: [lookup],
      planner: askEmailThenFind(),
    })
    try {
      const task = await runtime.tasks.create({ prompt: 'find the contact' })
      await runtime.tasks.wait(task.id, { until: 'waiting' })
      expect((await storage.tasks.get(task.id))?.status).toBe('waiting')
      await runtime.tasks.sendInput(task.id, { values: { email: 'ada@example.com' } })
      // Another process reads storage, not this process's live record.
      expect((await storage.tasks.get(task.id))?.status).not.toBe('waiting')
      expect((await runtime.tasks.wait(task.id)).result).toEqual({ found: 'ada@example.com' })
    } finally {
      await runtime.close()
    }
  })

  it('waits for missing input without holding a slot, then resumes where it stopped', async () => {
    const lookup = crmFind()
    const runtime = createTestRuntime({
      concurrency: 1,
      tools: [lookup],
      planner: askEmailThenFind(),
    })
    const first = await runtime.tasks.create({ prompt: 'find the contact' })
    const waiting = await runtime.tasks.wait(first.id, { until: 'waiting' })
    expect(waiting.status).toBe('waiting')
    expect(waiting.waiting).toEqual({
      reason: 'input_required',
      service: null,
      auth_url: null,
      message: 'Which email?',
      fields: [{ name: 'email', description: 'Contact email', type: 'string' }],
    })
    // The only slot is free while the first task waits.
    const second = await runtime.tasks.create({ prompt: 'other' })
    expect(second.status).toBe('running')
    await runtime.tasks.wait(second.id, { until: 'waiting' })
    await runtime.tasks.sendInput(first.id, { values: { email: 'jane@acme.com' } })
    const done = await runtime.tasks.wait(first.id)
    expect(done.status).toBe('complete')
    expect(done.result).toEqual({ found: 'jane@acme.com' })
    expect(done.waiting).toBeUndefined()
    expect((await runtime.tasks.trace(first.id)).steps.map((step) => step.action)).toContain('wait_input_required')
  })

  it('holds a call that requires approval until a person approves it', async () => {
    const runtime = createTestRuntime({
      tools: [emailTool],
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'email', capability: 'send', input: { to: 'a@b.co' } }] },
        (ctx) => ({ type: 'finish', result: ctx.history.at(-1)?.output }),
      ]),
    })
    const task = await runtime.tasks.create({ prompt: 'send it' })
    const waiting = await runtime.tasks.wait(task.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'approval_required',
      service: 'email',
      request: { tool: 'email', capability: 'send', input: { to: 'a@b.co' } },
    })
    await expect(runtime.tasks.sendInput(task.id, { message: 'ok' })).rejects.toThrow(/approval/)
    await runtime.tasks.sendInput(task.id, { approved: true })
    expect((await runtime.tasks.wait(task.id)).result).toEqual({ sent_to: 'a@b.co' })
  })

  it('fails with approval_denied when the approval is refused', async () => {
    const runtime = createTestRuntime({
      tools: [emailTool],
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'email', capability: 'send', input: { to: 'a@b.co' } }] },
      ]),
    })
    const task = await runtime.tasks.create({ prompt: 'send it' })
    await runtime.tasks.wait(task.id, { until: 'waiting' })
    await runtime.tasks.sendInput(task.id, { approved: false })
    expect((await runtime.tasks.wait(task.id)).error?.code).toBe('approval_denied')
  })

  it('refuses values the waiting task did not ask for with input_not_requested, naming them', async () => {
    const runtime = createTestRuntime({
      tools: [emailTool],
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'email', capability: 'send', input: { to: 'a@b.co' } }] },
      ]),
    })
    const task = await runtime.tasks.create({ prompt: 'send it' })
    await runtime.tasks.wait(task.id, { until: 'waiting' })
    await expect(
      runtime.tasks.sendInput(task.id, { approved: true, values: { to: 'evil@example.com' } }),
    ).rejects.toMatchObject({
      code: 'input_not_requested',
      message: expect.stringContaining('did not ask for to (it asked for capability)'),
    })
    expect((await runtime.tasks.get(task.id)).status).toBe('waiting')
  })

  it('refuses input for a task that is not waiting', async () => {
    const runtime = createTestRuntime({
      tools: [emailTool],
      planner: createScriptedPlanner([{ type: 'finish', result: 1 }]),
    })
    const task = await runtime.tasks.create({ prompt: 'x' })
    await runtime.tasks.wait(task.id)
    await expect(runtime.tasks.sendInput(task.id, { message: 'hi' })).rejects.toMatchObject({
      code: 'task_already_complete',
    })
  })

  it('in test mode runs read-only capabilities, sandboxes side effects and skips those without a sandbox', async () => {
    const writes: unknown[] = []
    const crm = defineTool({
      name: 'crm',
      description: 'CRM',
      capabilities: {
        read: {
          description: 'Read a deal',
          input: z.object({ id: z.number() }),
          run: async ({ id }) => ({ id, stage: 'Negotiation' }),
        },
        update: {
          description: 'Update a deal',
          input: z.object({ id: z.number() }),
          sideEffects: true,
          run: async (input) => writes.push(input),
        },
      },
    })
    const runtime = createTestRuntime({
      tools: [emailTool, crm],
      planner: createScriptedPlanner([
        { type: 'call', calls: [{ tool: 'crm', capability: 'read', input: { id: 1 } }] },
        { type: 'call', calls: [{ tool: 'email', capability: 'send', input: { to: 'a@b.co' } }] },
        { type: 'call', calls: [{ tool: 'crm', capability: 'update', input: { id: 1 } }] },
      ]),
    })
    const task = await runtime.tasks.wait(
      (await runtime.tasks.create({ prompt: 'read, send and update', mode: 'test' })).id,
    )
    expect(task.mode).toBe('test')
    expect(task.status).toBe('complete')
    expect(writes).toHaveLength(0)
    expect(task.result).toEqual({
      preview: true,
      sub_agent: null,
      steps: [
        { tool: 'crm', capability: 'read', input: { id: 1 }, outcome: 'ran', output: { id: 1, stage: 'Negotiation' } },
        {
          tool: 'email',
          capability: 'send',
          input: { to: 'a@b.co' },
          outcome: 'sandboxed',
          output: { sent_to: 'a@b.co', sandbox: true },
        },
        { tool: 'crm', capability: 'update', input: { id: 1 }, outcome: 'skipped' },
      ],
    })
    expect((await runtime.tasks.trace(task.id)).steps.find((step) => step.action === 'update')).toMatchObject({
      status: 'skipped',
      note: 'test mode: would call with {"id":1}',
    })
  })
})
