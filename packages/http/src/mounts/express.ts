import type { IncomingMessage } from 'node:http'
import type { RequestHandler } from 'express'
import type { InboardHandler } from '../create-handler.js'
import { nodeBridge } from './node-bridge.js'
import { handlesPath } from './under-prefix.js'

/**
 * Express middleware serving the handler's routes (and its dashboard when enabled); other paths go on to `next()`. Mount it at the
 * app's root (the handler's `prefix` is matched against the full URL) and before body parsers; a
 * body already parsed by `express.json()` is re-encoded.
 *
 * @example
 * app.use(createExpressMiddleware(createHandler(runtime, options)))
 */
export function createExpressMiddleware(handler: InboardHandler): RequestHandler {
  const listener = nodeBridge(handler)
  return (req, res, next) => {
    if (!handlesPath(handler, req.originalUrl)) {
      next()
      return
    }
    req.url = req.originalUrl
    const parsed: unknown = req.body
    if (parsed !== undefined && req.readableEnded) {
      // The stream is spent: hand the parsed body back as the raw bytes the handler expects.
      Object.assign(req as IncomingMessage, { rawBody: Buffer.from(JSON.stringify(parsed)) })
    }
    void listener(req, res)
  }
}
