import { InboardError, type Runtime } from '@inboard/core'
import type { RouteHandler } from './route-context.js'

/** What the callback passes to `runtime.auth.complete()`: the redirect's query parameters. */
export interface OAuthCallbackParams {
  state: string
  code?: string
  error?: string
  errorDescription?: string
}

interface OAuthCompleter {
  complete(params: OAuthCallbackParams): unknown
}

/** `runtime.auth`, once the runtime has OAuth providers; the callback answers 404 without it. */
function authOf(runtime: Runtime): OAuthCompleter | null {
  const auth: unknown = Reflect.get(runtime, 'auth')
  if (typeof auth !== 'object' || auth === null) return null
  const complete: unknown = Reflect.get(auth, 'complete')
  return typeof complete === 'function' ? { complete: (params) => Reflect.apply(complete, auth, [params]) } : null
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>Connected</title><p>Access granted. You can close this window.</p>'

/** `GET /v1/oauth/callback`: the end user's browser lands here after the consent screen. */
export function oauthCallback(runtime: Runtime): RouteHandler {
  return async ({ url }) => {
    const auth = authOf(runtime)
    if (auth === null) throw new InboardError('route_not_found', 'OAuth is not configured on this runtime')
    const get = (name: string): string | undefined => url.searchParams.get(name) ?? undefined
    const state = get('state')
    if (state === undefined || state === '' || state.length > 2048) throw new InboardError('invalid_request', 'The OAuth callback needs a state parameter', { param: 'state' })
    const params: OAuthCallbackParams = { state }
    for (const [name, field] of [['code', 'code'], ['error', 'error'], ['error_description', 'errorDescription']] as const) {
      const value = get(name)
      if (value !== undefined) params[field] = value
    }
    await auth.complete(params)
    return { status: 200, body: PAGE, contentType: 'text/html; charset=utf-8' }
  }
}
