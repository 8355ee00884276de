import { ToolError } from '../../tool-error.js'

interface ContentBlock {
  type: string
  text?: string
  [key: string]: unknown
}

/** The parts of an MCP `tools/call` result the adapter reads. */
export interface McpCallResult {
  content?: unknown
  structuredContent?: unknown
  isError?: unknown
}

/**
 * Maps a `tools/call` result to a capability result: `structuredContent` when present, else the JSON
 * parsed from a single text block, else the text, else the raw content blocks (images, resources).
 * A result flagged `isError` throws `upstream_error`.
 */
export function callResult(toolName: string, result: McpCallResult): unknown {
  const content = Array.isArray(result.content) ? (result.content as ContentBlock[]) : []
  const texts = content
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text ?? '')
  if (result.isError === true) {
    throw new ToolError('upstream_error', `MCP tool "${toolName}" failed: ${texts.join('\n') || 'no message'}`, {
      recoverable: false,
      details: { content },
    })
  }
  if (result.structuredContent !== undefined) return result.structuredContent
  if (texts.length === content.length && texts.length > 0) {
    const text = texts.join('\n')
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return content.length === 0 ? null : content
}
