import {
  argumentsOf,
  FAKE_USAGE,
  nextId,
  textOf,
  WireRequestError,
  type FakeModelRequest,
  type Json,
  type WireFormat,
} from '../fake-model-types.js'

/**
 * Checks what the real API checks about tool turns: every `tool` message answers a call of the
 * assistant message before it, and every call of an assistant message is answered before the
 * conversation goes on. The messages are the API's own.
 */
function checkToolTurns(messages: readonly Json[]): void {
  let open: Set<string> | null = null
  for (const message of messages) {
    if (message['role'] === 'tool') {
      const id = String(message['tool_call_id'])
      if (open === null || !open.has(id))
        throw new WireRequestError(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          { param: 'messages' },
        )
      open.delete(id)
      continue
    }
    if (open !== null && open.size > 0) {
      throw new WireRequestError(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
        { param: 'messages' },
      )
    }
    const calls = (message['tool_calls'] as Json[] | undefined) ?? []
    open = calls.length > 0 ? new Set(calls.map((call) => String(call['id']))) : null
  }
}

/** OpenAI chat completions, `POST /v1/chat/completions` (`createOpenAI(…).chat(id)`). */
export const openAIChat: WireFormat = {
  api: 'openai-chat',
  path: '/chat/completions',
  read(body) {
    const messages = body['messages']
    if (!Array.isArray(messages) || messages.length === 0)
      throw new WireRequestError("Missing required parameter: 'messages'.", { param: 'messages' })
    checkToolTurns(messages as Json[])
    const names = new Map<string, string>()
    const request: FakeModelRequest = {
      api: 'openai-chat',
      model: String(body['model']),
      system: '',
      userTexts: [],
      toolResults: [],
      tools: [],
      body,
    }
    for (const message of messages as Json[]) {
      if (message['role'] === 'system' || message['role'] === 'developer') request.system += textOf(message['content'])
      if (message['role'] === 'user') request.userTexts.push(textOf(message['content']))
      for (const call of (message['tool_calls'] as Json[] | undefined) ?? [])
        names.set(String(call['id']), String((call['function'] as Json)['name']))
      if (message['role'] === 'tool')
        request.toolResults.push({
          name: names.get(String(message['tool_call_id'])) ?? '?',
          content: textOf(message['content']),
        })
    }
    request.tools = ((body['tools'] as Json[] | undefined) ?? []).map((tool) =>
      String((tool['function'] as Json)['name']),
    )
    return request
  },
  answer(reply, request) {
    const calls = (reply.toolCalls ?? []).map((call) => ({
      id: nextId('call_'),
      type: 'function',
      function: { name: call.name, arguments: argumentsOf(call.input) },
    }))
    return {
      id: nextId('chatcmpl_'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.text ?? null,
            ...(calls.length > 0 ? { tool_calls: calls } : {}),
          },
          finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: FAKE_USAGE.input,
        completion_tokens: FAKE_USAGE.output,
        total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
      },
    }
  },
  error: (status, { message, param }) => ({
    error: { message, type: status === 400 ? 'invalid_request_error' : 'server_error', param, code: null },
  }),
}
