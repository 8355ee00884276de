import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { CapabilitySpec, Tool } from '../../define-tool.js'
import { defineTool } from '../../define-tool.js'
import { jsonSchemaToZod } from '../../json-schema/json-schema-to-zod.js'
import { ToolError } from '../../tool-error.js'
import { callResult } from './call-result.js'
import type { McpCallResult } from './call-result.js'
import { McpConnection } from './mcp-connection.js'
import type { McpServer } from './mcp-connection.js'

export type { McpHttpServer, McpServer, McpStdioServer } from './mcp-connection.js'

/** Options for {@link mcpTools}. */
export interface McpToolsOptions {
  /**
   * Tool name (the service name planners and credentials see).
   * @default the server's reported name, in snake_case
   */
  name?: string
  /**
   * @default the server's instructions, else its name
   */
  description?: string
  /**
   * Domain words for matching prompts to the tool.
   * @default []
   */
  tags?: readonly string[]
  /**
   * Milliseconds one MCP request may take before it fails with `timeout`.
   * @default the SDK's default (60 s)
   */
  requestTimeoutMs?: number
}

interface ListedTool {
  name: string
  title?: string
  description?: string
  inputSchema?: unknown
  annotations?: { title?: string; readOnlyHint?: boolean; destructiveHint?: boolean }
}

/**
 * Connects to an MCP server (a command over stdio, or a URL over Streamable HTTP) and returns a tool
 * whose capabilities are the server's tools. The connection is kept and reused across calls, reopened
 * after the server crashes; `close()` ends it (and the child process).
 *
 * @example
 * const files = await mcpTools({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'] }, { name: 'files' })
 * try { … } finally { await files.close?.() }
 */
export async function mcpTools(server: McpServer, options: McpToolsOptions = {}): Promise<Tool> {
  const connection = new McpConnection(server, 'inboard')
  const requestOptions = options.requestTimeoutMs === undefined ? {} : { timeout: options.requestTimeoutMs }
  let client: Client
  let listed: ListedTool[]
  try {
    client = await connection.client()
    listed = await listAll(client, requestOptions)
  } catch (error) {
    await connection.close()
    throw toCallError(error, 'connect', connection)
  }
  const info = client.getServerVersion()
  const name = options.name ?? (toolName(info?.name ?? '') || 'mcp')
  const capabilities: Record<string, CapabilitySpec> = {}
  for (const tool of listed) {
    const capability = uniqueName(capabilityName(tool.name), capabilities)
    const readOnly = tool.annotations?.readOnlyHint === true
    capabilities[capability] = {
      description: tool.description ?? tool.title ?? tool.annotations?.title ?? tool.name,
      input: jsonSchemaToZod(tool.inputSchema ?? { type: 'object' }),
      sideEffects: !readOnly,
      ...(tool.annotations?.destructiveHint === true && !readOnly ? { requiresApproval: true } : {}),
      run: async (input, ctx) => {
        let result: unknown
        try {
          const live = await connection.client()
          result = await live.callTool({ name: tool.name, arguments: input as Record<string, unknown> }, undefined, {
            ...requestOptions,
            signal: ctx.signal,
          })
        } catch (error) {
          if (ctx.signal.aborted) throw error
          throw toCallError(error, tool.name, connection)
        }
        return callResult(tool.name, result as McpCallResult)
      },
    }
  }
  return defineTool({
    name,
    description: options.description ?? client.getInstructions() ?? info?.name ?? name,
    tags: options.tags ?? [],
    capabilities,
    close: () => connection.close(),
  })
}

async function listAll(client: Client, requestOptions: { timeout?: number }): Promise<ListedTool[]> {
  const tools: ListedTool[] = []
  let cursor: string | undefined
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, requestOptions)
    tools.push(...(page.tools as ListedTool[]))
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return tools
}

function toCallError(error: unknown, toolName: string, connection: McpConnection): ToolError {
  if (error instanceof ToolError) return error
  const message = error instanceof Error ? error.message : String(error)
  const details = connection.stderr.length > 0 ? { stderr: [...connection.stderr] } : undefined
  const options = { cause: error, ...(details === undefined ? {} : { details }) }
  if (error instanceof McpError) {
    switch (error.code as ErrorCode) {
      case ErrorCode.RequestTimeout:
        return new ToolError('timeout', `MCP call "${toolName}" timed out: ${message}`, options)
      case ErrorCode.InvalidParams:
        return new ToolError('invalid_input', `MCP call "${toolName}" was refused: ${message}`, {
          ...options,
          recoverable: false,
        })
      case ErrorCode.MethodNotFound:
        return new ToolError('not_found', `MCP call "${toolName}" is unknown to the server: ${message}`, options)
      case ErrorCode.ConnectionClosed:
        break
      default:
        return new ToolError('upstream_error', `MCP call "${toolName}" failed: ${message}`, {
          ...options,
          recoverable: false,
        })
    }
  }
  // The server went away (crash, closed transport, unreachable URL): the next call reconnects.
  return new ToolError('transient', `MCP server unavailable during "${toolName}": ${message}`, {
    ...options,
    recoverable: true,
  })
}

/** `getWeather` → `get_weather`; anything outside `[a-z0-9_-]` becomes `_`. */
function capabilityName(raw: string): string {
  const snake = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 64)
  return snake === '' ? 'tool' : snake
}

/** `example-servers/everything` → `everything`. */
function toolName(serverName: string): string {
  return capabilityName(serverName.split('/').pop() ?? '').replace(/-/g, '_')
}

function uniqueName(name: string, taken: Record<string, unknown>): string {
  if (!(name in taken)) return name
  for (let index = 2; ; index += 1) {
    const candidate = `${name.slice(0, 60)}_${index}`
    if (!(candidate in taken)) return candidate
  }
}
