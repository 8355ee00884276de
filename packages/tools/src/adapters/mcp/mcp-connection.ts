import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { ToolError } from '../../tool-error.js'

/** An MCP server started as a child process and spoken to over stdio. */
export interface McpStdioServer {
  command: string
  args?: readonly string[]
  /** Added to a minimal inherited environment (PATH, HOME, …). */
  env?: Readonly<Record<string, string>>
  cwd?: string
}

/** A remote MCP server spoken to over Streamable HTTP. */
export interface McpHttpServer {
  url: string | URL
  headers?: Readonly<Record<string, string>>
}

export type McpServer = McpStdioServer | McpHttpServer

const STDERR_LINES = 20

/**
 * One live client session with an MCP server, reopened on demand after the server crashed or the
 * transport closed, so one failure costs one call and not the tool.
 */
export class McpConnection {
  readonly #server: McpServer
  readonly #clientName: string
  #client: Promise<Client> | undefined
  #closed = false
  readonly #stderr: string[] = []

  constructor(server: McpServer, clientName: string) {
    this.#server = server
    this.#clientName = clientName
  }

  /** The connected client, connecting first when there is none. */
  client(): Promise<Client> {
    if (this.#closed)
      return Promise.reject(new ToolError('tool_error', 'The MCP tool was closed', { recoverable: false }))
    this.#client ??= this.#connect().catch((error: unknown) => {
      this.#client = undefined
      throw error
    })
    return this.#client
  }

  /** Last lines the server wrote to stderr, for error details. */
  get stderr(): readonly string[] {
    return this.#stderr
  }

  async close(): Promise<void> {
    this.#closed = true
    const pending = this.#client
    this.#client = undefined
    if (pending) await pending.then((client) => client.close()).catch(() => undefined)
  }

  async #connect(): Promise<Client> {
    const client = new Client({ name: this.#clientName, version: '0.1.0' })
    const transport = this.#transport()
    // A dead server must not take the process down: forget the session and reconnect on the next call.
    client.onclose = () => {
      if (this.#client !== undefined) this.#client = undefined
    }
    client.onerror = () => undefined
    await client.connect(transport)
    return client
  }

  #transport(): Transport {
    if ('url' in this.#server) {
      const url = typeof this.#server.url === 'string' ? new URL(this.#server.url) : this.#server.url
      return new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...this.#server.headers } } })
    }
    const transport = new StdioClientTransport({
      command: this.#server.command,
      args: [...(this.#server.args ?? [])],
      stderr: 'pipe',
      ...(this.#server.env === undefined ? {} : { env: { ...this.#server.env } }),
      ...(this.#server.cwd === undefined ? {} : { cwd: this.#server.cwd }),
    })
    transport.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== ''),
      )
      this.#stderr.splice(0, Math.max(0, this.#stderr.length - STDERR_LINES))
    })
    return transport
  }
}
