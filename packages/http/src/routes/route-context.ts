import { InboardError, type TaskScope } from '@inboard/core'
import type { Caller } from '../keys/key-registry.js'
import type { Reply } from '../request/reply.js'

/** What a route handler gets. `caller` is null only on routes that need no API key. */
export interface RouteContext {
  request: Request
  /** Parsed on first use: most routes never need the query. */
  readonly url: URL
  params: Record<string, string>
  caller: Caller | null
}

export type RouteHandler = (context: RouteContext) => Reply | Promise<Reply>

/** The caller of an authenticated route. */
export function callerOf(context: RouteContext): Caller {
  if (context.caller === null)
    throw new InboardError('internal_error', 'This route was registered without authentication')
  return context.caller
}

/**
 * The runtime scope of a caller: its account and environment together, so a test key never sees
 * a live task of the same account and the reverse.
 */
export function scopeOf(caller: Caller): TaskScope {
  return { account: `${caller.account}:${caller.environment}` }
}
