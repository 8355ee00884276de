import { getRequestListener } from '@hono/node-server'
import type { InboardHandler } from '../create-handler.js'

/** What {@link nodeBridge} returns: serves one `node:http` request and settles when the response is sent. */
export type NodeBridge = ReturnType<typeof getRequestListener>

/**
 * The one bridge from `node:http` to the fetch-style handler (an `IncomingMessage` in, a `Request`
 * for the handler, its `Response` written back), shared by the node, Express and Fastify mounts.
 * A request Node cannot turn into a `Request` (a malformed URL or header) gets an empty 400.
 */
export function nodeBridge(handler: InboardHandler): NodeBridge {
  return getRequestListener(handler, { errorHandler: () => new Response(null, { status: 400 }) })
}
