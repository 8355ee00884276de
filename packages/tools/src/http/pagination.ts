import { isRecord } from '../json-schema/json-pointer.js'
import { nextLink } from './link-header.js'

interface PaginationBase {
  /** Most pages one call follows, the first included. */
  readonly maxPages: number
  /** Where the items are in an object body (dotted path); found by looking when omitted. */
  readonly itemsField?: string
}

/** How a paginated endpoint says there is more. */
export type Pagination =
  /** RFC 8288 `Link: <…>; rel="next"` headers. */
  | (PaginationBase & { readonly type: 'link' })
  /** A cursor in the body (`next_cursor`, optionally with `has_more`) sent back as a parameter. */
  | (PaginationBase & {
      readonly type: 'cursor'
      readonly cursorParam: string
      readonly cursorField: string
      readonly hasMoreField: string
    })
  /** `offset`/`limit` parameters; stops at a short or empty page. */
  | (PaginationBase & { readonly type: 'offset'; readonly offsetParam: string; readonly limitParam: string })

/** One fetched page. */
export interface Page {
  readonly body: unknown
  readonly url: URL
  readonly headers: Headers
}

/** How {@link paginate} fetches the next page: with changed input, or by following a URL. */
export interface PageFetcher {
  withInput(input: Readonly<Record<string, unknown>>): Promise<Page>
  /** Undefined when the URL may not be followed (another origin: credentials must not leak). */
  atUrl(url: URL): Promise<Page> | undefined
}

/** What pagination did, for the trace. */
export interface PaginationReport {
  pages: number
  items: number
  /** The page cap stopped it while the upstream still had more. */
  capped: boolean
}

/** A paginated operation's settings and the input of its first page. */
interface PagedRequest {
  pagination: Pagination
  input: Readonly<Record<string, unknown>>
}

const ITEM_FIELDS = ['data', 'items', 'results', 'records', 'entries']

/**
 * Follows pages after `first` up to `pagination.maxPages` and concatenates their item arrays. An
 * array body gives an array; an object body gives the last page's object with the items field
 * holding every item (so its cursor or `has_more` tells whether more remain).
 */
export async function paginate(
  request: PagedRequest,
  first: Page,
  fetcher: PageFetcher,
): Promise<{ result: unknown; report: PaginationReport }> {
  const { pagination, input } = request
  const field = pagination.itemsField ?? findItemsField(first.body)
  const itemsOf = (body: unknown): unknown[] | undefined => {
    if (Array.isArray(body)) return body as unknown[]
    const value = field === undefined ? undefined : getPath(body, field)
    return Array.isArray(value) ? (value as unknown[]) : undefined
  }
  const firstItems = itemsOf(first.body)
  if (firstItems === undefined) return { result: first.body, report: { pages: 1, items: 0, capped: false } }

  const items = [...firstItems]
  let page = first
  let pageItems = firstItems
  let pages = 1
  let offset = typeof input[offsetParamOf(pagination)] === 'number' ? Number(input[offsetParamOf(pagination)]) : 0
  let capped = false
  for (;;) {
    const next = nextRequest(request, { page, items: pageItems, offset })
    if (next === undefined) break
    if (pages >= pagination.maxPages) {
      capped = true
      break
    }
    const fetched = next.url ? fetcher.atUrl(next.url) : fetcher.withInput(next.input ?? input)
    if (fetched === undefined) break
    page = await fetched
    pageItems = itemsOf(page.body) ?? []
    offset += next.advance
    pages += 1
    items.push(...pageItems)
  }
  const result = Array.isArray(page.body) || field === undefined ? items : setPath(page.body, field, items)
  return { result, report: { pages, items: items.length, capped } }
}

function offsetParamOf(pagination: Pagination): string {
  return pagination.type === 'offset' ? pagination.offsetParam : ''
}

function nextRequest(
  request: PagedRequest,
  last: { page: Page; items: readonly unknown[]; offset: number },
): { url?: URL; input?: Record<string, unknown>; advance: number } | undefined {
  const { pagination, input } = request
  const { page, items: pageItems, offset } = last
  switch (pagination.type) {
    case 'link': {
      const url = nextLink(page.headers.get('link'), page.url.toString())
      return url === undefined ? undefined : { url, advance: 0 }
    }
    case 'cursor': {
      const cursor = getPath(page.body, pagination.cursorField)
      const hasMore = getPath(page.body, pagination.hasMoreField)
      if (hasMore === false || cursor === undefined || cursor === null || cursor === '') return undefined
      return { input: { ...input, [pagination.cursorParam]: cursor }, advance: 0 }
    }
    case 'offset': {
      const limit = input[pagination.limitParam]
      if (pageItems.length === 0 || (typeof limit === 'number' && pageItems.length < limit)) return undefined
      const nextOffset = offset + pageItems.length
      return { input: { ...input, [pagination.offsetParam]: nextOffset }, advance: pageItems.length }
    }
  }
}

function findItemsField(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  const named = ITEM_FIELDS.find((name) => Array.isArray(body[name]))
  if (named !== undefined) return named
  const arrays = Object.keys(body).filter((name) => Array.isArray(body[name]))
  return arrays.length === 1 ? arrays[0] : undefined
}

function getPath(body: unknown, path: string): unknown {
  let node = body
  for (const key of path.split('.')) {
    if (!isRecord(node)) return undefined
    node = node[key]
  }
  return node
}

function setPath(body: unknown, path: string, value: unknown): unknown {
  const [key, ...rest] = path.split('.')
  if (key === undefined || !isRecord(body)) return value
  return { ...body, [key]: rest.length === 0 ? value : setPath(body[key], rest.join('.'), value) }
}
