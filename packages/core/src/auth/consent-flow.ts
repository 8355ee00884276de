import type { ResolvedService, ScopeRequest, ScopeSource } from './auth-options.js'
import type { ConsentStates } from './consent-states.js'

type OAuthService = Extract<ResolvedService, { type: 'oauth2' }>

/**
 * Builds consent links: a fresh single-use state and PKCE S256 challenge per link, the configured
 * scopes plus whatever the scope sources add (learned scopes) plus what the caller needs.
 */
export class ConsentFlow {
  readonly #states: ConsentStates
  readonly #sources: ScopeSource[] = []

  constructor(states: ConsentStates, sources: readonly (ScopeSource | undefined)[]) {
    this.#states = states
    for (const source of sources) if (source !== undefined) this.#sources.push(source)
  }

  /** Adds a source of extra scopes, asked for every call and every consent link. */
  addScopeSource(source: ScopeSource): () => void {
    this.#sources.push(source)
    return () => {
      const at = this.#sources.indexOf(source)
      if (at >= 0) this.#sources.splice(at, 1)
    }
  }

  /** Scopes the sources add for this request, deduplicated. */
  async extraScopes(request: ScopeRequest): Promise<string[]> {
    const scopes: string[] = []
    for (const source of this.#sources) scopes.push(...((await source(request)) ?? []))
    return unique(scopes)
  }

  /**
   * A consent link for `request.user_id` in `account` and `service`, asking for `needed` on top of
   * the configured and learned scopes. The state remembers the account and user it was issued for.
   */
  async link(
    request: ScopeRequest,
    account: string | null,
    { service, needed }: { service: OAuthService; needed: readonly string[] },
  ): Promise<{ url: string; scopes: string[] }> {
    const scopes = unique([...service.scopes, ...(await this.extraScopes(request)), ...needed])
    const { state, codeChallenge } = await this.#states.issue(
      { account, userId: request.user_id },
      request.service,
      scopes,
    )
    const url = new URL(service.authorizeUrl)
    for (const [name, value] of Object.entries(service.extraAuthorizeParams)) url.searchParams.set(name, value)
    // Set after the extras so configuration can never weaken the security parameters.
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', service.clientId)
    url.searchParams.set('redirect_uri', service.redirectUri)
    if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '))
    else url.searchParams.delete('scope')
    url.searchParams.set('state', state)
    url.searchParams.set('code_challenge', codeChallenge)
    url.searchParams.set('code_challenge_method', 'S256')
    return { url: url.toString(), scopes }
  }
}

export function unique(scopes: Iterable<string>): string[] {
  return [...new Set(scopes)].filter((scope) => scope !== '')
}
