import { createAnthropic } from '@ai-sdk/anthropic'
import { createOpenAI } from '@ai-sdk/openai'
import { afterEach, describe, expect, it } from 'vitest'
import { createRuntime, type Runtime } from '@inboard/core'
import { createModelPlanner, type LanguageModel } from '@inboard/ai'
import {
  createFakeModelServer,
  type FakeModelReply,
  type FakeModelRequest,
  type FakeModelServer,
} from '@inboard/ai/testing'
import { invoiceTools } from './fixtures.js'

const PROMPT = 'Post a summary of the latest invoice of customer u_42 to #billing'

const providers: Array<[string, (server: FakeModelServer) => LanguageModel, FakeModelRequest['api']]> = [
  [
    'OpenAI chat completions (@ai-sdk/openai)',
    (server) => createOpenAI({ baseURL: server.url, apiKey: 'test-key' }).chat('gpt-4.1-mini'),
    'openai-chat',
  ],
  // What `openai('gpt-4.1-mini')` is in @ai-sdk/openai 3.x: the Responses API.
  [
    'OpenAI Responses (@ai-sdk/openai)',
    (server) => createOpenAI({ baseURL: server.url, apiKey: 'test-key' })('gpt-4.1-mini'),
    'openai-responses',
  ],
  [
    'Anthropic messages (@ai-sdk/anthropic)',
    (server) => createAnthropic({ baseURL: server.url, apiKey: 'test-key' })('claude-sonnet-4-5'),
    'anthropic-messages',
  ],
]

/** The invoice chain, answered from the tool results the request carries. */
function chain(request: FakeModelRequest): FakeModelReply {
  const results = request.toolResults
  if (results.length === 0) return { toolCalls: [{ name: 'payments__latest_invoice', input: { customer_id: 'u_42' } }] }
  if (results.length === 1) {
    const invoice = JSON.parse(results[0]!.content) as { id: string; amount_due: number }
    return {
      toolCalls: [
        {
          name: 'chat__post_message',
          input: { channel: '#billing', text: `${invoice.id}: ${invoice.amount_due} USD due` },
        },
      ],
    }
  }
  return { text: 'Posted the summary of inv_1007.' }
}

let server: FakeModelServer | undefined
let runtime: Runtime | undefined
afterEach(async () => {
  await runtime?.close()
  await server?.close()
})

describe.each(providers)('the model planner over real HTTP: %s', (_name, modelFor, api) => {
  it('runs a two-step chain: the looked-up invoice goes back to the model, which posts its summary', async () => {
    server = await createFakeModelServer(chain)
    const { state, tools } = invoiceTools()
    runtime = createRuntime({ tools, planner: createModelPlanner({ model: modelFor(server) }) })
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
    )
    expect(task).toMatchObject({
      status: 'complete',
      result: 'Posted the summary of inv_1007.',
      usage: { input_tokens: 126, output_tokens: 21 },
    })
    expect(state.posts).toEqual([{ channel: '#billing', text: 'inv_1007: 129.5 USD due' }])
    expect(server.requests.map((request) => request.api)).toEqual([api, api, api])
    expect(server.requests[0]!.tools).toEqual(['payments__latest_invoice', 'chat__post_message', 'ask_user'])
    expect(server.requests[1]!.toolResults[0]).toMatchObject({
      name: 'payments__latest_invoice',
      content: expect.stringContaining('"amount_due":129.5'),
    })
    expect(server.requests[2]!.toolResults.map((result) => result.name)).toEqual([
      'payments__latest_invoice',
      'chat__post_message',
    ])
    expect(server.refused).toEqual([])
  })

  it('asks the person and resumes the same conversation after sendInput', async () => {
    server = await createFakeModelServer((request) => {
      const answered = request.userTexts.some((said) => said.includes('u_42'))
      if (!answered)
        return {
          toolCalls: [
            {
              name: 'ask_user',
              input: { message: 'Which customer?', fields: [{ name: 'customer_id', type: 'string' }] },
            },
          ],
        }
      return chain(request)
    })
    const { state, tools } = invoiceTools()
    runtime = createRuntime({ tools, planner: createModelPlanner({ model: modelFor(server) }) })
    const created = await Promise.resolve(
      runtime.tasks.create({ prompt: 'Post a summary of a customer invoice to #billing', memory: false }),
    )
    const waiting = await runtime.tasks.wait(created.id, { until: 'waiting' })
    expect(waiting.waiting).toMatchObject({
      reason: 'input_required',
      message: 'Which customer?',
      fields: [{ name: 'customer_id', description: null, type: 'string' }],
    })
    await Promise.resolve(runtime.tasks.sendInput(created.id, { values: { customer_id: 'u_42' } }))
    expect(await runtime.tasks.wait(created.id)).toMatchObject({ status: 'complete' })
    expect(state.posts).toHaveLength(1)
    expect(server.requests).toHaveLength(4)
    expect(server.requests[1]!.toolResults).toEqual([])
    expect(server.refused).toEqual([])
  })

  it('waits as long as a 429 Retry-After asks, then goes on', async () => {
    let limited = false
    server = await createFakeModelServer((request) => {
      if (!limited) {
        limited = true
        return { status: 429, headers: { 'retry-after': '1' } }
      }
      return chain(request)
    })
    const { tools } = invoiceTools()
    runtime = createRuntime({
      tools,
      planner: createModelPlanner({ model: modelFor(server), retry: { baseDelayMs: 1 } }),
    })
    const started = Date.now()
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
    )
    expect(task.status).toBe('complete')
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    const steps = (await Promise.resolve(runtime.tasks.trace(task.id))).steps.filter((step) => step.tool === 'model')
    expect(steps[0]).toMatchObject({ status: 'failed' })
    expect(steps[0]!.note).toMatch(/429 .*retrying in 1000 ms/)
    expect(server.requests).toHaveLength(4)
  })

  it('aborts the model request in flight when the task is cancelled', async () => {
    server = await createFakeModelServer(() => ({ text: 'too late', delayMs: 10_000 }))
    const { tools } = invoiceTools()
    runtime = createRuntime({ tools, planner: createModelPlanner({ model: modelFor(server) }) })
    const created = await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = Date.now()
    await Promise.resolve(runtime.tasks.cancel(created.id))
    expect(await runtime.tasks.wait(created.id)).toMatchObject({ status: 'cancelled' })
    while (server.aborted === 0 && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(server.aborted).toBe(1)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('has the model correct a malformed tool call on the second turn', async () => {
    server = await createFakeModelServer((request) => {
      if (request.toolResults.length === 0)
        return { toolCalls: [{ name: 'payments__latest_invoice', input: { customer: 'u_42' } }] }
      if (request.toolResults.length === 1 && request.toolResults[0]!.content.startsWith('invalid_tool_input'))
        return { toolCalls: [{ name: 'payments__latest_invoice', input: { customer_id: 'u_42' } }] }
      return { text: 'inv_1007 is open.' }
    })
    const { tools } = invoiceTools()
    runtime = createRuntime({ tools, planner: createModelPlanner({ model: modelFor(server) }) })
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: 'Is the latest invoice of u_42 open?', memory: false })))
        .id,
    )
    expect(task).toMatchObject({ status: 'complete', result: 'inv_1007 is open.' })
    expect(server.requests[1]!.toolResults[0]!.content).toMatch(
      /^invalid_tool_input: Invalid input for payments.latest_invoice: customer_id/,
    )
    expect(server.requests).toHaveLength(3)
    expect(server.refused).toEqual([])
  })
})

const openAIModels: Array<[string, (server: FakeModelServer) => LanguageModel]> = [
  ['chat completions', (server) => createOpenAI({ baseURL: server.url, apiKey: 'k' }).chat('gpt-4.1-mini')],
  ['Responses', (server) => createOpenAI({ baseURL: server.url, apiKey: 'k' }).responses('gpt-4.1-mini')],
]

it.each(openAIModels)(
  'has the model correct tool input that is not JSON (OpenAI %s sends arguments as a string)',
  async (_name, modelFor) => {
    server = await createFakeModelServer((request) => {
      if (request.toolResults.length === 0 && !JSON.stringify(request.body).includes('not a JSON object'))
        return { toolCalls: [{ name: 'payments__latest_invoice', input: '{"customer_id": "u_42"' }] }
      if (request.toolResults.length <= 1 && !request.toolResults.some((result) => result.content.includes('inv_1007')))
        return { toolCalls: [{ name: 'payments__latest_invoice', input: { customer_id: 'u_42' } }] }
      return { text: 'inv_1007' }
    })
    const { tools } = invoiceTools()
    runtime = createRuntime({ tools, planner: createModelPlanner({ model: modelFor(server) }) })
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: 'Latest invoice of u_42', memory: false }))).id,
    )
    expect(task).toMatchObject({ status: 'complete', result: 'inv_1007' })
    expect(server.requests).toHaveLength(3)
    expect(server.requests[1]!.toolResults[0]!.content).toMatch(/^invalid_tool_input: the input is not a JSON object/)
    expect(server.refused).toEqual([])
  },
)
