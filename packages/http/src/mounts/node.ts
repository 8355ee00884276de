import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { InboardError } from '@inboard/core'
import type { InboardHandler } from '../create-handler.js'
import { nodeBridge } from './node-bridge.js'

/** A `node:http` request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Serves the handler on a `node:http` (or `https`) server; every path goes to the handler.
 *
 * @example
 * http.createServer(createNodeListener(createHandler(runtime, options))).listen(8787)
 */
export function createNodeListener(handler: InboardHandler): NodeListener {
  const listener = nodeBridge(handler)
  return (request, response) => {
    void listener(request, response)
  }
}

/** Options of {@link createNodeServer}. */
export interface NodeServerOptions {
  /** Milliseconds a client has to send a request's headers (slow-loris guard). @default 10000 */
  headersTimeoutMs?: number
  /** Milliseconds a client has to send a whole request, body included; 0 turns it off. @default 30000 */
  requestTimeoutMs?: number
}

/**
 * A `node:http` server for the handler with timeouts for slow clients: headers within 10 s and
 * the whole request within 30 s by default (Node's own defaults are 60 s and 300 s). Responses,
 * server-sent events included, are not limited by them.
 *
 * @example
 * createNodeServer(createHandler(runtime, options)).listen(8787)
 */
export function createNodeServer(handler: InboardHandler, options: NodeServerOptions = {}): Server {
  const headersTimeout = options.headersTimeoutMs ?? 10_000
  const requestTimeout = options.requestTimeoutMs ?? 30_000
  if (!Number.isInteger(headersTimeout) || headersTimeout <= 0)
    throw new InboardError(
      'invalid_request',
      `headersTimeoutMs must be a positive integer, got ${String(headersTimeout)}`,
      { param: 'headersTimeoutMs' },
    )
  if (!Number.isInteger(requestTimeout) || requestTimeout < 0)
    throw new InboardError(
      'invalid_request',
      `requestTimeoutMs must be a non-negative integer, got ${String(requestTimeout)}`,
      { param: 'requestTimeoutMs' },
    )
  // Node requires headersTimeout <= requestTimeout when both are set, and only checks them every
  // connectionsCheckingInterval (30 s by default): check often enough for the timeouts to mean what they say.
  const headers = requestTimeout === 0 ? headersTimeout : Math.min(headersTimeout, requestTimeout)
  return createServer(
    {
      headersTimeout: headers,
      requestTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headers / 4))),
    },
    createNodeListener(handler),
  )
}
