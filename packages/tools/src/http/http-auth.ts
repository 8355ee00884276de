import type { Credential } from '../credential.js'
import type { ToolContext } from '../tool-context.js'
import { ToolError } from '../tool-error.js'

/** How an HTTP tool authenticates. Secrets come from `ctx.credentials`, else from the named env vars. */
export type HttpAuth =
  | { readonly type: 'none' }
  | { readonly type: 'api_key'; readonly in: 'header' | 'query'; readonly name: string; readonly envVar?: string }
  | { readonly type: 'bearer'; readonly envVar?: string }
  | { readonly type: 'basic'; readonly usernameEnvVar?: string; readonly passwordEnvVar?: string }
  | {
      readonly type: 'oauth2'
      readonly authorizeUrl: string
      /** Absent for the implicit flow, which has no token endpoint. */
      readonly tokenUrl?: string
      readonly scopes: readonly string[]
      readonly envVar?: string
    }

/** What authentication adds to a request. */
export interface AppliedAuth {
  readonly headers: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  /** A token or key was sent: a 401 then means it expired or was revoked, not that none was given. */
  readonly sent: boolean
}

const NONE: AppliedAuth = { headers: {}, query: {}, sent: false }

/**
 * Resolves the credential for `service` and turns it into headers or query parameters. Given
 * alternatives (OpenAPI's `security` list), the first one a credential is available for wins. Throws
 * `auth_required` (with what a consent flow needs in `details`) when there is none.
 */
export async function applyAuth(
  auth: HttpAuth | readonly HttpAuth[],
  service: string,
  ctx: ToolContext,
): Promise<AppliedAuth> {
  const all: readonly HttpAuth[] = Array.isArray(auth) ? auth : [auth as HttpAuth]
  // An anonymous alternative makes auth optional: send a credential when there is one, else nothing.
  const alternatives = all.filter((alternative) => alternative.type !== 'none')
  const [first] = alternatives
  if (first === undefined) return NONE
  const cache = new Map<string, Credential | undefined>()
  for (const alternative of alternatives) {
    const request = alternative.type === 'oauth2' ? { scopes: alternative.scopes } : {}
    const key = JSON.stringify(request)
    if (!cache.has(key)) cache.set(key, await ctx.credentials?.get(service, request))
    const credential = fitting(alternative, cache.get(key)) ?? fromEnv(alternative)
    if (credential === undefined) continue
    for (const value of secretsOf(credential)) ctx.secret?.(value)
    return toRequestParts(alternative, credential, service)
  }
  if (alternatives.length < all.length) return NONE
  throw missing(first, service)
}

function toRequestParts(auth: HttpAuth, credential: Credential, service: string): AppliedAuth {
  switch (credential.type) {
    case 'api_key':
      if (auth.type !== 'api_key') throw missing(auth, service)
      return auth.in === 'header'
        ? { headers: { [auth.name]: credential.key }, query: {}, sent: true }
        : { headers: {}, query: { [auth.name]: credential.key }, sent: true }
    case 'basic': {
      const encoded = Buffer.from(`${credential.username}:${credential.password}`).toString('base64')
      return { headers: { authorization: `Basic ${encoded}` }, query: {}, sent: true }
    }
    case 'bearer':
      return { headers: { authorization: `Bearer ${credential.token}` }, query: {}, sent: true }
    case 'oauth2':
      return { headers: { authorization: `Bearer ${credential.accessToken}` }, query: {}, sent: true }
  }
}

/** The values a credential puts on the wire, so the runtime can keep them out of what it emits. */
function secretsOf(credential: Credential): string[] {
  switch (credential.type) {
    case 'api_key':
      return [credential.key]
    case 'bearer':
      return [credential.token]
    case 'oauth2':
      return [credential.accessToken]
    case 'basic':
      return [credential.password, Buffer.from(`${credential.username}:${credential.password}`).toString('base64')]
  }
}

/** Keeps a vault credential only when it can serve this auth kind (an OAuth token works as a bearer token). */
function fitting(auth: HttpAuth, credential: Credential | undefined): Credential | undefined {
  if (credential === undefined) return undefined
  switch (auth.type) {
    case 'api_key':
    case 'basic':
      return credential.type === auth.type ? credential : undefined
    case 'bearer':
    case 'oauth2':
      return credential.type === 'bearer' || credential.type === 'oauth2' ? credential : undefined
    case 'none':
      return undefined
  }
}

function fromEnv(auth: HttpAuth): Credential | undefined {
  const env = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : process.env[name] || undefined
  switch (auth.type) {
    case 'api_key': {
      const key = env(auth.envVar)
      return key === undefined ? undefined : { type: 'api_key', key }
    }
    case 'bearer':
    case 'oauth2': {
      const token = env(auth.envVar)
      return token === undefined ? undefined : { type: 'bearer', token }
    }
    case 'basic': {
      const username = env(auth.usernameEnvVar)
      const password = env(auth.passwordEnvVar)
      return username === undefined ? undefined : { type: 'basic', username, password: password ?? '' }
    }
    case 'none':
      return undefined
  }
}

function missing(auth: HttpAuth, service: string): ToolError {
  const envVars =
    auth.type === 'basic' ? [auth.usernameEnvVar, auth.passwordEnvVar] : auth.type === 'none' ? [] : [auth.envVar]
  const named = envVars.filter((name): name is string => name !== undefined)
  const details: Record<string, unknown> = { service, auth_type: auth.type }
  if (named.length > 0) details.env_vars = named
  if (auth.type === 'oauth2') {
    details.authorize_url = auth.authorizeUrl
    if (auth.tokenUrl !== undefined) details.token_url = auth.tokenUrl
    details.scopes = auth.scopes
  }
  const suggestion =
    auth.type === 'oauth2'
      ? `Connect the user's ${service} account through OAuth consent.`
      : `Provide ${auth.type} credentials for ${service}${named.length > 0 ? ` (or set ${named.join(' and ')})` : ''}.`
  return new ToolError('auth_required', `No ${auth.type} credentials for "${service}"`, {
    suggestion,
    details,
    ...(auth.type === 'oauth2' ? { scopes: auth.scopes } : {}),
  })
}
