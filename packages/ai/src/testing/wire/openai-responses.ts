import {
  argumentsOf,
  FAKE_USAGE,
  nextId,
  textOf,
  WireRequestError,
  type FakeModelReply,
  type FakeModelRequest,
  type Json,
  type WireFormat,
} from '../fake-model-types.js'

/** The output items of an answer: a message with the text, then one `function_call` per tool call. */
function outputOf(reply: FakeModelReply): Json[] {
  const output: Json[] = []
  if (reply.text)
    output.push({
      type: 'message',
      id: nextId('msg_'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    })
  for (const call of reply.toolCalls ?? [])
    output.push({
      type: 'function_call',
      id: nextId('fc_'),
      call_id: nextId('call_'),
      name: call.name,
      arguments: argumentsOf(call.input),
      status: 'completed',
    })
  return output
}

const usage = (): Json => ({
  input_tokens: FAKE_USAGE.input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: FAKE_USAGE.output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
})

function response(
  request: FakeModelRequest,
  fields: { id: string; status: string; output: Json[]; usage: Json | null },
): Json {
  const { body } = request
  return {
    id: fields.id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: fields.status,
    error: null,
    incomplete_details: null,
    instructions: body['instructions'] ?? null,
    model: request.model,
    output: fields.output,
    parallel_tool_calls: body['parallel_tool_calls'] ?? true,
    previous_response_id: null,
    store: body['store'] ?? true,
    temperature: body['temperature'] ?? 1,
    tool_choice: body['tool_choice'] ?? 'auto',
    tools: body['tools'] ?? [],
    usage: fields.usage,
  }
}

/**
 * Reads the `input` items as the real API does: messages (a string or text parts), `function_call`
 * items and `function_call_output` items. An output must answer a call made earlier in the input,
 * and every call must be answered; the fake stores nothing, so `item_reference` and
 * `previous_response_id` name items it cannot have. The messages are the API's own.
 */
function readInput(input: unknown, request: FakeModelRequest): void {
  const items: Json[] =
    typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? (input as Json[]) : []
  if (items.length === 0) throw new WireRequestError("Missing required parameter: 'input'.", { param: 'input' })
  const calls = new Map<string, string>()
  const answered = new Set<string>()
  items.forEach((item, index) => {
    const type = item['type'] ?? 'message'
    if (type === 'message') {
      const role = item['role']
      if (role === 'system' || role === 'developer')
        request.system += `${request.system ? '\n' : ''}${textOf(item['content'])}`
      else if (role === 'user') request.userTexts.push(textOf(item['content']))
      else if (role !== 'assistant')
        throw new WireRequestError(
          `Invalid value: '${String(role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`,
          { param: `input[${index}].role` },
        )
    } else if (type === 'function_call') {
      if (
        typeof item['call_id'] !== 'string' ||
        typeof item['name'] !== 'string' ||
        typeof item['arguments'] !== 'string'
      ) {
        throw new WireRequestError(
          `Invalid 'input[${index}]': a function_call needs a string call_id, name and arguments.`,
          { param: `input[${index}]` },
        )
      }
      calls.set(item['call_id'], item['name'])
    } else if (type === 'function_call_output') {
      const id = String(item['call_id'])
      const name = calls.get(id)
      if (name === undefined)
        throw new WireRequestError(`No tool call found for function call output with call_id ${id}.`, {
          param: 'input',
        })
      answered.add(id)
      request.toolResults.push({ name, content: textOf(item['output']) })
    } else if (type === 'item_reference') {
      throw new WireRequestError(`Item with id '${String(item['id'])}' not found.`, { status: 404, param: 'input' })
    } else {
      throw new WireRequestError(
        `Invalid value: '${typeof type === 'string' ? type : JSON.stringify(type)}'. This fake model server reads message, function_call and function_call_output items.`,
        { param: `input[${index}].type` },
      )
    }
  })
  for (const id of calls.keys())
    if (!answered.has(id))
      throw new WireRequestError(`No tool output found for function call ${id}.`, { param: 'input' })
}

/**
 * OpenAI Responses, `POST /v1/responses`: what `@ai-sdk/openai` 3.x uses for `openai(id)` and
 * `openai.responses(id)`. Answers as JSON, or as server-sent events with `stream: true`.
 */
export const openAIResponses: WireFormat = {
  api: 'openai-responses',
  path: '/responses',
  read(body) {
    if (typeof body['model'] !== 'string')
      throw new WireRequestError("Missing required parameter: 'model'.", { param: 'model' })
    if (body['previous_response_id'] != null)
      throw new WireRequestError(
        `Previous response with id '${typeof body['previous_response_id'] === 'string' ? body['previous_response_id'] : JSON.stringify(body['previous_response_id'])}' not found.`,
        { status: 404, param: 'previous_response_id' },
      )
    const request: FakeModelRequest = {
      api: 'openai-responses',
      model: body['model'],
      system: typeof body['instructions'] === 'string' ? body['instructions'] : '',
      userTexts: [],
      toolResults: [],
      tools: [],
      body,
    }
    readInput(body['input'], request)
    ;((body['tools'] as Json[] | undefined) ?? []).forEach((tool, index) => {
      if (tool['type'] !== 'function') return
      if (typeof tool['name'] !== 'string' || tool['name'] === '')
        throw new WireRequestError(`Missing required parameter: 'tools[${index}].name'.`, {
          param: `tools[${index}].name`,
        })
      request.tools.push(tool['name'])
    })
    return request
  },
  answer: (reply, request) =>
    response(request, { id: nextId('resp_'), status: 'completed', output: outputOf(reply), usage: usage() }),
  stream(reply, request) {
    const id = nextId('resp_')
    const output = outputOf(reply)
    const events: Json[] = [
      { type: 'response.created', response: response(request, { id, status: 'in_progress', output: [], usage: null }) },
      {
        type: 'response.in_progress',
        response: response(request, { id, status: 'in_progress', output: [], usage: null }),
      },
    ]
    output.forEach((item, index) => {
      if (item['type'] === 'message') {
        const text = String((item['content'] as Json[])[0]!['text'])
        events.push(
          {
            type: 'response.output_item.added',
            output_index: index,
            item: { ...item, status: 'in_progress', content: [] },
          },
          {
            type: 'response.content_part.added',
            item_id: item['id'],
            output_index: index,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [] },
          },
          {
            type: 'response.output_text.delta',
            item_id: item['id'],
            output_index: index,
            content_index: 0,
            delta: text,
            logprobs: [],
          },
          {
            type: 'response.output_text.done',
            item_id: item['id'],
            output_index: index,
            content_index: 0,
            text,
            logprobs: [],
          },
          {
            type: 'response.content_part.done',
            item_id: item['id'],
            output_index: index,
            content_index: 0,
            part: { type: 'output_text', text, annotations: [] },
          },
        )
      } else {
        events.push(
          {
            type: 'response.output_item.added',
            output_index: index,
            item: { ...item, status: 'in_progress', arguments: '' },
          },
          {
            type: 'response.function_call_arguments.delta',
            item_id: item['id'],
            output_index: index,
            delta: item['arguments'],
          },
          {
            type: 'response.function_call_arguments.done',
            item_id: item['id'],
            output_index: index,
            arguments: item['arguments'],
          },
        )
      }
      events.push({ type: 'response.output_item.done', output_index: index, item })
    })
    events.push({
      type: 'response.completed',
      response: response(request, { id, status: 'completed', output, usage: usage() }),
    })
    return events.map((event, index) => ({ ...event, sequence_number: index }))
  },
  error: (status, { message, param }) => ({
    error: {
      message,
      type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error',
      param,
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  }),
}
