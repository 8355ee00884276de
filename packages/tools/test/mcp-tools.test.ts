import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ToolError } from '@inboard/tools'
import { mcpTools } from '@inboard/tools/mcp'
import type { Tool } from '@inboard/tools'
import { createFixtureServer } from './fixtures/mcp-server.js'
import { testContext } from './support/tool-context.js'
import { failure } from './support/tool-failure.js'

const fixture = fileURLToPath(new URL('./fixtures/mcp-server.ts', import.meta.url))
const require = createRequire(import.meta.url)
const tsx = require.resolve('tsx/cli')

async function call(tool: Tool, capability: string, input: unknown): Promise<unknown> {
  const spec = tool.capabilities[capability]
  if (!spec) throw new Error(`no capability ${capability}`)
  return spec.run(spec.input.parse(input), testContext())
}

describe('mcpTools over stdio with an SDK-built server', () => {
  let calc: Tool
  beforeAll(async () => {
    calc = await mcpTools({ command: process.execPath, args: [tsx, fixture, '--stdio'] })
  })
  afterAll(() => calc.close?.())

  it('names the tool after the server and turns its tools into capabilities with zod inputs', () => {
    expect(calc.name).toBe('calc')
    expect(Object.keys(calc.capabilities)).toEqual(['add', 'greet', 'get_stats', 'fail', 'wipe', 'crash'])
    expect(calc.capabilities.add?.input.safeParse({ a: 1, b: 'two' }).success).toBe(false)
    expect(calc.capabilities.add?.sideEffects).toBe(false)
    expect(calc.capabilities.greet?.sideEffects).toBe(true)
    expect(calc.capabilities.wipe?.requiresApproval).toBe(true)
    expect(typeof calc.close).toBe('function')
  })

  it('returns structured content, parsed JSON text, or plain text', async () => {
    expect(await call(calc, 'add', { a: 2, b: 3 })).toEqual({ sum: 5 })
    expect(await call(calc, 'get_stats', {})).toEqual({ calls: 3, errors: 0 })
    expect(await call(calc, 'greet', { name: 'Ann' })).toBe('Hello, Ann!')
  })

  it('turns an isError result into upstream_error', async () => {
    const error = await failure(call(calc, 'fail', {}))
    expect(error.code).toBe('upstream_error')
    expect(error.recoverable).toBe(false)
    expect(error.message).toContain('the disk is on fire')
  })

  it('fails a call to a crashed server with a recoverable transient error and reconnects on the next call', async () => {
    const error = await failure(call(calc, 'crash', {}))
    expect(error.code).toBe('transient')
    expect(error.recoverable).toBe(true)
    expect(await call(calc, 'add', { a: 20, b: 22 })).toEqual({ sum: 42 })
  })
})

describe('mcpTools over Streamable HTTP', () => {
  let http: Server
  let url: string
  beforeAll(async () => {
    http = createServer((req, res) => {
      // Stateless mode: a fresh server and transport per request, as the SDK recommends for it.
      const server = createFixtureServer()
      const transport = new StreamableHTTPServerTransport({})
      res.on('close', () => {
        void transport.close()
        void server.close()
      })
      if (req.headers.authorization !== 'Bearer mcp-secret') {
        res.writeHead(401).end()
        return
      }
      server
        .connect(transport)
        .then(() => transport.handleRequest(req, res))
        .catch(() => res.writeHead(500).end())
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
  })
  afterAll(async () => {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  })

  it('calls tools with the configured headers and reuses the connection', async () => {
    const calc = await mcpTools(
      { url, headers: { authorization: 'Bearer mcp-secret' } },
      { name: 'remote_calc', tags: ['math'] },
    )
    try {
      expect(calc.name).toBe('remote_calc')
      expect(calc.tags).toEqual(['math'])
      expect(await call(calc, 'add', { a: 1, b: 1 })).toEqual({ sum: 2 })
      expect(await call(calc, 'greet', { name: 'Bo' })).toBe('Hello, Bo!')
    } finally {
      await calc.close?.()
    }
  })

  it('rejects with a transient ToolError when the server cannot be reached', async () => {
    const error = await mcpTools({ url: 'http://127.0.0.1:9/mcp' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
    expect(error).toBeInstanceOf(ToolError)
    expect((error as ToolError).code).toBe('transient')
  })

  it('fails calls after close without touching the server', async () => {
    const calc = await mcpTools({ url, headers: { authorization: 'Bearer mcp-secret' } })
    await calc.close?.()
    const error = await failure(call(calc, 'add', { a: 1, b: 2 }))
    expect(error.code).toBe('tool_error')
    expect(error.recoverable).toBe(false)
  })
})

describe('mcpTools with the published filesystem server', () => {
  let dir: string
  let files: Tool
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inboard-mcp-'))
    await writeFile(join(dir, 'notes.txt'), 'buy milk\n')
    const entry = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js')
    files = await mcpTools({ command: process.execPath, args: [entry, dir] }, { name: 'files' })
  })
  afterAll(async () => {
    await files.close?.()
    await rm(dir, { recursive: true, force: true })
  })

  it('reads and writes files through the server tools', async () => {
    expect(Object.keys(files.capabilities)).toEqual(
      expect.arrayContaining(['read_text_file', 'write_file', 'list_directory']),
    )
    expect(files.capabilities.read_text_file?.sideEffects).toBe(false)
    const read = await call(files, 'read_text_file', { path: join(dir, 'notes.txt') })
    expect(JSON.stringify(read)).toContain('buy milk')
    await call(files, 'write_file', { path: join(dir, 'todo.txt'), content: 'call mum' })
    expect(JSON.stringify(await call(files, 'list_directory', { path: dir }))).toContain('todo.txt')
  })

  it('reports a path outside the allowed directory as upstream_error', async () => {
    const error = await failure(call(files, 'read_text_file', { path: '/etc/hostname' }))
    expect(error.code).toBe('upstream_error')
  })
})
