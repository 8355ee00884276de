import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { InboardHandler } from '../create-handler.js'

/** A `node:http` request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Serves the handler on a `node:http` (or `https`) server; every path goes to the handler.
 *
 * @example
 * http.createServer(createNodeListener(createHandler(runtime, options))).listen(8787)
 */
export function createNodeListener(handler: InboardHandler): NodeListener {
  const listener = getRequestListener(handler, { errorHandler: () => new Response(null, { status: 400 }) })
  return (request, response) => {
    void listener(request, response)
  }
}
