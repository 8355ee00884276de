import { createOpenAI } from '@ai-sdk/openai'
import type { LanguageModelV3FunctionTool, LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeModelServer, type FakeModelServer } from '@inboard/ai/testing'

let server: FakeModelServer | undefined
afterEach(async () => {
  await server?.close()
})

async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; body: { error: { message: string; type: string } } }> {
  const response = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as { error: { message: string; type: string } } }
}

const call = {
  type: 'function_call',
  call_id: 'call_1',
  name: 'payments__latest_invoice',
  arguments: '{"customer_id":"u_42"}',
}
const tools = [
  {
    type: 'function',
    name: 'payments__latest_invoice',
    description: 'Latest invoice',
    parameters: { type: 'object', properties: {} },
  },
]

describe('the fake model server refuses what the real APIs refuse', () => {
  it('refuses a Responses function_call_output whose call_id answers no function_call', async () => {
    server = await createFakeModelServer(() => ({ text: 'unreachable' }))
    const answer = await post('/responses', {
      model: 'gpt-4.1-mini',
      input: [
        { role: 'user', content: 'hi' },
        { type: 'function_call_output', call_id: 'call_9', output: '{}' },
      ],
      tools,
    })
    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          message: 'No tool call found for function call output with call_id call_9.',
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        },
      },
    })
    expect(server.requests).toEqual([])
    expect(server.refused).toEqual([
      {
        api: 'openai-responses',
        status: 400,
        message: 'No tool call found for function call output with call_id call_9.',
      },
    ])
  })

  it('refuses a Responses function_call left without its output', async () => {
    server = await createFakeModelServer(() => ({ text: 'unreachable' }))
    const answer = await post('/responses', {
      model: 'gpt-4.1-mini',
      input: [{ role: 'user', content: 'hi' }, call],
      tools,
    })
    expect(answer.status).toBe(400)
    expect(answer.body.error.message).toBe('No tool output found for function call call_1.')
  })

  it('refuses a Responses item_reference or previous_response_id: it stores nothing', async () => {
    server = await createFakeModelServer(() => ({ text: 'unreachable' }))
    expect(
      (await post('/responses', { model: 'gpt-4.1-mini', input: [{ type: 'item_reference', id: 'fc_1' }] })).status,
    ).toBe(404)
    expect(
      (await post('/responses', { model: 'gpt-4.1-mini', input: 'hi', previous_response_id: 'resp_1' })).status,
    ).toBe(404)
  })

  it('refuses a chat-completions tool message that answers no tool call', async () => {
    server = await createFakeModelServer(() => ({ text: 'unreachable' }))
    const answer = await post('/chat/completions', {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_9', content: '{}' },
      ],
    })
    expect(answer.status).toBe(400)
    expect(answer.body.error.message).toMatch(
      /messages with role 'tool' must be a response to a preceeding message with 'tool_calls'/,
    )
    const unanswered = await post('/chat/completions', {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'user', content: 'go on' },
      ],
    })
    expect(unanswered.body.error.message).toMatch(/did not have response messages: call_1$/)
  })

  it('refuses an Anthropic tool_result without the tool_use before it', async () => {
    server = await createFakeModelServer(() => ({ text: 'unreachable' }))
    const answer = await post('/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: '{}' }] }],
    })
    expect(answer.status).toBe(400)
    expect((answer.body as unknown as { error: { message: string } }).error.message).toMatch(
      /^messages\.0\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9/,
    )
  })
})

describe('the fake model server over the Responses API', () => {
  it('answers a tool call with a function_call item, reads its function_call_output back, and reports usage', async () => {
    server = await createFakeModelServer((request) =>
      request.toolResults.length === 0
        ? { toolCalls: [{ name: 'payments__latest_invoice', input: { customer_id: 'u_42' } }] }
        : { text: `got ${request.toolResults[0]!.content}` },
    )
    const model = createOpenAI({ baseURL: server.url, apiKey: 'k' }).responses('gpt-4.1-mini')
    const tool: LanguageModelV3FunctionTool = {
      type: 'function',
      name: 'payments__latest_invoice',
      inputSchema: { type: 'object', properties: { customer_id: { type: 'string' } } },
    }
    const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'latest invoice of u_42' }] }]
    const first = await model.doGenerate({ prompt, tools: [tool] })
    const toolCall = first.content.find((part) => part.type === 'tool-call')
    expect(toolCall).toMatchObject({
      type: 'tool-call',
      toolName: 'payments__latest_invoice',
      input: '{"customer_id":"u_42"}',
      toolCallId: expect.stringMatching(/^call_/),
    })
    expect(first.finishReason.unified).toBe('tool-calls')
    expect(first.usage.inputTokens.total).toBe(42)
    expect(first.usage.outputTokens.total).toBe(7)
    const second = await model.doGenerate({
      prompt: [
        ...prompt,
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              toolCallId: toolCall!.toolCallId,
              toolName: toolCall!.toolName,
              input: { customer_id: 'u_42' },
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: toolCall!.toolCallId,
              toolName: toolCall!.toolName,
              output: { type: 'text', value: 'inv_1007' },
            },
          ],
        },
      ],
      tools: [tool],
    })
    expect(second.content).toMatchObject([{ type: 'text', text: 'got inv_1007' }])
    expect(second.finishReason.unified).toBe('stop')
    expect(server.requests[1]!.body['input']).toContainEqual({
      type: 'function_call_output',
      call_id: toolCall!.toolCallId,
      output: 'inv_1007',
    })
    expect(server.refused).toEqual([])
  })

  it('streams a Responses answer (stream: true) as the SDK reads it: text, tool calls and usage', async () => {
    server = await createFakeModelServer(() => ({
      text: 'Looking it up.',
      toolCalls: [{ name: 'payments__latest_invoice', input: { customer_id: 'u_42' } }],
    }))
    const model = createOpenAI({ baseURL: server.url, apiKey: 'k' }).responses('gpt-4.1-mini')
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'latest invoice of u_42' }] }],
      tools: [{ type: 'function', name: 'payments__latest_invoice', inputSchema: { type: 'object' } }],
    })
    const parts: LanguageModelV3StreamPart[] = []
    for await (const part of stream) parts.push(part)
    expect(parts.filter((part) => part.type === 'error')).toEqual([])
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.delta)
        .join(''),
    ).toBe('Looking it up.')
    expect(parts.find((part) => part.type === 'tool-call')).toMatchObject({
      toolName: 'payments__latest_invoice',
      input: '{"customer_id":"u_42"}',
    })
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'tool-calls' },
      usage: { inputTokens: { total: 42 }, outputTokens: { total: 7 } },
    })
    expect(server.requests[0]!.body['stream']).toBe(true)
  })
})
