import { InboardError, type Clock, type Runtime } from '@inboard/core'
import { Hono } from 'hono'
import { z } from 'zod'
import { DASHBOARD_PATH, serveDashboard } from './dashboard/serve-dashboard.js'
import { errorOf, errorResponse } from './errors/error-response.js'
import { EventHub } from './events/event-hub.js'
import { resolveEventStreamOptions } from './events/events-options.js'
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PREFIX,
  DEFAULT_REQUESTS_PER_MINUTE,
  type HandlerOptions,
} from './handler-options.js'
import type { ApiKeyOption } from './keys/api-key.js'
import { KeyRegistry, type Caller } from './keys/key-registry.js'
import { AuthFailureThrottle } from './limits/auth-failure-throttle.js'
import { RateLimiter } from './limits/rate-limiter.js'
import { createOpenApiDocument } from './openapi/openapi-document.js'
import { jsonResponse } from './request/json-response.js'
import { reply, type Reply } from './request/reply.js'
import { oauthCallback } from './routes/oauth-callback.js'
import type { RouteContext, RouteHandler } from './routes/route-context.js'
import { ROUTE_SPECS, type OperationId, type RouteSpec } from './routes/route-specs.js'
import { eventRoutes } from './routes/event-routes.js'
import { memoryRoutes } from './routes/memory-routes.js'
import { subagentRoutes } from './routes/subagent-routes.js'
import { taskRoutes } from './routes/task-routes.js'
import { withWait } from './wait/with-wait.js'
import { webhookUrlProblem } from './webhooks/address-guard.js'
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js'
import { isWebhookSecret } from './webhooks/webhook-signature.js'

/**
 * Who sent a request, as the mount knows it: `clientAddress`, or the Node request that
 * `@hono/node-server` passes as `incoming` (the built-in mounts hand it over).
 */
export interface HandlerConnection {
  clientAddress?: string | undefined
  incoming?: { socket?: { remoteAddress?: string | undefined } | undefined } | undefined
}

/** A web-standard fetch handler serving the REST API, plus key management and shutdown. */
export interface InboardHandler {
  (request: Request, connection?: HandlerConnection): Promise<Response>
  /** The path prefix of every route, e.g. `/v1`. */
  readonly prefix: string
  /** The dashboard's path (`/dashboard`) when `dashboard: true`, else null. */
  readonly dashboard: string | null
  /** Accepts another API key from now on. */
  addKey(key: ApiKeyOption): void
  /** Refuses a key (given in the clear or as its SHA-256 digest) from the next request on. */
  revokeKey(keyOrDigest: string): boolean
  /** Resolves when no webhook is being sent right now (scheduled retries may remain). */
  webhooksIdle(): Promise<void>
  /** Closes open event streams and stops sending webhooks; undelivered ones stay in the outbox. */
  close(): Promise<void>
}

/**
 * Serves the Inboard REST API for `runtime` as a `(request: Request) => Promise<Response>`: mount it
 * on any server with `@inboard/http/node`, `/express`, `/fastify` or `/hono`, or call it directly.
 *
 * @example
 * const handler = createHandler(runtime, { keys: [{ key: process.env.INBOARD_API_KEY! }] })
 * http.createServer(createNodeListener(handler)).listen(8787)
 */
export function createHandler(runtime: Runtime, options: HandlerOptions = {}): InboardHandler {
  const prefix = options.prefix ?? DEFAULT_PREFIX
  if (!/^(?:\/[\w.~-]+)*$/.test(prefix))
    throw new InboardError('invalid_request', 'prefix must be empty or start with "/" and not end with "/"', {
      param: 'prefix',
    })
  const maxBodyBytes = positive(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes')
  const clock = options.clock ?? runtime.clock
  const onError = options.onError ?? ((error: unknown) => console.error('[inboard/http] unexpected error:', error))
  const keys = new KeyRegistry(options.keys ?? [], options.authenticate, onError)
  const limiter = new RateLimiter(
    clock,
    positive(options.rateLimit?.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, 'rateLimit.requestsPerMinute'),
  )
  const throttle = new AuthFailureThrottle(clock, {
    maxFailures: positive(options.authFailures?.maxFailures ?? 10, 'authFailures.maxFailures'),
    windowMs: positive(options.authFailures?.windowMs ?? 60_000, 'authFailures.windowMs'),
  })
  const addresses = new WeakMap<Request, string>()
  const webhooks = options.webhooks ? createDispatcher(runtime, options, { clock, onError }) : null
  let openapi: string | null = null
  const events = new EventHub(runtime, clock, resolveEventStreamOptions(options.events))

  const handlers: Record<OperationId, RouteHandler> = {
    ...subagentRoutes(runtime, maxBodyBytes),
    ...memoryRoutes(runtime),
    ...taskRoutes({
      runtime,
      clock,
      maxBodyBytes,
      idempotency: runtime.storage.idempotency,
      webhooks,
      allowPrivateWebhooks: options.webhooks?.allowPrivateAddresses ?? false,
    }),
    ...eventRoutes(runtime, events),
    oauthCallback: oauthCallback(runtime),
    getOpenApi: () => reply(200, (openapi ??= JSON.stringify(createOpenApiDocument(prefix)))),
  }

  handlers.createTask = withWait(runtime, clock, handlers.createTask)
  handlers.getTask = withWait(runtime, clock, handlers.getTask)

  const toResponse = (error: unknown, headers?: Record<string, string>): Response => {
    if (error instanceof InboardError) return errorResponse(error, headers)
    onError(error)
    return errorOf('internal_error', 'Something went wrong on our side; retry with backoff', headers)
  }

  const run = async (
    route: { spec: RouteSpec; handle: RouteHandler },
    request: Request,
    params: Record<string, string>,
  ): Promise<Response> => {
    const { spec, handle } = route
    let url: URL | undefined
    const context = (caller: Caller | null): RouteContext => ({
      request,
      params,
      caller,
      get url() {
        return (url ??= new URL(request.url))
      },
    })
    const respond = (answer: Reply, headers?: Record<string, string>): Response =>
      jsonResponse(answer.status, answer.body, {
        headers: answer.headers && headers ? { ...answer.headers, ...headers } : (answer.headers ?? headers),
        contentType: answer.contentType,
      })
    if (!spec.auth) {
      try {
        return respond(await handle(context(null)))
      } catch (error) {
        return toResponse(error)
      }
    }
    const address = addresses.get(request)
    const blocked = address === undefined ? null : throttle.blockedFor(address)
    if (blocked !== null) {
      return errorOf(
        'too_many_auth_failures',
        `Too many failed authentications from this address; retry after ${blocked} seconds`,
        { 'Retry-After': String(blocked) },
      )
    }
    let caller
    try {
      caller = await keys.authenticate(request.headers.get('authorization'))
    } catch (error) {
      // Guessing keys costs the guesser: unknown and revoked keys count against the address.
      if (address !== undefined && error instanceof InboardError && error.code === 'invalid_api_key')
        throttle.fail(address)
      return toResponse(error)
    }
    const limit = limiter.hit(caller.id, caller.requestsPerMinute)
    if (!limit.allowed)
      return errorOf(
        'rate_limit_exceeded',
        'Too many requests; retry after the number of seconds in Retry-After',
        limit.headers,
      )
    try {
      if (request.url.includes('?')) refuseUnknownQuery(context(caller).url, spec)
      return respond(await handle(context(caller)), limit.headers)
    } catch (error) {
      return toResponse(error, limit.headers)
    }
  }

  const app = new Hono()
  const dashboard = options.dashboard === true ? DASHBOARD_PATH : null
  if (dashboard !== null) {
    const serve = serveDashboard(prefix)
    app.all(dashboard, (c) => serve(c.req.raw))
    app.all(`${dashboard}/*`, (c) => serve(c.req.raw))
  }
  const methodsByPath = new Map<string, string[]>()
  for (const [operationId, spec] of Object.entries(ROUTE_SPECS) as Array<[OperationId, RouteSpec]>) {
    const handle = handlers[operationId]
    app.on(spec.method, prefix + spec.path, (c) => run({ spec, handle }, c.req.raw, c.req.param()))
    methodsByPath.set(spec.path, [...(methodsByPath.get(spec.path) ?? []), spec.method])
  }
  for (const [path, methods] of methodsByPath) {
    const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods
    app.all(prefix + path, (c) =>
      errorOf('method_not_allowed', `${c.req.method} is not allowed here; use ${allow.join(', ')}`, {
        Allow: allow.join(', '),
      }),
    )
  }
  app.notFound((c) =>
    errorOf('route_not_found', `No route ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}`),
  )
  app.onError((error) => toResponse(error))

  const handler = async (request: Request, connection?: HandlerConnection): Promise<Response> => {
    const address = connection?.clientAddress ?? connection?.incoming?.socket?.remoteAddress
    if (address !== undefined) addresses.set(request, address)
    try {
      return await app.fetch(request)
    } catch (error) {
      return toResponse(error)
    }
  }
  return Object.assign(handler, {
    prefix,
    dashboard,
    addKey: (key: ApiKeyOption) => keys.add(key),
    revokeKey: (keyOrDigest: string) => keys.revoke(keyOrDigest),
    webhooksIdle: async () => webhooks?.idle(),
    close: async () => {
      events.close()
      await webhooks?.close()
    },
  })
}

function createDispatcher(
  runtime: Runtime,
  options: HandlerOptions,
  services: { clock: Clock; onError: (error: unknown) => void },
): WebhookDispatcher {
  const webhooks = options.webhooks!
  const secrets = typeof webhooks.secret === 'string' ? [webhooks.secret] : webhooks.secret
  if (secrets.length === 0 || !secrets.every(isWebhookSecret)) {
    throw new InboardError('invalid_request', 'Each webhook secret must be "whsec_" followed by base64', {
      param: 'webhooks.secret',
    })
  }
  if (webhooks.url !== undefined) {
    const problem = webhookUrlProblem(webhooks.url, webhooks.allowPrivateAddresses ?? false)
    if (problem !== null)
      throw new InboardError('invalid_request', `The webhook URL ${problem}`, { param: 'webhooks.url' })
  }
  if (webhooks.maxQueued !== undefined) positive(webhooks.maxQueued, 'webhooks.maxQueued')
  if (webhooks.maxSockets !== undefined) positive(webhooks.maxSockets, 'webhooks.maxSockets')
  return new WebhookDispatcher(runtime, webhooks, services)
}

const queryNames = new WeakMap<RouteSpec, ReadonlySet<string>>()

/** A misspelt filter (`?stauts=failed`) would silently list everything: unknown parameters are refused. */
function refuseUnknownQuery(url: URL, spec: RouteSpec): void {
  let known = queryNames.get(spec)
  if (!known)
    queryNames.set(spec, (known = new Set(spec.query instanceof z.ZodObject ? Object.keys(spec.query.shape) : [])))
  for (const name of url.searchParams.keys()) {
    if (!known.has(name))
      throw new InboardError(
        'invalid_request',
        `Unknown query parameter ${JSON.stringify(name.slice(0, 100))}${known.size > 0 ? `; this route takes ${[...known].join(', ')}` : '; this route takes none'}`,
        { param: name.slice(0, 100) },
      )
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new InboardError('invalid_request', `${name} must be a positive integer`, { param: name })
  return value
}
