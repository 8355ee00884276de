import { InboardError, type ConsentCallback, type Runtime } from '@inboard/core'
import type { RouteHandler } from './route-context.js'

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>Connected</title><p>Access granted. You can close this window.</p>'

/** `GET /v1/oauth/callback`: the end user's browser lands here after the consent screen. */
export function oauthCallback(runtime: Runtime): RouteHandler {
  return async ({ url }) => {
    const auth = runtime.auth
    if (auth === undefined) throw new InboardError('route_not_found', 'OAuth is not configured on this runtime')
    const get = (name: string): string | undefined => url.searchParams.get(name) ?? undefined
    const state = get('state')
    if (state === undefined || state === '' || state.length > 2048)
      throw new InboardError('invalid_request', 'The OAuth callback needs a state parameter', { param: 'state' })
    const params: ConsentCallback = { state }
    for (const [name, field] of [
      ['code', 'code'],
      ['error', 'error'],
      ['error_description', 'errorDescription'],
    ] as const) {
      const value = get(name)
      if (value !== undefined) params[field] = value
    }
    await auth.complete(params)
    return { status: 200, body: PAGE, contentType: 'text/html; charset=utf-8' }
  }
}
