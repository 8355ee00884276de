import { ToolError } from '../tool-error.js'
import type { AppliedAuth, HttpAuth } from './http-auth.js'
import type { Pagination } from './pagination.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

/** Where one input field goes on the wire. */
export interface HttpParameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header' | 'body'
}

/** One HTTP call as the adapters describe it; custom-tool JSON and OpenAPI both compile to this. */
export interface HttpOperation {
  /** The tool name: the service credentials are looked up for. */
  readonly service: string
  readonly baseUrl: string
  readonly method: HttpMethod
  /** Path template relative to the base URL, with `{param}` placeholders. */
  readonly path: string
  readonly parameters: readonly HttpParameter[]
  /** When set, this input field is the whole request body instead of the `body` parameters. */
  readonly bodyField?: string
  /** @default 'json' */
  readonly bodyEncoding?: 'json' | 'form'
  /** How to authenticate; a list is alternatives, the first one with a credential wins. */
  readonly auth: HttpAuth | readonly HttpAuth[]
  readonly pagination?: Pagination
}

/** A request ready for fetch, plus its URL with secrets hidden for errors and notes. */
export interface BuiltRequest {
  readonly url: URL
  readonly init: RequestInit & { method: string; headers: Record<string, string> }
  readonly redactedUrl: string
}

/** Builds the request for `input`: templated path, query string, headers and body. */
export function buildRequest(
  operation: HttpOperation,
  input: Readonly<Record<string, unknown>>,
  auth: AppliedAuth,
): BuiltRequest {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = input[name]
    if (value === undefined || value === null || value === '') {
      throw new ToolError('invalid_input', `Path parameter "${name}" is required`, { recoverable: false })
    }
    return encodeURIComponent(scalar(value))
  })
  const url = new URL(operation.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`))
  const headers: Record<string, string> = { accept: 'application/json' }
  const body: Record<string, unknown> = {}
  let hasBody = false
  for (const parameter of operation.parameters) {
    const value = input[parameter.name]
    if (value === undefined) continue
    if (parameter.in === 'query') appendQuery(url.searchParams, parameter.name, value)
    else if (parameter.in === 'header') headers[parameter.name.toLowerCase()] = scalar(value)
    else if (parameter.in === 'body') {
      body[parameter.name] = value
      hasBody = true
    }
  }
  for (const [name, value] of Object.entries(auth.query)) url.searchParams.set(name, value)
  for (const [name, value] of Object.entries(auth.headers)) headers[name.toLowerCase()] = value

  const init: BuiltRequest['init'] = { method: operation.method, headers }
  const payload = operation.bodyField === undefined ? (hasBody ? body : undefined) : input[operation.bodyField]
  if (payload !== undefined && operation.method !== 'GET' && operation.method !== 'HEAD') {
    if (operation.bodyEncoding === 'form') {
      const form = new URLSearchParams()
      for (const [name, value] of Object.entries(payload as Record<string, unknown>)) appendQuery(form, name, value)
      headers['content-type'] = 'application/x-www-form-urlencoded'
      init.body = form.toString()
    } else {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(payload)
    }
  }
  return { url, init, redactedUrl: redact(url, Object.keys(auth.query)) }
}

/** The URL with the named query parameters (API keys) replaced by `***`. */
export function redact(url: URL, secretParams: readonly string[]): string {
  if (secretParams.length === 0) return url.toString()
  const copy = new URL(url)
  for (const name of secretParams) if (copy.searchParams.has(name)) copy.searchParams.set(name, '***')
  return copy.toString()
}

function appendQuery(params: URLSearchParams, name: string, value: unknown): void {
  if (Array.isArray(value)) for (const item of value) params.append(name, scalar(item))
  else params.append(name, scalar(value))
}

function scalar(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}
