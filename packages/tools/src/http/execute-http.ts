import type { ToolContext } from '../tool-context.js'
import { ToolError } from '../tool-error.js'
import { applyAuth } from './http-auth.js'
import type { AppliedAuth } from './http-auth.js'
import { buildRequest, redact } from './http-operation.js'
import type { BuiltRequest, HttpOperation } from './http-operation.js'
import { paginate } from './pagination.js'
import type { Page } from './pagination.js'
import { responseToToolError } from './response-error.js'

/**
 * Runs one HTTP operation for a capability call: authenticates, sends through `ctx.fetch` (or global
 * `fetch`) with `ctx.signal`, maps failures to ToolErrors, and follows pages when the operation
 * paginates. Returns the parsed JSON body (text for non-JSON, null for an empty body).
 */
export async function executeHttp(operation: HttpOperation, input: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<unknown> {
  const auth = await applyAuth(operation.auth, operation.service, ctx)
  const first = buildRequest(operation, input, auth)
  const firstPage = await send(first, auth, ctx)
  if (operation.pagination === undefined) return firstPage.body
  const { result, report } = await paginate(operation.pagination, input, firstPage, {
    withInput: (next) => send(buildRequest(operation, next, auth), auth, ctx),
    atUrl: (url) => {
      if (url.origin !== first.url.origin) return undefined
      for (const [name, value] of Object.entries(auth.query)) url.searchParams.set(name, value)
      return send({ url, init: first.init, redactedUrl: redact(url, Object.keys(auth.query)) }, auth, ctx)
    },
  })
  if (report.pages > 1 || report.capped) {
    ctx.note(`Followed ${report.pages} page${report.pages === 1 ? '' : 's'} (${report.items} items)${report.capped ? `; stopped at the cap of ${operation.pagination.maxPages} pages with more available` : ''}`)
  }
  return result
}

async function send(request: BuiltRequest, auth: AppliedAuth, ctx: ToolContext): Promise<Page> {
  const fetchImpl = ctx.fetch ?? globalThis.fetch
  let response: Response
  try {
    response = await fetchImpl(request.url, { ...request.init, signal: ctx.signal })
  } catch (error) {
    // Cancellation and timeouts keep their own identity; everything else is the network failing.
    if (ctx.signal.aborted) throw error
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    throw new ToolError('transient', `Could not reach ${request.url.origin}: ${reason}`, {
      cause: error,
      details: { method: request.init.method, url: request.redactedUrl },
    })
  }
  if (!response.ok) {
    throw await responseToToolError(response, { method: request.init.method, url: request.redactedUrl, tokenSent: auth.sent })
  }
  return { body: await readBody(response, request), url: new URL(response.url || request.url), headers: response.headers }
}

async function readBody(response: Response, request: BuiltRequest): Promise<unknown> {
  const text = await response.text()
  if (text.trim() === '') return null
  const type = response.headers.get('content-type') ?? ''
  if (!/[/+]json\b/i.test(type)) return text
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ToolError('upstream_error', `${request.init.method} ${request.redactedUrl} answered malformed JSON`, {
      cause: error,
      recoverable: false,
      details: { status: response.status, body: text.slice(0, 2_000) },
    })
  }
}
