import type { MiddlewareHandler } from 'hono'
import type { InboardHandler } from '../create-handler.js'
import { underPrefix } from './under-prefix.js'

/**
 * Hono middleware serving the handler's routes; other paths go on to `next()`.
 *
 * @example
 * app.use(createHonoMiddleware(createHandler(runtime, options)))
 */
export function createHonoMiddleware(handler: InboardHandler): MiddlewareHandler {
  return async (c, next) => {
    if (!underPrefix(c.req.path, handler.prefix)) {
      await next()
      return
    }
    return handler(c.req.raw)
  }
}
