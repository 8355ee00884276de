import type { LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { MockLanguageModelV3 } from 'ai/test'
import { describe, expect, it } from 'vitest'
import { createRuntime } from '@inboard/core'
import { createModelPlanner, type LanguageModel } from '@inboard/ai'
import { invoiceTools, text, toolCalls, toolResults } from './fixtures.js'

const PROMPT =
  'Fetch the latest invoice of customer u_42, summarise it and post the summary to #billing. Return invoice id, amount and posted'

/** A model that answers from the conversation it is sent, so a rebuilt conversation gets the same answers. */
function invoiceModel(options: { parallelFinish?: boolean } = {}) {
  return new MockLanguageModelV3({
    modelId: 'mock-invoice',
    doGenerate: async (call: LanguageModelV3CallOptions) => {
      const results = toolResults(call)
      if (results.length === 0) return toolCalls(['payments__latest_invoice', { customer_id: 'u_42' }])
      const invoice = JSON.parse(results[0]!) as { id: string; amount_due: number }
      if (results.length === 1) {
        const summary = `Invoice ${invoice.id}: ${invoice.amount_due} USD due`
        return options.parallelFinish
          ? toolCalls(
              ['chat__post_message', { channel: '#billing', text: summary }],
              ['chat__post_message', { channel: '#finance', text: summary }],
            )
          : toolCalls(['chat__post_message', { channel: '#billing', text: summary }])
      }
      return text(JSON.stringify({ invoice_id: invoice.id, amount: invoice.amount_due, posted: true }))
    },
  })
}

describe('createModelPlanner', () => {
  it('chains a look-up into an action: results go back to the model, which uses the value and finishes with the requested fields', async () => {
    const { state, tools } = invoiceTools()
    const model = invoiceModel()
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
    )
    expect(task).toMatchObject({ status: 'complete', result: { invoice_id: 'inv_1007', amount: 129.5, posted: true } })
    expect(state.posts).toEqual([{ channel: '#billing', text: 'Invoice inv_1007: 129.5 USD due' }])
    expect(model.doGenerateCalls).toHaveLength(3)
    // Every model call is a trace step with the model id and tokens; the task sums them.
    const trace = await Promise.resolve(runtime.tasks.trace(task.id))
    const modelSteps = trace.steps.filter((step) => step.tool === 'model')
    expect(modelSteps).toHaveLength(3)
    expect(modelSteps[0]).toMatchObject({
      action: 'generate',
      model: 'mock-provider/mock-invoice',
      usage: { input_tokens: 100, output_tokens: 20 },
      status: 'complete',
    })
    expect(task.usage).toEqual({ input_tokens: 300, output_tokens: 60 })
    // The model is offered the task's capabilities and ask_user, with their JSON Schemas.
    const offered = model.doGenerateCalls[0]!.tools!.map((tool) => tool.name)
    expect(offered).toEqual(['payments__latest_invoice', 'chat__post_message', 'ask_user'])
    expect(model.doGenerateCalls[0]!.tools![0]).toMatchObject({
      type: 'function',
      inputSchema: { type: 'object', required: ['customer_id'] },
    })
    await runtime.close()
  })

  it('runs parallel tool calls of one turn as one decision', async () => {
    const { state, tools } = invoiceTools()
    const model = invoiceModel({ parallelFinish: true })
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
    const task = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
    )
    expect(task.status).toBe('complete')
    expect(state.posts.map((post) => post.channel)).toEqual(['#billing', '#finance'])
    const trace = await Promise.resolve(runtime.tasks.trace(task.id))
    expect(trace.steps.filter((step) => step.action === 'plan')).toHaveLength(3)
    await runtime.close()
  })

  it('asks the person through ask_user and continues the same conversation after sendInput', async () => {
    const { tools } = invoiceTools()
    const model = new MockLanguageModelV3({
      doGenerate: async (call: LanguageModelV3CallOptions) => {
        const said = call.prompt
          .flatMap((message) =>
            message.role === 'user' ? message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])) : [],
          )
          .join('\n')
        const customer = /"customer_id":"(\w+)"/.exec(said)?.[1]
        if (!customer)
          return toolCalls([
            'ask_user',
            {
              message: 'Which customer?',
              fields: [{ name: 'customer_id', description: 'The customer id', type: 'string' }],
            },
          ])
        if (toolResults(call).length === 0) return toolCalls(['payments__latest_invoice', { customer_id: customer }])
        return text('The latest invoice is inv_1007.')
      },
    })
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
    const created = await Promise.resolve(runtime.tasks.create({ prompt: 'Look up the latest invoice', memory: false }))
    const waiting = await runtime.tasks.wait(created.id, { until: 'waiting' })
    expect(waiting).toMatchObject({
      status: 'waiting',
      waiting: {
        reason: 'input_required',
        message: 'Which customer?',
        fields: [{ name: 'customer_id', description: 'The customer id', type: 'string' }],
      },
    })
    await Promise.resolve(runtime.tasks.sendInput(created.id, { values: { customer_id: 'u_42' } }))
    const done = await runtime.tasks.wait(created.id)
    expect(done).toMatchObject({ status: 'complete', result: 'The latest invoice is inv_1007.' })
    expect(model.doGenerateCalls).toHaveLength(3)
    await runtime.close()
  })

  it('reports a refused call back to the model as a tool error it corrects, and fails after maxCorrections', async () => {
    const { state, tools } = invoiceTools()
    const sent: string[][] = []
    const model = new MockLanguageModelV3({
      doGenerate: async (call: LanguageModelV3CallOptions) => {
        const results = toolResults(call)
        sent.push(results)
        if (results.length === 0) return toolCalls(['payments__refund', { invoice: 'inv_1007' }])
        if (results.length === 1) return toolCalls(['chat__post_message', { channel: 'billing', text: 'hi' }])
        if (results.length === 2) return toolCalls(['chat__post_message', { channel: '#billing', text: 'hi' }])
        return text('posted')
      },
    })
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
    const done = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: 'Post hi to #billing', memory: false }))).id,
    )
    expect(done).toMatchObject({ status: 'complete', result: 'posted' })
    expect(sent[1]![0]).toMatch(/^capability_not_allowed: payments.refund is not among this task's capabilities/)
    expect(sent[2]![1]).toMatch(/^invalid_tool_input: Invalid input for chat.post_message: channel/)
    expect(state.posts).toEqual([{ channel: '#billing', text: 'hi' }])

    const stubborn = new MockLanguageModelV3({
      doGenerate: async () => toolCalls(['payments__refund', { invoice: 'inv_1007' }]),
    })
    const strict = createRuntime({ tools, planner: createModelPlanner({ model: stubborn, maxCorrections: 1 }) })
    const failed = await strict.tasks.wait(
      (await Promise.resolve(strict.tasks.create({ prompt: 'Refund inv_1007', memory: false }))).id,
    )
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'planner_error' } })
    expect(failed.error?.message).toContain('refused 2 of the model')
    expect(stubborn.doGenerateCalls).toHaveLength(2)
    await runtime.close()
    await strict.close()
  })

  it('sends an invalid result back once, then fails with model_result_invalid', async () => {
    const { tools } = invoiceTools()
    const fixes = new MockLanguageModelV3({
      doGenerate: [text('It is inv_1007.'), text('```json\n{"invoice_id":"inv_1007","amount":129.5}\n```')],
    })
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model: fixes }) })
    const fixed = await runtime.tasks.wait(
      (
        await Promise.resolve(
          runtime.tasks.create({ prompt: 'Check my invoice. Return invoice id and amount', memory: false }),
        )
      ).id,
    )
    expect(fixed).toMatchObject({ status: 'complete', result: { invoice_id: 'inv_1007', amount: 129.5 } })
    const correction = fixes.doGenerateCalls[1]!.prompt.at(-1)!
    expect(JSON.stringify(correction)).toContain('only a JSON object with the fields invoice_id, amount')

    const never = new MockLanguageModelV3({ doGenerate: async () => text('{"invoice_id":"inv_1007"}') })
    const strict = createRuntime({ tools, planner: createModelPlanner({ model: never }) })
    const failed = await strict.tasks.wait(
      (
        await Promise.resolve(
          strict.tasks.create({ prompt: 'Check my invoice. Return invoice id and amount', memory: false }),
        )
      ).id,
    )
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'model_result_invalid', recoverable: true } })
    expect(failed.error?.message).toContain('lacks amount')
    expect(never.doGenerateCalls).toHaveLength(2)
    await runtime.close()
    await strict.close()
  })

  it('caps tool output sent to the model and says what was cut', async () => {
    const { state, tools } = invoiceTools()
    state.invoices['u_42'] = { id: 'inv_big', lines: 'x'.repeat(5000) }
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls(['payments__latest_invoice', { customer_id: 'u_42' }]), text('done')],
    })
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model, maxOutputChars: 100 }) })
    const done = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: 'Latest invoice of u_42', memory: false }))).id,
    )
    expect(done.status).toBe('complete')
    const [sent] = toolResults(model.doGenerateCalls[1]!)
    const full = JSON.stringify(state.invoices['u_42'])
    expect(sent).toBe(
      `${full.slice(0, 100)}… [output cut: ${full.length - 100} of ${full.length} characters not shown]`,
    )
    await runtime.close()
  })

  it('replays a successful plan with zero model calls while nothing changed, and asks the model again when an output did', async () => {
    const { state, tools } = invoiceTools()
    const model = invoiceModel()
    const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
    const run = async () =>
      runtime.tasks.wait((await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, user_id: 'u_42' }))).id)
    const first = await run()
    expect(model.doGenerateCalls).toHaveLength(3)
    const second = await run()
    expect(second).toMatchObject({ status: 'complete', result: first.result })
    expect(model.doGenerateCalls).toHaveLength(3)
    expect('usage' in second).toBe(false)
    expect(state.posts).toHaveLength(2)

    state.invoices['u_42'] = { id: 'inv_1008', amount_due: 80, currency: 'USD', status: 'open', due_date: '2027-01-15' }
    const changed = await run()
    expect(changed).toMatchObject({ status: 'complete', result: { invoice_id: 'inv_1008', amount: 80, posted: true } })
    // The replayed read stays in the conversation: the model posts and finishes (2 calls), no second read.
    expect(model.doGenerateCalls).toHaveLength(5)
    expect(state.reads).toBe(3)
    expect(state.posts.at(-1)).toEqual({ channel: '#billing', text: 'Invoice inv_1008: 80 USD due' })
    await runtime.close()
  })

  it('aborts a model request that passes timeoutMs and retries it with a signal of its own', async () => {
    const { tools } = invoiceTools()
    const answer = invoiceModel()
    let hung = 0
    const model = new MockLanguageModelV3({
      doGenerate: async (call: LanguageModelV3CallOptions) => {
        if (hung++ > 0) return answer.doGenerate(call)
        // The first request never answers: it ends only when its signal aborts.
        return new Promise((_resolve, reject) =>
          call.abortSignal!.addEventListener('abort', () => reject(call.abortSignal!.reason as Error), { once: true }),
        )
      },
    })
    const runtime = createRuntime({
      tools,
      planner: createModelPlanner({ model, timeoutMs: 50, retry: { baseDelayMs: 1 } }),
    })
    const done = await runtime.tasks.wait(
      (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
    )
    expect(done.status).toBe('complete')
    const [timedOut, ...rest] = model.doGenerateCalls
    expect(timedOut!.abortSignal!.aborted).toBe(true)
    expect(rest.map((call) => call.abortSignal!.aborted)).toEqual([false, false, false])
    const steps = (await Promise.resolve(runtime.tasks.trace(done.id))).steps.filter((step) => step.tool === 'model')
    expect(steps[0]).toMatchObject({
      status: 'failed',
      note: expect.stringMatching(/did not answer within 50 ms; retrying in \d+ ms/),
    })
    expect(steps.slice(1).map((step) => step.status)).toEqual(['complete', 'complete', 'complete'])
    await runtime.close()
  })

  it("times out only the request whose time is up: another task's request in flight then is left to answer", async () => {
    const { tools } = invoiceTools()
    const answer = invoiceModel()
    let expired!: () => void
    const firstExpired = new Promise<void>((resolve) => (expired = resolve))
    let calls = 0
    const model = new MockLanguageModelV3({
      doGenerate: async (call: LanguageModelV3CallOptions) => {
        const first = calls++ === 0
        if (first) {
          // The first task's first request never answers; it ends when its deadline aborts it.
          return new Promise((_resolve, reject) =>
            call.abortSignal!.addEventListener(
              'abort',
              () => {
                expired()
                reject(call.abortSignal!.reason as Error)
              },
              { once: true },
            ),
          )
        }
        // The second task's requests are in flight when the first one's deadline passes, and answer after it.
        await firstExpired
        await new Promise((resolve) => setTimeout(resolve, 10))
        // As a provider would: a request whose signal was aborted meanwhile fails.
        if (call.abortSignal!.aborted) throw call.abortSignal!.reason as Error
        return answer.doGenerate(call)
      },
    })
    const runtime = createRuntime({
      tools,
      planner: createModelPlanner({ model, timeoutMs: 1000, retry: { baseDelayMs: 1 } }),
    })
    const a = await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const b = await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))
    const [doneA, doneB] = await Promise.all([runtime.tasks.wait(a.id), runtime.tasks.wait(b.id)])
    expect([doneA.status, doneB.status]).toEqual(['complete', 'complete'])
    const statuses = async (id: string) =>
      (await Promise.resolve(runtime.tasks.trace(id))).steps
        .filter((step) => step.tool === 'model')
        .map((step) => step.status)
    expect(await statuses(a.id)).toEqual(['failed', 'complete', 'complete', 'complete'])
    expect(await statuses(b.id)).toEqual(['complete', 'complete', 'complete'])
    await runtime.close()
  })

  it.each(['v2', 'v4'] as const)(
    'recognises a language model of specification %s by its specificationVersion and reads its usage',
    async (version) => {
      const inner = invoiceModel()
      const model: LanguageModel = {
        specificationVersion: version,
        provider: 'test',
        modelId: `model-${version}`,
        doGenerate: async (options) => {
          const result = await inner.doGenerate(options)
          // V2 reports the finish reason as a string and tokens as flat numbers; V4 keeps V3's shapes.
          return version === 'v2'
            ? {
                ...result,
                finishReason: result.finishReason.unified,
                usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
              }
            : result
        },
      }
      const { state, tools } = invoiceTools()
      const runtime = createRuntime({ tools, planner: createModelPlanner({ model }) })
      const done = await runtime.tasks.wait(
        (await Promise.resolve(runtime.tasks.create({ prompt: PROMPT, memory: false }))).id,
      )
      expect(done).toMatchObject({
        status: 'complete',
        result: { invoice_id: 'inv_1007', amount: 129.5, posted: true },
        usage: { input_tokens: 300, output_tokens: 60 },
      })
      expect(state.posts).toHaveLength(1)
      const steps = (await Promise.resolve(runtime.tasks.trace(done.id))).steps.filter((step) => step.tool === 'model')
      expect(
        steps.map((step) => [
          step.model,
          step.note?.endsWith(steps.indexOf(step) < 2 ? 'finish tool-calls' : 'finish stop'),
        ]),
      ).toEqual([
        [`test/model-${version}`, true],
        [`test/model-${version}`, true],
        [`test/model-${version}`, true],
      ])
      await runtime.close()
    },
  )

  it('refuses anything that is not an AI SDK language model', () => {
    expect(() =>
      createModelPlanner({
        model: { specificationVersion: 'v1', provider: 'x', modelId: 'y', doGenerate: async () => text('') } as never,
      }),
    ).toThrow(/specification v2, v3 or v4 \(got v1\)/)
  })
})
