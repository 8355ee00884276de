import {
  FAKE_USAGE,
  nextId,
  textOf,
  WireRequestError,
  type FakeModelRequest,
  type Json,
  type WireFormat,
} from '../fake-model-types.js'

const partsOf = (message: Json): Json[] =>
  Array.isArray(message['content']) ? (message['content'] as Json[]) : [{ type: 'text', text: message['content'] }]

/**
 * Checks what the real API checks about tool turns: each `tool_result` answers a `tool_use` of the
 * message right before it, and every `tool_use` is answered in the next message. The messages are
 * the API's own.
 */
function checkToolTurns(messages: readonly Json[]): void {
  let open = new Set<string>()
  messages.forEach((message, index) => {
    const parts = partsOf(message)
    parts.forEach((part, at) => {
      if (part['type'] !== 'tool_result') return
      const id = String(part['tool_use_id'])
      if (!open.has(id)) {
        throw new WireRequestError(
          `messages.${index}.content.${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        )
      }
      open.delete(id)
    })
    if (open.size > 0) {
      throw new WireRequestError(
        `messages.${index - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...open].join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      )
    }
    open = new Set(parts.filter((part) => part['type'] === 'tool_use').map((part) => String(part['id'])))
  })
}

/** Anthropic messages, `POST /v1/messages` (`createAnthropic(…)(id)`). */
export const anthropicMessages: WireFormat = {
  api: 'anthropic-messages',
  path: '/messages',
  read(body) {
    const messages = body['messages']
    if (!Array.isArray(messages) || messages.length === 0) throw new WireRequestError('messages: Field required')
    checkToolTurns(messages as Json[])
    const request: FakeModelRequest = {
      api: 'anthropic-messages',
      model: String(body['model']),
      system: textOf(body['system']),
      userTexts: [],
      toolResults: [],
      tools: [],
      body,
    }
    const names = new Map<string, string>()
    for (const message of messages as Json[]) {
      for (const part of partsOf(message)) {
        if (part['type'] === 'tool_use') names.set(String(part['id']), String(part['name']))
        if (part['type'] === 'tool_result')
          request.toolResults.push({
            name: names.get(String(part['tool_use_id'])) ?? '?',
            content: textOf(part['content']),
          })
        if (part['type'] === 'text' && message['role'] === 'user') request.userTexts.push(String(part['text']))
      }
    }
    request.tools = ((body['tools'] as Json[] | undefined) ?? []).map((tool) => String(tool['name']))
    return request
  },
  answer(reply, request) {
    const content: Json[] = []
    if (reply.text) content.push({ type: 'text', text: reply.text })
    for (const call of reply.toolCalls ?? [])
      content.push({
        type: 'tool_use',
        id: nextId('toolu_'),
        name: call.name,
        input: typeof call.input === 'string' ? (JSON.parse(call.input) as unknown) : call.input,
      })
    return {
      id: nextId('msg_'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: (reply.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output },
    }
  },
  error: (status, { message }) => ({
    type: 'error',
    error: {
      type: status === 400 ? 'invalid_request_error' : status === 429 ? 'rate_limit_error' : 'api_error',
      message,
    },
  }),
}
