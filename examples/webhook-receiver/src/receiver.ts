import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { verifyWebhook, type WebhookEvent } from '@inboard/http'

/** How many event ids to remember; deliveries are retried for at most 24 hours, so this is plenty for a demo. */
const REMEMBERED = 10_000

/**
 * A webhook endpoint: answers 401 to a bad signature, 200 to everything verified, and hands each
 * event to `onEvent` once — delivery is at-least-once, so a retried event is acknowledged again
 * but not processed again.
 */
export function createReceiver(
  secret: string | readonly string[],
  onEvent: (event: WebhookEvent, raw: { body: Buffer; headers: IncomingHttpHeaders }) => void,
): Server {
  const seen = new Set<string>()
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhook') return void res.writeHead(404).end()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const check = verifyWebhook({ payload: body, headers: req.headers, secret })
      if (!check.ok) {
        console.log(`rejected a delivery: ${check.reason}`)
        return void res.writeHead(401).end()
      }
      res.writeHead(200).end()
      if (seen.has(check.event.id)) return void console.log(`duplicate ${check.event.id} ignored`)
      seen.add(check.event.id)
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!)
      onEvent(check.event, { body, headers: req.headers })
    })
  })
}
