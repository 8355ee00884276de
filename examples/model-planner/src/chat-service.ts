import { createServer, type IncomingMessage } from 'node:http'
import { listen, type LocalService } from './local-service.js'

export interface ChatMessage {
  channel: string
  text: string
  ts: string
}

export interface ChatService extends LocalService {
  /** Messages posted so far, oldest first. */
  readonly messages: readonly ChatMessage[]
}

const CHANNELS = [
  { id: 'C08BILL42', name: 'billing' },
  { id: 'C08GEN001', name: 'general' },
]

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

/**
 * A small team-chat API on a loopback ephemeral port: `GET /api/channels?name=…` finds a channel,
 * `POST /api/messages` posts to one. A repeated `Idempotency-Key` posts once.
 */
export async function startChatService(): Promise<ChatService> {
  const messages: ChatMessage[] = []
  const byKey = new Map<string, ChatMessage>()
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method === 'GET' && url.pathname === '/api/channels') {
      const channel = CHANNELS.find((candidate) => candidate.name === url.searchParams.get('name'))
      return channel ? reply(200, { ok: true, channel }) : reply(404, { ok: false, error: 'channel_not_found' })
    }
    if (req.method === 'POST' && url.pathname === '/api/messages') {
      void bodyOf(req).then((body) => {
        const key = req.headers['idempotency-key']
        const seen = typeof key === 'string' ? byKey.get(key) : undefined
        if (seen) return reply(200, { ok: true, ...seen })
        const { channel, text } = body
        if (!CHANNELS.some((candidate) => candidate.id === channel))
          return reply(404, { ok: false, error: 'channel_not_found' })
        if (typeof text !== 'string' || text.trim() === '') return reply(400, { ok: false, error: 'no_text' })
        const message: ChatMessage = {
          channel: channel as string,
          text,
          ts: `${Math.floor(Date.now() / 1000)}.${String(messages.length + 1).padStart(6, '0')}`,
        }
        messages.push(message)
        if (typeof key === 'string') byKey.set(key, message)
        reply(200, { ok: true, ...message })
      })
      return
    }
    reply(404, { ok: false, error: 'unknown_method' })
  })
  return Object.assign(await listen(server), { messages })
}
