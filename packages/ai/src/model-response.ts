import type { TokenUsage } from '@inboard/core'
import type { ModelGenerateResult, ModelToolCallPart } from './model-types.js'

/** A model's answer, the same for every specification version. */
export interface ModelAnswer {
  text: string
  toolCalls: ModelToolCallPart[]
  finishReason: string
  usage: TokenUsage | null
}

const tokens = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value
  // V3 and later report `{ total, … }` per direction.
  if (typeof value === 'object' && value !== null && typeof (value as { total?: unknown }).total === 'number')
    return (value as { total: number }).total
  return undefined
}

/** Token usage in either shape; null when the provider reported none. */
export function usageOf(usage: unknown): TokenUsage | null {
  if (typeof usage !== 'object' || usage === null) return null
  const input = tokens((usage as { inputTokens?: unknown }).inputTokens)
  const output = tokens((usage as { outputTokens?: unknown }).outputTokens)
  if (input === undefined && output === undefined) return null
  return { input_tokens: input ?? 0, output_tokens: output ?? 0 }
}

function finishReasonOf(reason: unknown): string {
  if (typeof reason === 'string') return reason
  if (typeof reason === 'object' && reason !== null && typeof (reason as { unified?: unknown }).unified === 'string')
    return (reason as { unified: string }).unified
  return 'other'
}

const isToolCall = (part: { readonly type: string }): part is ModelToolCallPart =>
  part.type === 'tool-call' &&
  typeof (part as Partial<ModelToolCallPart>).toolName === 'string' &&
  (part as { providerExecuted?: unknown }).providerExecuted !== true

/** Reads text and tool calls out of a `doGenerate` result (reasoning, sources and files are ignored). */
export function readAnswer(result: ModelGenerateResult): ModelAnswer {
  const text: string[] = []
  const toolCalls: ModelToolCallPart[] = []
  for (const part of result.content) {
    const value = (part as { text?: unknown }).text
    if (part.type === 'text' && typeof value === 'string') text.push(value)
    else if (isToolCall(part)) toolCalls.push(part)
  }
  return {
    text: text.join(''),
    toolCalls,
    finishReason: finishReasonOf(result.finishReason),
    usage: usageOf(result.usage),
  }
}
