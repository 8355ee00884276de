/**
 * The part of the AI SDK language-model specification the planner uses, written structurally so
 * that models of specification V2 (`@ai-sdk/*` 2.x), V3 (3.x) and V4 all fit without this package
 * depending on `@ai-sdk/provider` or `ai`. Where the versions differ (finish reason, usage) the
 * fields are `unknown` here and read defensively.
 */

/** JSON Schema, as the model receives it for each tool. */
export type ModelJsonSchema = Record<string, unknown>

export interface ModelTextPart {
  type: 'text'
  text: string
}

export interface ModelToolCallPart {
  type: 'tool-call'
  toolCallId: string
  toolName: string
  input: unknown
}

export type ModelToolResultOutput = { type: 'text'; value: string } | { type: 'error-text'; value: string }

export interface ModelToolResultPart {
  type: 'tool-result'
  toolCallId: string
  toolName: string
  output: ModelToolResultOutput
}

/** One message of the conversation the planner rebuilds for every decision. */
export type ModelMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: ModelTextPart[] }
  | { role: 'assistant'; content: Array<ModelTextPart | ModelToolCallPart> }
  | { role: 'tool'; content: ModelToolResultPart[] }

export interface ModelFunctionTool {
  type: 'function'
  name: string
  description: string
  inputSchema: ModelJsonSchema
}

/** What the planner passes to `doGenerate`. */
export interface ModelCallOptions {
  prompt: ModelMessage[]
  tools: ModelFunctionTool[]
  toolChoice: { type: 'auto' }
  temperature?: number
  maxOutputTokens?: number
  responseFormat?: { type: 'json'; schema: ModelJsonSchema; name: string }
  abortSignal: AbortSignal
}

/** What `doGenerate` returns, as far as the planner reads it. */
export interface ModelGenerateResult {
  content: ReadonlyArray<{ readonly type: string }>
  /** V2: a string; V3 and later: `{ unified, raw }`. */
  finishReason: unknown
  /** V2: flat numbers; V3 and later: `{ inputTokens: { total }, outputTokens: { total } }`. */
  usage: unknown
}

/**
 * Any AI SDK language model: `openai('gpt-4.1-mini')`, `anthropic('claude-sonnet-4-5')`,
 * `google(…)`, `ollama(…)`, a gateway model, or `MockLanguageModelV3` in tests.
 */
export interface LanguageModel {
  readonly specificationVersion: 'v2' | 'v3' | 'v4'
  readonly provider: string
  readonly modelId: string
  doGenerate(options: ModelCallOptions): PromiseLike<ModelGenerateResult>
}
