import { createHash, randomBytes } from 'node:crypto'

/** What an access token grants. */
export interface Grant {
  user: string
  scopes: ReadonlySet<string>
}

interface PendingCode {
  user: string
  scopes: string[]
  challenge: string
  redirectUri: string
}

const token = (): string => randomBytes(16).toString('base64url')

/**
 * The CRM's authorization server: authorization code with PKCE (S256) for one public client.
 * The simulated user approves every consent; `login` on the authorize URL says who they are.
 */
export class CrmOAuth {
  readonly clientId = 'inboard-demo'
  readonly #codes = new Map<string, PendingCode>()
  readonly #tokens = new Map<string, Grant>()
  /** Consents granted, for the demo's statistics. */
  consents = 0

  /** GET /oauth/authorize → where to redirect the browser. */
  authorize(url: URL): { status: number; location?: string; error?: string } {
    const params = url.searchParams
    const redirectUri = params.get('redirect_uri')
    const user = params.get('login')
    if (params.get('client_id') !== this.clientId || redirectUri === null)
      return { status: 400, error: 'unknown client or redirect_uri' }
    if (params.get('response_type') !== 'code' || params.get('code_challenge_method') !== 'S256')
      return { status: 400, error: 'code flow with S256 PKCE required' }
    if (user === null) return { status: 401, error: 'not logged in' }
    const code = token()
    this.#codes.set(code, {
      user,
      scopes: (params.get('scope') ?? '').split(' ').filter(Boolean),
      challenge: params.get('code_challenge') ?? '',
      redirectUri,
    })
    this.consents++
    const location = new URL(redirectUri)
    location.searchParams.set('code', code)
    location.searchParams.set('state', params.get('state') ?? '')
    return { status: 302, location: location.toString() }
  }

  /** POST /oauth/token (form body) → the token response. */
  exchange(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    if (form.get('grant_type') === 'refresh_token') {
      const grant = this.#tokens.get(`refresh:${form.get('refresh_token')}`)
      return grant ? { status: 200, body: this.#issue(grant) } : { status: 400, body: { error: 'invalid_grant' } }
    }
    const code = this.#codes.get(form.get('code') ?? '')
    this.#codes.delete(form.get('code') ?? '')
    const verifier = form.get('code_verifier') ?? ''
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    if (!code || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri'))
      return { status: 400, body: { error: 'invalid_grant' } }
    return { status: 200, body: this.#issue({ user: code.user, scopes: new Set(code.scopes) }) }
  }

  #issue(grant: Grant): Record<string, unknown> {
    const access = token()
    const refresh = token()
    this.#tokens.set(access, grant)
    this.#tokens.set(`refresh:${refresh}`, grant)
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: 86_400,
      refresh_token: refresh,
      scope: [...grant.scopes].join(' '),
    }
  }

  /** The grant behind an `Authorization: Bearer` header. */
  check(authorization: string | undefined): Grant | undefined {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    return bearer === undefined ? undefined : this.#tokens.get(bearer)
  }
}
