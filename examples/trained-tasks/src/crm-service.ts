import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Clock } from '@inboard/core'
import { CrmOAuth } from './crm-oauth.js'
import { wait } from './scaled-clock.js'

/** How the demo CRM behaves; every duration is simulated milliseconds. */
export const CRM_LIMITS = {
  /** Requests per window per client, answered with 429 + Retry-After beyond it. */
  requests: 100,
  windowMs: 10_000,
  /** Largest `page_size` the deals endpoint accepts (400 above it). */
  maxPageSize: 100,
  /** Server time per API request. */
  latencyMs: 25,
  /** Deals per pipeline stage. */
  dealsPerStage: 1_500,
} as const

export const STAGES = ['Negotiation', 'Proposal', 'Qualified'] as const

/** Counters the demo reports per run. */
export interface CrmCounters {
  api: number
  rateLimited: number
  failed: number
}

function deal(stage: string, index: number, renamed: boolean): Record<string, unknown> {
  const day = String(1 + (index % 28)).padStart(2, '0')
  const month = String(4 + (index % 6)).padStart(2, '0')
  const contact = {
    id: `ct_${index}`,
    name: `Contact ${index}`,
    email: `buyer${index}@example.com`,
    [renamed ? 'lifecycleStage' : 'lifecycle_stage']: index % 3 === 0 ? 'customer' : 'opportunity',
  }
  return {
    id: `deal_${stage.toLowerCase()}_${index}`,
    name: `Account ${index} – ${stage} renewal`,
    amount: 5_000 + ((index * 7_919) % 95_000),
    stage,
    [renamed ? 'expected_close' : 'close_date']: `2026-${month}-${day}`,
    created_at: `2025-12-${day}T10:00:00Z`,
    contact,
  }
}

/**
 * An in-process CRM on node:http that behaves like a hosted one: OAuth 2.0 with scopes
 * (`deals.read`, `contacts.read` to expand contacts), 100 requests per 10 s per client answered
 * with 429 and Retry-After, cursor pagination with a maximum page size, latency per request,
 * incidents that answer 502 for a while, and a schema change that renames fields.
 */
export class CrmService {
  readonly oauth = new CrmOAuth()
  readonly counters: CrmCounters = { api: 0, rateLimited: 0, failed: 0 }
  readonly #clock: Clock
  readonly #server = createServer((req, res) => void this.#handle(req, res))
  #windowStart = -1
  #windowCount = 0
  #renamed = false
  #incidentMs = 0
  #incidentUntil = 0
  url = ''

  constructor(clock: Clock) {
    this.#clock = clock
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    this.#server.closeAllConnections()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }

  /** Deploys the schema change: `close_date` → `expected_close`, `contact.lifecycle_stage` → `contact.lifecycleStage`. */
  renameFields(): void {
    this.#renamed = true
  }

  /** The next API request starts an incident: 502s for `durationMs`. */
  armIncident(durationMs: number): void {
    this.#incidentMs = durationMs
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    if (url.pathname === '/oauth/authorize') {
      const outcome = this.oauth.authorize(url)
      res.writeHead(
        outcome.status,
        outcome.location ? { location: outcome.location } : { 'content-type': 'text/plain' },
      )
      res.end(outcome.error ?? '')
      return
    }
    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      const outcome = this.oauth.exchange(new URLSearchParams(await body(req)))
      send(res, outcome.status, { body: outcome.body })
      return
    }
    await wait(this.#clock, CRM_LIMITS.latencyMs)
    this.counters.api++
    const now = this.#clock.now()
    const limit = this.#rateLimit(now)
    if (limit.remaining < 0) {
      this.counters.rateLimited++
      send(res, 429, {
        body: { error: 'rate_limited', message: 'Too many requests' },
        headers: { ...limit.headers, 'retry-after': String(Math.ceil((limit.resetAt - now) / 1000)) },
      })
      return
    }
    const grant = this.oauth.check(req.headers.authorization)
    if (!grant)
      return send(res, 401, {
        body: { error: 'invalid_token' },
        headers: { ...limit.headers, 'www-authenticate': 'Bearer error="invalid_token"' },
      })
    const needed = url.searchParams.get('expand') === 'contact' ? ['deals.read', 'contacts.read'] : ['deals.read']
    const missing = needed.filter((scope) => !grant.scopes.has(scope))
    if (missing.length > 0) {
      return send(res, 403, {
        body: { error: 'insufficient_scope', message: `This request needs ${missing.join(' ')}` },
        headers: {
          ...limit.headers,
          'www-authenticate': `Bearer error="insufficient_scope", scope="${missing.join(' ')}"`,
        },
      })
    }
    if (this.#incidentMs > 0) [this.#incidentUntil, this.#incidentMs] = [now + this.#incidentMs, 0]
    if (now < this.#incidentUntil) {
      this.counters.failed++
      return send(res, 502, { body: { error: 'bad_gateway', message: 'Upstream incident' }, headers: limit.headers })
    }
    if (url.pathname === '/v1/deals/fields') {
      const sample = deal('Negotiation', 0, this.#renamed)
      return send(res, 200, {
        body: { object: 'deal', fields: Object.keys(sample), max_page_size: 'see docs' },
        headers: limit.headers,
      })
    }
    if (url.pathname === '/v1/deals') return this.#deals(url, res, limit.headers)
    send(res, 404, { body: { error: 'not_found' }, headers: limit.headers })
  }

  #deals(url: URL, res: ServerResponse, headers: Record<string, string>): void {
    const pageSize = Number(url.searchParams.get('page_size') ?? 20)
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CRM_LIMITS.maxPageSize) {
      return send(res, 400, {
        body: { error: 'invalid_page_size', message: `page_size must be between 1 and ${CRM_LIMITS.maxPageSize}` },
        headers: headers,
      })
    }
    const stage = url.searchParams.get('stage') ?? ''
    const total = (STAGES as readonly string[]).includes(stage) ? CRM_LIMITS.dealsPerStage : 0
    const start = Number(url.searchParams.get('cursor') ?? 0)
    const end = Math.min(total, start + pageSize)
    const data = Array.from({ length: end - start }, (_, i) => {
      const full = deal(stage, start + i, this.#renamed)
      if (url.searchParams.get('expand') !== 'contact') delete full.contact
      return full
    })
    send(res, 200, { body: { data, next_cursor: end < total ? String(end) : null }, headers: headers })
  }

  #rateLimit(now: number): { remaining: number; resetAt: number; headers: Record<string, string> } {
    const start = Math.floor(now / CRM_LIMITS.windowMs) * CRM_LIMITS.windowMs
    if (start !== this.#windowStart) [this.#windowStart, this.#windowCount] = [start, 0]
    this.#windowCount++
    const resetAt = start + CRM_LIMITS.windowMs
    const remaining = CRM_LIMITS.requests - this.#windowCount
    const headers = {
      'x-ratelimit-limit': String(CRM_LIMITS.requests),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    }
    return { remaining, resetAt, headers }
  }
}

function send(res: ServerResponse, status: number, reply: { body: unknown; headers?: Record<string, string> }): void {
  const { body: payload, headers = {} } = reply
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(payload))
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
