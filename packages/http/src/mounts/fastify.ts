import type { FastifyPluginCallback } from 'fastify'
import type { InboardHandler } from '../create-handler.js'
import { nodeBridge } from './node-bridge.js'

/**
 * A Fastify plugin serving the handler's routes (and its dashboard when enabled). It is encapsulated: inside it, bodies are left
 * unparsed for the handler, and the rest of the app keeps its own parsers and routes.
 *
 * @example
 * await app.register(createFastifyPlugin(createHandler(runtime, options)))
 */
export function createFastifyPlugin(handler: InboardHandler): FastifyPluginCallback {
  const listener = nodeBridge(handler)
  return (fastify, _options, done) => {
    fastify.removeAllContentTypeParsers()
    fastify.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null, undefined))
    const serve = (
      request: { raw: Parameters<typeof listener>[0] },
      reply: { hijack(): void; raw: Parameters<typeof listener>[1] },
    ): void => {
      reply.hijack()
      void listener(request.raw, reply.raw)
    }
    fastify.all(`${handler.prefix}/*`, serve)
    if (handler.dashboard !== null) {
      fastify.all(handler.dashboard, serve)
      fastify.all(`${handler.dashboard}/*`, serve)
    }
    done()
  }
}
