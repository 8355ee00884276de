import type { MiddlewareHandler } from 'hono'
import type { HandlerConnection, InboardHandler } from '../create-handler.js'
import { handlesPath } from './under-prefix.js'

/**
 * Hono middleware serving the handler's routes (and its dashboard when enabled); other paths go on to `next()`.
 *
 * @example
 * app.use(createHonoMiddleware(createHandler(runtime, options)))
 */
export function createHonoMiddleware(handler: InboardHandler): MiddlewareHandler {
  return async (c, next) => {
    if (!handlesPath(handler, c.req.path)) {
      await next()
      return
    }
    return handler(c.req.raw, c.env as HandlerConnection | undefined)
  }
}
