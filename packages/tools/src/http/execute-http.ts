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
export async function executeHttp(
  operation: HttpOperation,
  input: Readonly<Record<string, unknown>>,
  ctx: ToolContext,
): Promise<unknown> {
  const auth = await applyAuth(operation.auth, operation.service, ctx)
  const first = buildRequest(operation, input, auth)
  const firstPage = await send(first, auth, ctx)
  if (operation.pagination === undefined) return firstPage.body
  const { result, report } = await paginate({ pagination: operation.pagination, input }, firstPage, {
    withInput: (next) => send(buildRequest(operation, next, auth), auth, ctx),
    atUrl: (url) => {
      if (url.origin !== first.url.origin) return undefined
      for (const [name, value] of Object.entries(auth.query)) url.searchParams.set(name, value)
      return send({ url, init: first.init, redactedUrl: redact(url, Object.keys(auth.query)) }, auth, ctx)
    },
  })
  if (report.pages > 1 || report.capped) {
    ctx.note(
      `Followed ${report.pages} page${report.pages === 1 ? '' : 's'} (${report.items} items)${report.capped ? `; stopped at the cap of ${operation.pagination.maxPages} pages with more available` : ''}`,
    )
  }
  return result
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
/** Redirect hops followed on one origin before the call fails. */
const MAX_REDIRECTS = 5

/**
 * Sends one request. Redirects are followed by hand, and only while the origin stays the same: the
 * request carries credentials (an Authorization header, an API key in any header or the query), and
 * fetch would forward all but Authorization to another origin. A cross-origin redirect fails.
 */
async function send(request: BuiltRequest, auth: AppliedAuth, ctx: ToolContext): Promise<Page> {
  let current = request
  for (let redirects = 0; ; redirects += 1) {
    const response = await exchange(current, ctx)
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null) {
      if (!response.ok) {
        throw await responseToToolError(response, {
          method: current.init.method,
          url: current.redactedUrl,
          tokenSent: auth.sent,
        })
      }
      return { body: await readBody(response, current), url: new URL(current.url), headers: response.headers }
    }
    await response.body?.cancel().catch(() => undefined)
    current = nextHop(current, { status: response.status, location, count: redirects }, auth)
  }
}

async function exchange(request: BuiltRequest, ctx: ToolContext): Promise<Response> {
  const fetchImpl = ctx.fetch ?? globalThis.fetch
  try {
    return await fetchImpl(request.url, { ...request.init, redirect: 'manual', signal: ctx.signal })
  } catch (error) {
    // Cancellation and timeouts keep their own identity; everything else is the network failing.
    if (ctx.signal.aborted) throw error
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    throw new ToolError('transient', `Could not reach ${request.url.origin}: ${reason}`, {
      cause: error,
      details: { method: request.init.method, url: request.redactedUrl },
    })
  }
}

/** The next hop of a same-origin redirect, as fetch would make it: 303, and 301/302 after POST, become GET without a body. */
function nextHop(
  hop: BuiltRequest,
  redirect: { status: number; location: string; count: number },
  auth: AppliedAuth,
): BuiltRequest {
  const { status, location, count: redirects } = redirect
  const details = { method: hop.init.method, url: hop.redactedUrl, status }
  let url: URL
  try {
    url = new URL(location, hop.url)
  } catch (error) {
    throw new ToolError('upstream_error', `${hop.init.method} ${hop.redactedUrl} redirected to an invalid URL`, {
      cause: error,
      recoverable: false,
      details,
    })
  }
  if (url.origin !== hop.url.origin) {
    throw new ToolError(
      'upstream_error',
      `${hop.init.method} ${hop.redactedUrl} redirected to another origin (${url.origin}); not followed, so credentials are not sent there`,
      {
        recoverable: false,
        details: { ...details, redirect_origin: url.origin },
      },
    )
  }
  if (redirects >= MAX_REDIRECTS) {
    throw new ToolError('upstream_error', `${hop.url.origin} redirected more than ${MAX_REDIRECTS} times`, {
      recoverable: false,
      details: { ...details, max_redirects: MAX_REDIRECTS },
    })
  }
  const method = hop.init.method.toUpperCase()
  const toGet = status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
  const redactedUrl = redact(url, Object.keys(auth.query))
  if (!toGet) return { url, init: hop.init, redactedUrl }
  const headers = { ...hop.init.headers }
  delete headers['content-type']
  delete headers['content-length']
  const init: BuiltRequest['init'] = { ...hop.init, method: 'GET', headers }
  delete init.body
  return { url, init, redactedUrl }
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
