import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'
import { memoryAdapter, TEST_COOKIE_KEYS, testSigningKeys } from './support/oidc-storage.js'

/** Canary secrets: tests assert they never show up anywhere they should not. */
export const CLIENT_SECRET = 'canary-client-secret-7Hq2xWv9'
const API_CLIENT_SECRET = 'canary-api-introspection-secret-4Kd8'
export const SCOPES = ['contacts.read', 'contacts.write'] as const

export interface ConsentOptions {
  /** The account that logs in at the provider. */
  login: string
  /** Decline instead of granting. */
  deny?: boolean
}

export interface ApiRequest {
  method: string
  path: string
  token: string | null
  status: number
  /** Index in the shared timeline of token issues and API calls. */
  at: number
}

/**
 * A real OAuth 2.0 authorization server (oidc-provider: authorization code + PKCE, rotating refresh
 * tokens, introspection) and a small CRM API that checks tokens by introspection and answers 401 or
 * 403 with an `insufficient_scope` challenge, both on ephemeral ports.
 */
export interface AuthServer {
  readonly issuer: string
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  readonly redirectUri: string
  readonly apiUrl: string
  /** Every POST to the token endpoint, in order, by grant type (`?` when unreadable). */
  readonly tokenRequests: string[]
  /** Every access and refresh token the provider issued, in order. */
  readonly issued: { access_token: string; refresh_token?: string; at: number }[]
  readonly apiRequests: ApiRequest[]
  /** Follows an authorization URL as a browser would: logs in, consents, and returns where the provider redirected. */
  consent(authUrl: string, options: ConsentOptions): Promise<URL>
  /** Revokes a token at the provider's revocation endpoint, which takes its grant along. */
  revoke(token: string): Promise<void>
  /** Ends an access token's life at the provider early, leaving its grant and refresh token valid. */
  expireAccessToken(token: string): Promise<void>
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export async function startAuthServer(): Promise<AuthServer> {
  const providerServer = createServer()
  const apiServer = createServer()
  const issuer = await listen(providerServer)
  const apiUrl = await listen(apiServer)
  const redirectUri = 'http://app.test/oauth/callback?source=inboard'
  let timeline = 0
  const tokenRequests: string[] = []
  const issued: AuthServer['issued'] = []
  const apiRequests: ApiRequest[] = []

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    jwks: await testSigningKeys(),
    cookies: { keys: [...TEST_COOKIE_KEYS] },
    clients: [
      {
        client_id: 'inboard-app',
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'crm-api',
        client_secret: API_CLIENT_SECRET,
        redirect_uris: [],
        grant_types: [],
        response_types: [],
      },
    ],
    scopes: ['openid', 'offline_access', ...SCOPES],
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientId === 'crm-api' },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiUrl,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SCOPES.join(' '),
          audience: apiUrl,
          accessTokenTTL: 3600,
          accessTokenFormat: 'opaque',
        }),
      },
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: () => false,
    ttl: {
      AccessToken: 3600,
      RefreshToken: 86_400,
      Grant: 86_400,
      Session: 86_400,
      Interaction: 600,
      AuthorizationCode: 60,
    },
  })
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const body = ctx.body as { access_token?: string; refresh_token?: string }
    if (body.access_token !== undefined)
      issued.push({
        access_token: body.access_token,
        ...(body.refresh_token === undefined ? {} : { refresh_token: body.refresh_token }),
        at: timeline++,
      })
  })
  provider.on('grant.error', () => undefined)
  // Every POST to the token endpoint, in the order they arrive, named once the provider parsed its body.
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/token' || ctx.method !== 'POST') {
      await next()
      return
    }
    const index = tokenRequests.push('?') - 1
    await next()
    const grant = (ctx as KoaContextWithOIDC).oidc?.params?.['grant_type']
    if (typeof grant === 'string') tokenRequests[index] = grant
  })
  provider.on('server_error', (_ctx, error) => console.error('[oidc-provider]', error))

  const callback = provider.callback()
  providerServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer)
    if (url.pathname.startsWith('/interaction/')) {
      interact(provider, req, { res, url }).catch((error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      })
      return
    }
    void callback(req, res)
  })

  apiServer.on('request', (req, res) => {
    handleApi(req, res).catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', apiUrl)
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null
    const record = (status: number): void =>
      void apiRequests.push({ method: req.method ?? 'GET', path: url.pathname, token, status, at: timeline++ })
    const needed = req.method === 'POST' ? 'contacts.write' : 'contacts.read'
    const introspected = token === null ? { active: false } : await introspect(issuer, token)
    if (!introspected.active) {
      record(401)
      res.writeHead(401, {
        'www-authenticate': 'Bearer realm="crm", error="invalid_token"',
        'content-type': 'application/json',
      })
      res.end(JSON.stringify({ error: 'invalid_token', message: 'The access token is not active' }))
      return
    }
    const scopes = (introspected.scope ?? '').split(' ')
    if (!scopes.includes(needed)) {
      record(403)
      res.writeHead(403, {
        'www-authenticate': `Bearer realm="crm", error="insufficient_scope", scope="${needed}"`,
        'content-type': 'application/json',
      })
      res.end(JSON.stringify({ error: 'insufficient_scope', message: `This call needs ${needed}` }))
      return
    }
    record(200)
    res.writeHead(200, { 'content-type': 'application/json' })
    const owner = introspected.sub ?? null
    res.end(
      JSON.stringify(
        req.method === 'POST' ? { created: true, owner } : { owner, contacts: [{ name: `Contact of ${owner}` }] },
      ),
    )
  }

  async function consent(authUrl: string, options: ConsentOptions): Promise<URL> {
    const cookies = new Map<string, string>()
    let next = new URL(authUrl)
    for (let hop = 0; hop < 10; hop++) {
      if (next.origin !== issuer) return next
      if (next.pathname.startsWith('/interaction/')) {
        next.searchParams.set('login', options.login)
        if (options.deny === true) next.searchParams.set('deny', '1')
      }
      const response = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      })
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';')
        const at = pair?.indexOf('=') ?? -1
        if (pair !== undefined && at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1))
      }
      const location = response.headers.get('location')
      if (location === null)
        throw new Error(
          `The provider stopped at ${next.pathname} with ${response.status}: ${(await response.text()).slice(0, 300)}`,
        )
      next = new URL(location, next)
    }
    throw new Error('Too many redirects')
  }

  async function revoke(token: string): Promise<void> {
    const response = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`inboard-app:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    })
    if (!response.ok) throw new Error(`Revocation failed with ${response.status}`)
  }

  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    clientId: 'inboard-app',
    redirectUri,
    apiUrl,
    tokenRequests,
    issued,
    apiRequests,
    consent,
    revoke,
    expireAccessToken: async (token) => {
      const found = await provider.AccessToken.find(token)
      if (found === undefined) throw new Error('Unknown access token')
      await found.destroy()
    },
    close: async () => {
      await Promise.all(
        [providerServer, apiServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      )
    },
  }
}

async function introspect(issuer: string, token: string): Promise<{ active: boolean; scope?: string; sub?: string }> {
  const response = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`crm-api:${API_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  })
  return (await response.json()) as { active: boolean; scope?: string; sub?: string }
}

/** The login and consent screens, answered from query parameters: `login=<account>`, `deny=1`. */
async function interact(
  provider: Provider,
  req: IncomingMessage,
  { res, url }: { res: ServerResponse; url: URL },
): Promise<void> {
  const details = await provider.interactionDetails(req, res)
  if (url.searchParams.get('deny') === '1') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user declined' },
      { mergeWithLastSubmission: false },
    )
    return
  }
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: url.searchParams.get('login') ?? 'anonymous' } },
      { mergeWithLastSubmission: false },
    )
    return
  }
  const accountId = details.session?.accountId ?? 'anonymous'
  const clientId = String(details.params.client_id)
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)
  const grant = existing ?? new provider.Grant({ accountId, clientId })
  const missing = details.prompt.details as {
    missingOIDCScope?: string[]
    missingResourceScopes?: Record<string, string[]>
  }
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(resource, scopes.join(' '))
  const grantId = await grant.save()
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
}
