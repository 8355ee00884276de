import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { responseToToolError } from '../../http/response-error.js'
import type { ToolContext } from '../../tool-context.js'
import { ToolError } from '../../tool-error.js'
import type { DestinationPolicy } from './destination-policy.js'
import { guardedLookup } from './guarded-lookup.js'
import type { Resolver } from './guarded-lookup.js'
import { sendHop } from './send-hop.js'
import type { Hop, HopResponse } from './send-hop.js'

/** What a request capability returns. */
export interface HttpToolResponse {
  status: number
  /** The URL that answered, after redirects. */
  url: string
  headers: Record<string, string>
  /** Parsed JSON, text, null for an empty body, or base64 for binary content (see `body_encoding`). */
  body: unknown
  body_encoding?: 'base64'
}

export interface GuardedClientSettings {
  readonly policy: DestinationPolicy
  readonly resolve: Resolver
  readonly maxBytes: number
  readonly timeoutMs: number
  readonly maxRedirects: number
  /** Names (lower-case) of the tool's configured headers; none of them follows a redirect to another origin. */
  readonly configuredHeaders?: readonly string[]
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization']
const NETWORK_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * Sends requests only where a {@link DestinationPolicy} allows: URLs are checked before sending,
 * hostnames at connect time through a vetting `lookup`, and every redirect hop again before it is
 * followed. Its own keep-alive agents mean no socket opened elsewhere in the process is reused.
 */
export class GuardedClient {
  readonly #settings: GuardedClientSettings
  readonly #agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) }

  constructor(settings: GuardedClientSettings) {
    this.#settings = settings
  }

  async send(first: Hop, ctx: ToolContext): Promise<HttpToolResponse> {
    const { policy, maxRedirects, timeoutMs } = this.#settings
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)])
    let hop = first
    for (let redirects = 0; ; redirects += 1) {
      policy.checkUrl(hop.url)
      const response = await this.#exchange(hop, signal, ctx)
      const location = response.headers.get('location')
      if (!REDIRECTS.has(response.status) || location === null) return finish(hop, response)
      if (redirects >= maxRedirects) {
        throw new ToolError('upstream_error', `${first.url.origin} redirected more than ${maxRedirects} times`, {
          recoverable: false,
          details: {
            method: first.method,
            url: first.url.toString(),
            last_url: hop.url.toString(),
            max_redirects: maxRedirects,
          },
        })
      }
      const next = redirected(hop, { status: response.status, location }, this.#settings.configuredHeaders ?? [])
      ctx.note(`Redirect ${response.status} from ${hop.url.toString()} to ${next.url.toString()}`)
      hop = next
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agents.http.destroy()
    this.#agents.https.destroy()
  }

  async #exchange(hop: Hop, signal: AbortSignal, ctx: ToolContext): Promise<HopResponse> {
    let refused: ToolError | undefined
    const lookup = guardedLookup(
      this.#settings.resolve,
      (address) => this.#settings.policy.refusalFor(address, hop.url),
      (refusal) => {
        refused = refusal
      },
    )
    try {
      return await sendHop(hop, { agents: this.#agents, lookup, maxBytes: this.#settings.maxBytes, signal })
    } catch (error) {
      if (refused !== undefined) throw refused
      if (error instanceof ToolError) throw error
      // Cancellation keeps its own identity, as in the other adapters; our own deadline is a timeout.
      if (ctx.signal.aborted) throw ctx.signal.reason
      if (signal.aborted) {
        throw new ToolError(
          'timeout',
          `${hop.method} ${hop.url.origin} did not answer within ${this.#settings.timeoutMs} ms`,
          {
            cause: error,
            details: { method: hop.method, url: hop.url.toString(), timeout_ms: this.#settings.timeoutMs },
          },
        )
      }
      throw networkError(error, hop)
    }
  }
}

function networkError(error: unknown, hop: Hop): ToolError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const reason = error instanceof Error ? error.message : String(error)
  const details = { method: hop.method, url: hop.url.toString(), ...(code === undefined ? {} : { error_code: code }) }
  if (code === 'ENOTFOUND') {
    return new ToolError('not_found', `${hop.url.hostname} does not resolve`, {
      cause: error,
      recoverable: false,
      details,
    })
  }
  return new ToolError(
    code === undefined || NETWORK_TRANSIENT.has(code) ? 'transient' : 'upstream_error',
    `Could not reach ${hop.url.origin}: ${reason}`,
    { cause: error, details },
  )
}

/**
 * The next hop of a redirect, as fetch would make it: 303, and 301/302 after POST, become GET without a
 * body. On a change of origin, credentials and every header from the tool's configured `headers` (which
 * may carry an API key) are dropped.
 */
function redirected(
  hop: Hop,
  redirect: { status: number; location: string },
  configuredHeaders: readonly string[],
): Hop {
  const { status, location } = redirect
  let url: URL
  try {
    url = new URL(location, hop.url)
  } catch (error) {
    throw new ToolError('upstream_error', `${hop.url.origin} redirected to an invalid URL`, {
      cause: error,
      recoverable: false,
      details: { location },
    })
  }
  const toGet = status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST'
  const headers: Record<string, string> = { ...hop.headers }
  if (toGet) {
    delete headers['content-type']
    delete headers['content-length']
  }
  if (url.origin !== hop.url.origin)
    for (const name of [...CREDENTIAL_HEADERS, ...configuredHeaders]) delete headers[name]
  return { url, method: toGet ? 'GET' : hop.method, headers, body: toGet ? undefined : hop.body }
}

async function finish(hop: Hop, response: HopResponse): Promise<HttpToolResponse> {
  if (response.status >= 400) {
    const replay = new Response(response.body.length === 0 ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: response.headers,
    })
    throw await responseToToolError(replay, {
      method: hop.method,
      url: hop.url.toString(),
      tokenSent: 'authorization' in hop.headers,
    })
  }
  const headers = Object.fromEntries(response.headers.entries())
  const base = { status: response.status, url: hop.url.toString(), headers }
  if (response.body.length === 0) return { ...base, body: null }
  const type = response.headers.get('content-type') ?? ''
  if (/[/+]json\b/i.test(type)) {
    const text = response.body.toString('utf8')
    try {
      return { ...base, body: JSON.parse(text) as unknown }
    } catch (error) {
      throw new ToolError('upstream_error', `${hop.method} ${hop.url.toString()} answered malformed JSON`, {
        cause: error,
        recoverable: false,
        details: { status: response.status, body: text.slice(0, 2_000) },
      })
    }
  }
  if (type === '' || /^text\/|[/+](xml|javascript|x-www-form-urlencoded)\b/i.test(type))
    return { ...base, body: response.body.toString('utf8') }
  return { ...base, body: response.body.toString('base64'), body_encoding: 'base64' }
}
