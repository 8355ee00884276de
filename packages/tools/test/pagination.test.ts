import { afterEach, describe, expect, it } from 'vitest'
import { toolFromDefinition } from '@inboard/tools'
import type { Tool } from '@inboard/tools'
import { sendJson, startServer } from './support/http-server.js'
import type { TestServer } from './support/http-server.js'
import { testContext } from './support/tool-context.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const CONTACTS = Array.from({ length: 23 }, (_, index) => ({ id: index + 1 }))

function lister(
  baseUrl: string,
  pagination: Record<string, unknown>,
  options: { parameters?: Record<string, unknown>; maxPages?: number } = {},
): Tool {
  const { parameters = {} } = options
  return toolFromDefinition(
    {
      name: 'crm',
      description: 'CRM',
      version: '1.0.0',
      base_url: baseUrl,
      capabilities: [
        { name: 'list_contacts', description: 'List contacts', path: '/contacts', parameters, pagination },
      ],
    },
    options,
  )
}

async function list(tool: Tool, input: Record<string, unknown>, ctx = testContext()): Promise<unknown> {
  const spec = tool.capabilities.list_contacts
  if (!spec) throw new Error('missing capability')
  return spec.run(spec.input.parse(input), ctx)
}

describe('pagination', () => {
  it('follows Link rel="next" headers and concatenates array pages', async () => {
    server = await startServer((request, response) => {
      const page = Number(request.url.searchParams.get('page') ?? '1')
      const perPage = Number(request.url.searchParams.get('per_page') ?? '10')
      const items = CONTACTS.slice((page - 1) * perPage, page * perPage)
      const hasNext = page * perPage < CONTACTS.length
      const link = hasNext
        ? `</contacts?page=${page + 1}&per_page=${perPage}>; rel="next", </contacts?page=1>; rel="first"`
        : '</contacts?page=1>; rel="first"'
      sendJson(response, 200, { body: items, headers: { link } })
    })
    const ctx = testContext()
    const result = await list(lister(server.url, { type: 'link', page_size_param: 'per_page' }), { per_page: 10 }, ctx)
    expect(result).toEqual(CONTACTS)
    expect(server.requests.map((request) => request.url.search)).toEqual([
      '?per_page=10',
      '?page=2&per_page=10',
      '?page=3&per_page=10',
    ])
    expect(ctx.notes).toEqual(['Followed 3 pages (23 items)'])
  })

  it('exposes the page size as an input the runtime can tune', () => {
    const tool = lister('https://crm.example.com', { type: 'cursor', page_size_param: 'limit' })
    expect(tool.capabilities.list_contacts?.input.parse({ limit: 50 })).toEqual({ limit: 50 })
    expect(tool.capabilities.list_contacts?.input.safeParse({ limit: -1 }).success).toBe(false)
  })

  it('follows next_cursor while has_more is true and keeps the last page envelope', async () => {
    server = await startServer((request, response) => {
      const start = Number(request.url.searchParams.get('cursor') ?? '0')
      const limit = Number(request.url.searchParams.get('limit'))
      const end = start + limit
      const hasMore = end < CONTACTS.length
      sendJson(response, 200, {
        body: {
          data: CONTACTS.slice(start, end),
          has_more: hasMore,
          next_cursor: hasMore ? String(end) : null,
          object: 'list',
        },
      })
    })
    const result = await list(lister(server.url, { type: 'cursor', page_size_param: 'limit' }), { limit: 10 })
    expect(result).toEqual({ data: CONTACTS, has_more: false, next_cursor: null, object: 'list' })
    expect(server.requests.map((request) => request.url.searchParams.get('cursor'))).toEqual([null, '10', '20'])
  })

  it('walks offset and limit until a short page', async () => {
    server = await startServer((request, response) => {
      const offset = Number(request.url.searchParams.get('offset') ?? '0')
      const limit = Number(request.url.searchParams.get('limit'))
      sendJson(response, 200, { body: { results: CONTACTS.slice(offset, offset + limit), total: CONTACTS.length } })
    })
    const result = await list(
      lister(server.url, { type: 'offset' }, { parameters: { limit: { type: 'number', default: 8 } } }),
      {},
    )
    expect(result).toEqual({ results: CONTACTS, total: 23 })
    expect(server.requests.map((request) => request.url.searchParams.get('offset'))).toEqual([null, '8', '16'])
  })

  it('stops at the page cap and says so in a trace note', async () => {
    server = await startServer((request, response) => {
      const start = Number(request.url.searchParams.get('cursor') ?? '0')
      sendJson(response, 200, {
        body: { items: CONTACTS.slice(start, start + 5), has_more: true, next_cursor: String(start + 5) },
      })
    })
    const ctx = testContext()
    const result = await list(lister(server.url, { type: 'cursor' }, { maxPages: 2 }), {}, ctx)
    expect(result).toEqual({ items: CONTACTS.slice(0, 10), has_more: true, next_cursor: '10' })
    expect(server.requests).toHaveLength(2)
    expect(ctx.notes[0]).toContain('cap of 2 pages')
  })

  it('lets a capability set its own page cap that wins over the option', async () => {
    server = await startServer((request, response) => {
      const start = Number(request.url.searchParams.get('cursor') ?? '0')
      sendJson(response, 200, { body: { items: CONTACTS.slice(start, start + 5), next_cursor: String(start + 5) } })
    })
    await list(lister(server.url, { type: 'cursor', max_pages: 3 }, { maxPages: 1 }), {})
    expect(server.requests).toHaveLength(3)
  })

  it('does not follow a next link to another origin', async () => {
    server = await startServer((_request, response) =>
      sendJson(response, 200, {
        body: [{ id: 1 }],
        headers: { link: '<https://elsewhere.example.com/contacts?page=2>; rel="next"' },
      }),
    )
    const result = await list(lister(server.url, { type: 'link' }), {})
    expect(result).toEqual([{ id: 1 }])
    expect(server.requests).toHaveLength(1)
  })
})
