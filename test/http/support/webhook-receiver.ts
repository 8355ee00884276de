import { createServer, type IncomingHttpHeaders } from 'node:http'
import { closeServer, listen } from './test-server.js'

export interface ReceivedWebhook {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A real HTTP server that records webhooks and answers with the statuses it is given in order, or
 * with what `respond` decides (200 when neither says otherwise; 0 = never answer).
 */
export async function startReceiver(
  statuses: number[] = [],
  respond?: (hook: ReceivedWebhook) => number | undefined,
): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const hook = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(hook)
      const status = respond?.(hook) ?? statuses.shift() ?? 200
      if (status === 0) return
      res.writeHead(status, status >= 300 && status < 400 ? { location: '/redirected' } : {}).end()
    })
  })
  const url = await listen(server)
  return { url, received, close: () => closeServer(server) }
}
