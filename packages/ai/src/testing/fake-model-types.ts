/** One request as the fake server read it, the same for every wire format. */
export interface FakeModelRequest {
  api: 'openai-chat' | 'openai-responses' | 'anthropic-messages'
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

export type Json = Record<string, unknown>

/** A request the real API would refuse: the status and message it answers with. */
export class WireRequestError extends Error {
  override readonly name = 'WireRequestError'
  readonly status: number
  readonly param: string | null

  constructor(message: string, options: { status?: number; param?: string } = {}) {
    super(message)
    this.status = options.status ?? 400
    this.param = options.param ?? null
  }
}

/** One provider API the fake server speaks: how it reads a request and writes answers and errors. */
export interface WireFormat {
  api: FakeModelRequest['api']
  /** The path after the base URL, as the provider client posts to it. */
  path: string
  /** Reads a request body; throws {@link WireRequestError} for one the real API would refuse. */
  read(body: Json): FakeModelRequest
  /** The JSON body of a non-streamed answer. */
  answer(reply: FakeModelReply, request: FakeModelRequest): Json
  /** The server-sent events of a streamed answer (`stream: true`), or undefined when this fake does not stream this API. */
  stream?(reply: FakeModelReply, request: FakeModelRequest): Json[]
  /** The JSON body of an error answer. */
  error(status: number, error: { message: string; param: string | null }): Json
}

/** Usage every answer reports. */
export const FAKE_USAGE = { input: 42, output: 7 } as const

let ids = 0
/** A fresh id with the provider's prefix. */
export const nextId = (prefix: string): string => `${prefix}${++ids}`

/** The text of a message's content: a string, or text parts. */
export const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .map((part: Json) =>
            typeof part['text'] === 'string'
              ? part['text']
              : typeof part['content'] === 'string'
                ? part['content']
                : textOf(part['content']),
          )
          .join('')
      : ''

/** Tool input as the wire carries it: a JSON string (OpenAI), or the model's raw string sent as is. */
export const argumentsOf = (input: Record<string, unknown> | string): string =>
  typeof input === 'string' ? input : JSON.stringify(input)
