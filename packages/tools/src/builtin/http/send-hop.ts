import { request as httpRequest } from 'node:http'
import type { Agent as HttpAgent, IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Agent as HttpsAgent } from 'node:https'
import type { LookupFunction } from 'node:net'
import { ToolError } from '../../tool-error.js'
import { normalizeHost } from './host-allowlist.js'

/** One request on the wire; redirects are separate hops. */
export interface Hop {
  readonly url: URL
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer | undefined
}

/** What came back, its body read in full (within the size cap). */
export interface HopResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
}

export interface HopSettings {
  readonly agents: { readonly http: HttpAgent; readonly https: HttpsAgent }
  /** Resolves and vets hostnames at connect time. */
  readonly lookup: LookupFunction
  readonly maxBytes: number
  readonly signal: AbortSignal
}

/**
 * Sends one request with node:http(s), never following redirects, and reads the body up to
 * `maxBytes`: a larger declared or streamed body aborts the exchange with `upstream_error`.
 */
export function sendHop(hop: Hop, settings: HopSettings): Promise<HopResponse> {
  return new Promise((resolve, reject) => {
    const secure = hop.url.protocol === 'https:'
    const send = secure ? httpsRequest : httpRequest
    const request = send(
      {
        protocol: hop.url.protocol,
        hostname: normalizeHost(hop.url.hostname),
        port: hop.url.port === '' ? undefined : Number(hop.url.port),
        path: `${hop.url.pathname}${hop.url.search}`,
        method: hop.method,
        headers: hop.headers,
        agent: secure ? settings.agents.https : settings.agents.http,
        lookup: settings.lookup,
        signal: settings.signal,
      },
      (response) => {
        const tooLarge = (): void => {
          request.destroy()
          reject(
            new ToolError(
              'upstream_error',
              `The response from ${hop.url.origin} is larger than ${settings.maxBytes} bytes`,
              {
                recoverable: false,
                details: {
                  status: response.statusCode,
                  method: hop.method,
                  url: hop.url.toString(),
                  max_bytes: settings.maxBytes,
                },
                suggestion: "Request a smaller resource (a page, a range, a filter) or raise the tool's `maxBytes`.",
              },
            ),
          )
        }
        if (Number(response.headers['content-length'] ?? 0) > settings.maxBytes) return tooLarge()
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > settings.maxBytes) tooLarge()
          else chunks.push(chunk)
        })
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: toHeaders(response.headers),
            body: Buffer.concat(chunks),
          }),
        )
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(hop.body)
  })
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  return headers
}
