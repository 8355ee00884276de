import { describe, expect, it } from 'vitest'
import { bullmqQueue } from '@inboard/bullmq'
import { createRuntime, InboardError as CoreInboardError, memoryStorage } from '@inboard/core'
import { createHandler } from '@inboard/http'
import { createNodeServer } from '@inboard/http/node'
import { postgresStorage } from '@inboard/postgres'
import { sqliteStorage } from '@inboard/sqlite'
import {
  defineTool,
  httpTool,
  InboardError,
  jsonSchemaToZod,
  ToolDefinitionError,
  toolFromDefinition,
} from '@inboard/tools'
import { z } from 'zod'

/** Runs `make` and returns what it threw, failing the test when it threw nothing. */
function thrownBy(make: () => unknown): unknown {
  try {
    make()
  } catch (error) {
    return error
  }
  throw new Error('expected a configuration error, but nothing was thrown')
}

/** A configuration mistake: the one error class, `invalid_request`, `param` naming the option. */
function expectConfigError(
  make: () => unknown,
  { param, message }: { param: string | undefined; message: RegExp },
): void {
  const error = thrownBy(make)
  expect(error).toBeInstanceOf(InboardError)
  expect(error).toMatchObject({ code: 'invalid_request', param })
  expect((error as Error).message).toMatch(message)
}

const input = z.object({})

describe('configuration mistakes', () => {
  it('throw the same InboardError class from @inboard/tools and @inboard/core', () => {
    expect(CoreInboardError).toBe(InboardError)
  })

  it('in @inboard/tools fail with invalid_request naming the option', () => {
    expectConfigError(() => httpTool({ allow: [] }), { param: 'allow', message: /at least one host/ })
    expectConfigError(() => httpTool({ allow: ['https://example.com/path'] }), { param: 'allow', message: /not a URL/ })
    expectConfigError(() => httpTool({ allow: ['api.*.example.com'] }), { param: 'allow', message: /wildcard/ })
    expectConfigError(() => httpTool({ allow: ['example.com'], allowPrivate: ['10.0.0.0/33'] }), {
      param: 'allowPrivate',
      message: /CIDR/,
    })
    expectConfigError(() => httpTool({ allow: ['example.com'], headers: { Host: 'internal' } }), {
      param: 'headers',
      message: /"host" header/,
    })
    expectConfigError(() => httpTool({ allow: ['example.com'], maxBytes: 0 }), {
      param: 'maxBytes',
      message: /positive number/,
    })
    expectConfigError(() => httpTool({ allow: ['example.com'], timeoutMs: Number.NaN }), {
      param: 'timeoutMs',
      message: /positive number/,
    })
    expectConfigError(() => httpTool({ allow: ['example.com'], maxRedirects: 1.5 }), {
      param: 'maxRedirects',
      message: /whole number/,
    })
    expectConfigError(
      () =>
        defineTool({
          name: 'Bad Name',
          description: '',
          capabilities: { a: { description: '', input, run: () => 1 } },
        }),
      { param: 'name', message: /must match/ },
    )
    expectConfigError(() => defineTool({ name: 'ok', description: '', capabilities: {} }), {
      param: 'capabilities',
      message: /no capabilities/,
    })
    expectConfigError(
      () => defineTool({ name: 'ok', description: '', capabilities: { a: { description: '', input } as never } }),
      { param: 'capabilities.a.run', message: /no run function/ },
    )
    expectConfigError(() => jsonSchemaToZod({ $ref: 'https://example.com/schema.json' }), {
      param: 'schema',
      message: /Only local \$refs/,
    })
    expectConfigError(() => jsonSchemaToZod({ $ref: '#/$defs/missing' }), {
      param: 'schema',
      message: /does not resolve/,
    })
    expectConfigError(() => jsonSchemaToZod({ type: 'object', properties: { a: 7 } }), {
      param: 'schema',
      message: /must be an object or a boolean/,
    })
  })

  it('in a tool description are a ToolDefinitionError, an InboardError that lists every bad field', () => {
    const error = thrownBy(() =>
      toolFromDefinition({ name: 'crm', description: 'CRM', base_url: 'not a url', capabilities: [] }),
    )
    expect(error).toBeInstanceOf(ToolDefinitionError)
    expect(error).toBeInstanceOf(InboardError)
    expect(error).toMatchObject({
      name: 'ToolDefinitionError',
      code: 'invalid_request',
      param: (error as ToolDefinitionError).issues[0]?.path,
    })
    expect((error as ToolDefinitionError).issues.length).toBeGreaterThan(0)
  })

  it('in @inboard/core, @inboard/http and the storage and queue packages fail the same way', async () => {
    expectConfigError(() => memoryStorage({ maxIdempotencyRecords: 0 }), {
      param: 'maxIdempotencyRecords',
      message: /positive integer/,
    })
    expectConfigError(() => sqliteStorage({ path: '' }), { param: 'path', message: /needs a path/ })
    expectConfigError(() => sqliteStorage({ path: 'unused.db', busyTimeoutMs: -1 }), {
      param: 'busyTimeoutMs',
      message: /non-negative integer/,
    })
    expectConfigError(() => postgresStorage({ connectionString: 'postgres://127.0.0.1:1/none', schema: 'Bad-Name' }), {
      param: 'schema',
      message: /lower-case Postgres identifier/,
    })
    expectConfigError(() => bullmqQueue({ connection: 'not a url' }), {
      param: 'connection',
      message: /Invalid Redis URL/,
    })
    expectConfigError(() => bullmqQueue({ connection: 'http://127.0.0.1:6379' }), {
      param: 'connection',
      message: /redis:\/\/ or rediss:\/\//,
    })
    const runtime = createRuntime()
    try {
      expectConfigError(() => createHandler(runtime, { prefix: 'api/' }), { param: 'prefix', message: /prefix/ })
      expectConfigError(
        () => createHandler(runtime, { webhooks: { url: 'https://hooks.example.com/', secret: 'not-a-secret' } }),
        { param: 'webhooks.secret', message: /whsec_/ },
      )
      const handler = createHandler(runtime)
      expectConfigError(() => createNodeServer(handler, { headersTimeoutMs: 0 }), {
        param: 'headersTimeoutMs',
        message: /positive integer/,
      })
      expectConfigError(() => createNodeServer(handler, { requestTimeoutMs: -1 }), {
        param: 'requestTimeoutMs',
        message: /non-negative integer/,
      })
    } finally {
      await runtime.close()
    }
  })
})
