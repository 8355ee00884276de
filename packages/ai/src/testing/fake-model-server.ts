import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the fake server read it, the same for both wire formats. */
export interface FakeModelRequest {
  api: 'openai-chat' | 'anthropic-messages'
  model: string
  system: string
  /** Text of every user message, in order. */
  userTexts: string[]
  /** Tool results sent back, in order, with the tool they answer. */
  toolResults: Array<{ name: string; content: string }>
  /** Names of the tools offered. */
  tools: string[]
  /** The request body as sent. */
  body: Record<string, unknown>
}

/** What the fake model answers: text, tool calls (input as an object, or a raw string sent as is), or an HTTP error. */
export interface FakeModelReply {
  text?: string
  toolCalls?: Array<{ name: string; input: Record<string, unknown> | string }>
  /** An HTTP error status instead of an answer (429, 500…), with these headers. */
  status?: number
  headers?: Record<string, string>
  /** Milliseconds before answering; a request aborted meanwhile is counted in `aborted`. */
  delayMs?: number
}

export interface FakeModelServer {
  /** Base URL for providers: `createOpenAI({ baseURL: server.url })`, `createAnthropic({ baseURL: server.url })`. */
  readonly url: string
  readonly requests: FakeModelRequest[]
  /** Requests the client aborted before the answer. */
  readonly aborted: number
  close(): Promise<void>
}

type Json = Record<string, unknown>
const text = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: Json) => (typeof part['text'] === 'string' ? part['text'] : typeof part['content'] === 'string' ? part['content'] : text(part['content']))).join('') : ''

function readOpenAI(body: Json): FakeModelRequest {
  const messages = (body['messages'] as Json[] | undefined) ?? []
  const names = new Map<string, string>()
  const request: FakeModelRequest = { api: 'openai-chat', model: String(body['model']), system: '', userTexts: [], toolResults: [], tools: [], body }
  for (const message of messages) {
    if (message['role'] === 'system' || message['role'] === 'developer') request.system += text(message['content'])
    if (message['role'] === 'user') request.userTexts.push(text(message['content']))
    for (const call of (message['tool_calls'] as Json[] | undefined) ?? []) names.set(String(call['id']), String((call['function'] as Json)['name']))
    if (message['role'] === 'tool') request.toolResults.push({ name: names.get(String(message['tool_call_id'])) ?? '?', content: text(message['content']) })
  }
  request.tools = ((body['tools'] as Json[] | undefined) ?? []).map((tool) => String((tool['function'] as Json)['name']))
  return request
}

function readAnthropic(body: Json): FakeModelRequest {
  const request: FakeModelRequest = { api: 'anthropic-messages', model: String(body['model']), system: text(body['system']), userTexts: [], toolResults: [], tools: [], body }
  const names = new Map<string, string>()
  for (const message of (body['messages'] as Json[] | undefined) ?? []) {
    const parts = Array.isArray(message['content']) ? (message['content'] as Json[]) : [{ type: 'text', text: message['content'] }]
    for (const part of parts) {
      if (part['type'] === 'tool_use') names.set(String(part['id']), String(part['name']))
      if (part['type'] === 'tool_result') request.toolResults.push({ name: names.get(String(part['tool_use_id'])) ?? '?', content: text(part['content']) })
      if (part['type'] === 'text' && message['role'] === 'user') request.userTexts.push(String(part['text']))
    }
  }
  request.tools = ((body['tools'] as Json[] | undefined) ?? []).map((tool) => String(tool['name']))
  return request
}

let ids = 0
const usage = { input: 42, output: 7 }

function openAIAnswer(reply: FakeModelReply, model: string): Json {
  const calls = (reply.toolCalls ?? []).map((call) => ({ id: `call_${++ids}`, type: 'function', function: { name: call.name, arguments: typeof call.input === 'string' ? call.input : JSON.stringify(call.input) } }))
  return {
    id: `chatcmpl_${++ids}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text ?? null, ...(calls.length > 0 ? { tool_calls: calls } : {}) }, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  }
}

function anthropicAnswer(reply: FakeModelReply, model: string): Json {
  const content: Json[] = []
  if (reply.text) content.push({ type: 'text', text: reply.text })
  for (const call of reply.toolCalls ?? []) content.push({ type: 'tool_use', id: `toolu_${++ids}`, name: call.name, input: typeof call.input === 'string' ? JSON.parse(call.input) : call.input })
  return {
    id: `msg_${++ids}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: (reply.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  }
}

async function bodyOf(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json
}

/**
 * A language-model server on a loopback ephemeral port that speaks the OpenAI chat-completions
 * (`POST /v1/chat/completions`) and Anthropic messages (`POST /v1/messages`) wire formats, with tool
 * calls, answering from `reply`. For tests and examples that run the model planner with real
 * provider clients and no network. Streaming is not supported (the planner does not stream).
 */
export async function createFakeModelServer(reply: (request: FakeModelRequest) => FakeModelReply | Promise<FakeModelReply>): Promise<FakeModelServer> {
  const requests: FakeModelRequest[] = []
  let aborted = 0
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const api = req.url?.endsWith('/chat/completions') ? 'openai-chat' : req.url?.endsWith('/messages') ? 'anthropic-messages' : null
    if (req.method !== 'POST' || api === null) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    const body = await bodyOf(req)
    const request = api === 'openai-chat' ? readOpenAI(body) : readAnthropic(body)
    requests.push(request)
    const answer = await reply(request)
    if (answer.delayMs) {
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), answer.delayMs)
        res.once('close', () => {
          clearTimeout(timer)
          resolve(!res.writableFinished)
        })
      })
      if (closed) {
        aborted++
        return
      }
    }
    if (answer.status !== undefined && answer.status >= 400) {
      const error = api === 'openai-chat' ? { error: { message: `fake error ${answer.status}`, type: 'server_error', code: null } } : { type: 'error', error: { type: 'api_error', message: `fake error ${answer.status}` } }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(error))
      return
    }
    const payload = api === 'openai-chat' ? openAIAnswer(answer, request.model) : anthropicAnswer(answer, request.model)
    res.writeHead(200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(payload))
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error) } }))
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get aborted() {
      return aborted
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
