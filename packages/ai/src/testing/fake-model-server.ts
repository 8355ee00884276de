import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  WireRequestError,
  type FakeModelReply,
  type FakeModelRequest,
  type Json,
  type WireFormat,
} from './fake-model-types.js'
import { anthropicMessages } from './wire/anthropic-messages.js'
import { openAIChat } from './wire/openai-chat.js'
import { openAIResponses } from './wire/openai-responses.js'

export interface FakeModelServer {
  /** Base URL for providers: `createOpenAI({ baseURL: server.url })`, `createAnthropic({ baseURL: server.url })`. */
  readonly url: string
  /** Requests the server read and answered from `reply`, in order (not the ones it refused as malformed). */
  readonly requests: FakeModelRequest[]
  /** Requests refused as the real API would refuse them (a tool result answering no call, …): status and message. */
  readonly refused: Array<{ api: FakeModelRequest['api']; status: number; message: string }>
  /** Requests the client aborted before the answer. */
  readonly aborted: number
  close(): Promise<void>
}

const FORMATS: readonly WireFormat[] = [openAIChat, openAIResponses, anthropicMessages]

async function bodyOf(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json
}

/** Waits `ms`, or until the client goes away: true when it did. */
function clientLeft(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    res.once('close', () => {
      clearTimeout(timer)
      resolve(!res.writableFinished)
    })
  })
}

function sendJson(
  res: ServerResponse,
  answer: { status: number; body: Json; headers?: Record<string, string> | undefined },
): void {
  res
    .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    .end(JSON.stringify(answer.body))
}

/**
 * A language-model server on a loopback ephemeral port that speaks the OpenAI chat-completions
 * (`POST /v1/chat/completions`), OpenAI Responses (`POST /v1/responses`) and Anthropic messages
 * (`POST /v1/messages`) wire formats, with tool calls, answering from `reply`. For tests and
 * examples that run the model planner with real provider clients and no network. It refuses what
 * the real APIs refuse about tool turns (a tool result that answers no call, a call left
 * unanswered) with their status and message. Responses also streams (`stream: true`); the other
 * two answer as JSON only (the planner does not stream).
 */
export async function createFakeModelServer(
  reply: (request: FakeModelRequest) => FakeModelReply | Promise<FakeModelReply>,
): Promise<FakeModelServer> {
  const requests: FakeModelRequest[] = []
  const refused: FakeModelServer['refused'] = []
  let aborted = 0
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const format = req.method === 'POST' ? FORMATS.find((candidate) => req.url === `/v1${candidate.path}`) : undefined
    if (format === undefined)
      return sendJson(res, { status: 404, body: { error: { message: `not found: ${req.method} ${req.url}` } } })
    const body = await bodyOf(req)
    let request: FakeModelRequest
    try {
      request = format.read(body)
    } catch (error) {
      if (!(error instanceof WireRequestError)) throw error
      refused.push({ api: format.api, status: error.status, message: error.message })
      return sendJson(res, {
        status: error.status,
        body: format.error(error.status, { message: error.message, param: error.param }),
      })
    }
    requests.push(request)
    const answer = await reply(request)
    if (answer.delayMs && (await clientLeft(res, answer.delayMs))) {
      aborted++
      return
    }
    if (answer.status !== undefined && answer.status >= 400)
      return sendJson(res, {
        status: answer.status,
        body: format.error(answer.status, { message: `fake error ${answer.status}`, param: null }),
        headers: answer.headers,
      })
    if (body['stream'] === true) {
      if (!format.stream)
        return sendJson(res, {
          status: 400,
          body: format.error(400, { message: 'This fake model server does not stream this API.', param: 'stream' }),
        })
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...answer.headers })
      for (const event of format.stream(answer, request))
        res.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`)
      res.end()
      return
    }
    sendJson(res, { status: 200, body: format.answer(answer, request), headers: answer.headers })
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, { status: 500, body: { error: { message: String(error) } } })
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    refused,
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
