import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { Clock } from '@inboard/core'
import { isBlockedAddress, webhookUrlProblem } from './address-guard.js'

/** The outcome of one POST: the status, or why none came. */
export type PostOutcome = { status: number } | { error: string }

/**
 * Resolves like `dns.lookup` but fails when any address is non-public, so a name cannot be pointed
 * at the internal network between the check and the connection: the socket uses these addresses.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0)
    const refused = addresses.find((entry) => isBlockedAddress(entry.address))
    if (refused)
      return callback(
        Object.assign(new Error(`${hostname} resolves to a non-public address (${refused.address})`), {
          code: 'EADDRNOTPUBLIC',
        }),
        '',
        0,
      )
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
    const first = addresses[0]!
    return callback(null, first.address, first.family)
  })
}

/** The keep-alive connection pools one dispatcher sends through, with one cap on open sockets. */
export interface WebhookAgents {
  http: HttpAgent
  https: HttpsAgent
}

/** Agents holding at most `maxSockets` sockets each, reused between deliveries; requests past it wait for a free one. */
export function createWebhookAgents(maxSockets: number): WebhookAgents {
  const options = {
    keepAlive: true,
    maxSockets,
    maxTotalSockets: maxSockets,
    maxFreeSockets: Math.min(maxSockets, 16),
    scheduling: 'lifo' as const,
  }
  return { http: new HttpAgent(options), https: new HttpsAgent(options) }
}

/** How long a receiver has to finish its response body after the status before the socket is dropped instead of reused. */
const DRAIN_MS = 5_000

/**
 * POSTs `body` once. Redirects are never followed (a 3xx is a failed attempt); the attempt is
 * abandoned after `timeoutMs` on the runtime's clock.
 */
export function postWebhook(
  delivery: { url: string; body: string; headers: Record<string, string> },
  options: { clock: Clock; timeoutMs: number; allowPrivate: boolean; agents: WebhookAgents },
): Promise<PostOutcome> {
  const { url, body, headers } = delivery
  const problem = webhookUrlProblem(url, options.allowPrivate)
  if (problem !== null) return Promise.resolve({ error: `The webhook URL ${problem}` })
  return new Promise((resolve) => {
    const target = new URL(url)
    const https = target.protocol === 'https:'
    const request = https ? httpsRequest : httpRequest
    const init: RequestOptions = {
      method: 'POST',
      agent: https ? options.agents.https : options.agents.http,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'inboard-webhooks/1',
        ...headers,
      },
      ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
    }
    let settled = false
    const finish = (outcome: PostOutcome): void => {
      if (settled) return
      settled = true
      options.clock.clearTimeout(timer)
      resolve(outcome)
    }
    const req = request(target, init, (res) => {
      // Only the status matters. The body is drained so the socket can carry the next delivery, but
      // only for a few seconds: a slow receiver cannot hold a pooled socket with no deadline.
      res.on('error', () => undefined)
      finish({ status: res.statusCode ?? 0 })
      const drain = options.clock.setTimeout(
        () => {
          res.destroy()
          req.destroy()
        },
        Math.min(DRAIN_MS, options.timeoutMs),
      )
      res.on('close', () => options.clock.clearTimeout(drain))
      res.resume()
    })
    const timer = options.clock.setTimeout(() => {
      finish({ error: `No response within ${options.timeoutMs} ms` })
      req.destroy()
    }, options.timeoutMs)
    req.on('error', (error) => finish({ error: error.message }))
    req.end(body)
  })
}
