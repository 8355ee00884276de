import { z } from 'zod'
import { defineTool } from '../../define-tool.js'
import type { Tool } from '../../define-tool.js'
import type { ToolContext } from '../../tool-context.js'
import { ToolError } from '../../tool-error.js'
import { DestinationPolicy } from './destination-policy.js'
import { GuardedClient } from './guarded-client.js'
import type { HttpToolResponse } from './guarded-client.js'
import { systemResolver } from './guarded-lookup.js'
import type { Resolver } from './guarded-lookup.js'
import { invalidOption } from '../../invalid-option.js'

export type { HttpToolResponse } from './guarded-client.js'
export type { ResolvedAddress, Resolver } from './guarded-lookup.js'

/** Options of {@link httpTool}. */
export interface HttpToolOptions {
  /**
   * Hosts the tool may call: `api.example.com`, `*.example.com` (subdomains at any depth, not the
   * apex), IP literals, `*` for any host; each optionally with `:port` (without one, any port).
   */
  allow: readonly string[]
  /**
   * Private, loopback and reserved addresses are refused. `true` opens loopback, RFC 1918, CGNAT,
   * link-local, unique-local and benchmarking ranges; a list of CIDRs opens exactly those blocks
   * (the only way to reach metadata, documentation or other reserved addresses).
   * @default false
   */
  allowPrivate?: boolean | readonly string[]
  /** Largest response body read, in bytes. @default 1048576 (1 MiB) */
  maxBytes?: number
  /** Time for a whole call, redirects included, in milliseconds. @default 30000 */
  timeoutMs?: number
  /** Redirects followed per call, each one checked like the first request. @default 5 */
  maxRedirects?: number
  /**
   * Headers sent with every request (a `user-agent`, an API key); call headers override them. The
   * values of credential headers (names containing auth, key, token, secret, password, cookie,
   * session or signature) are the tool's `secrets`: the runtime keeps them out of what it emits.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>
  /** Tool name, so several HTTP tools with different allowlists can coexist. @default 'http' */
  name?: string
  /** What the tool is for, in words a planner matches prompts against. @default a sentence naming the allowed hosts */
  description?: string
  /** Resolves hostnames; every address it returns is vetted before connecting. @default the system resolver (dns.lookup) */
  resolve?: Resolver
}

const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
/** Set by the client itself; overriding `host` would reach other virtual hosts on an allowed address. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'upgrade',
  'keep-alive',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'accept-encoding',
])

const scalar = z.union([z.string(), z.number(), z.boolean()])
const urlField = z.url({ protocol: /^https?$/ }).describe('Absolute http(s) URL on an allowed host')
const headersField = z.record(z.string(), z.string()).optional().describe('Request headers')
const queryField = z
  .record(z.string(), z.union([scalar, z.array(scalar)]))
  .optional()
  .describe('Query parameters added to the URL')

/**
 * A generic HTTP tool restricted to an allowlist of hosts and protected against SSRF: it refuses
 * loopback, private, link-local, metadata and reserved addresses (IPv4 and IPv6, in every notation)
 * unless `allowPrivate` opens them, checks the addresses a hostname resolves to at connect time,
 * and re-checks every redirect hop. Requests go out through node:http(s), not `ctx.fetch`, because
 * the address check has to sit inside the connection.
 *
 * Capabilities: `get` (read-only) and `request` (any method, with `sideEffects`).
 *
 * @example
 * const github = httpTool({ name: 'github', allow: ['api.github.com'], headers: { 'user-agent': 'my-app' } })
 * const runtime = createRuntime({ tools: [github] })
 */
export function httpTool(options: HttpToolOptions): Tool {
  const policy = new DestinationPolicy(options.allow, options.allowPrivate ?? false)
  const defaults = checkedHeaders(options.headers ?? {}, { configured: true })
  const client = new GuardedClient({
    policy,
    resolve: options.resolve ?? systemResolver,
    maxBytes: positive(options.maxBytes, 1_048_576, 'maxBytes'),
    timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
    maxRedirects: redirectLimit(options.maxRedirects),
    configuredHeaders: Object.keys(defaults),
  })
  const hosts = policy.allowlist.entries
  const call = async (method: string, input: CallInput, ctx: ToolContext): Promise<HttpToolResponse> =>
    client.send(hop(method, input, defaults), ctx)
  const get = (input: CallInput, ctx: ToolContext): Promise<HttpToolResponse> => call('GET', input, ctx)
  return defineTool({
    name: options.name ?? 'http',
    description: options.description ?? `HTTP requests to ${hosts.join(', ')}`,
    tags: ['http', 'api', 'request', 'url', ...hosts.filter((host) => host !== '*')],
    secrets: configuredSecrets(defaults),
    capabilities: {
      get: {
        description: 'Fetch a URL with GET and return its status, headers and body',
        input: z.object({ url: urlField, headers: headersField, query: queryField }),
        run: get,
        sandbox: get,
      },
      request: {
        description:
          'Send an HTTP request (GET, POST, PUT, PATCH, DELETE…) with optional headers, query and JSON or text body',
        input: z.object({
          method: z.enum(METHODS).default('GET'),
          url: urlField,
          headers: headersField,
          query: queryField,
          body: z.unknown().optional().describe('JSON value, or a string sent as is'),
        }),
        sideEffects: true,
        run: (input, ctx) => call(input.method, input, ctx),
      },
    },
    close: async () => client.close(),
  })
}

interface CallInput {
  url: string
  headers?: Record<string, string> | undefined
  query?: Record<string, unknown> | undefined
  body?: unknown
}

function hop(method: string, input: CallInput, defaults: Record<string, string>): Parameters<GuardedClient['send']>[0] {
  let target: URL
  try {
    target = new URL(input.url)
  } catch (error) {
    throw new ToolError('invalid_input', `"${input.url}" is not an absolute URL`, { cause: error, recoverable: false })
  }
  for (const [name, value] of Object.entries(input.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) target.searchParams.append(name, String(item))
  }
  const headers: Record<string, string> = {
    accept: 'application/json, text/*;q=0.9, */*;q=0.5',
    ...defaults,
    ...checkedHeaders(input.headers ?? {}, { configured: false }),
    'accept-encoding': 'identity',
  }
  if (input.body === undefined) return { url: target, method, headers, body: undefined }
  if (method === 'GET' || method === 'HEAD')
    throw new ToolError('invalid_input', `A ${method} request cannot carry a body`, { recoverable: false })
  const text = typeof input.body === 'string' ? input.body : JSON.stringify(input.body)
  headers['content-type'] ??= typeof input.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'
  return { url: target, method, headers, body: Buffer.from(text, 'utf8') }
}

/** Lower-cased headers; reserved ones are a configuration error (`configured`: the tool's options) or an input error. */
function checkedHeaders(
  given: Readonly<Record<string, string>>,
  { configured }: { configured: boolean },
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase()
    if (RESERVED_HEADERS.has(lower)) {
      const message = `The "${lower}" header is set by the HTTP tool and cannot be given`
      throw configured
        ? invalidOption('headers', `httpTool: ${message}`)
        : new ToolError('invalid_input', message, { recoverable: false })
    }
    headers[lower] = value
  }
  return headers
}

/** Header names whose configured values are credentials. */
const SECRET_HEADER = /auth|key|token|secret|password|cookie|session|signature/i

/**
 * The credentials among the configured headers (`authorization`, `x-api-key`…), declared as the
 * tool's secrets: the value, the part after a scheme (`Bearer …`), and a Basic password.
 */
function configuredSecrets(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name)) continue
    secrets.push(value)
    const scheme = /^([A-Za-z][\w-]*)\s+(\S.*)$/.exec(value)
    if (scheme === null) continue
    const credentials = scheme[2]!
    secrets.push(credentials)
    if (scheme[1]!.toLowerCase() !== 'basic') continue
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon >= 0) secrets.push(decoded.slice(colon + 1))
  }
  return secrets
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0)
    throw invalidOption(name, `httpTool: \`${name}\` must be a positive number`)
  return value
}

function redirectLimit(value: number | undefined): number {
  if (value === undefined) return 5
  if (!Number.isInteger(value) || value < 0)
    throw invalidOption('maxRedirects', 'httpTool: `maxRedirects` must be a whole number, 0 or more')
  return value
}
