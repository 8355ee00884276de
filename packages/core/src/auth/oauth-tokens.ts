import type { Clock } from '../clock.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import type { ResolvedService } from './auth-options.js'
import { ownerKey, type CredentialOwner, type CredentialVault, type OAuthRecord } from './credential-vault.js'
import { requestTokens, TokenEndpointError, type TokenResponse } from './token-endpoint.js'

type OAuthService = Extract<ResolvedService, { type: 'oauth2' }>

/** Why a user has no usable token: never connected, or the server revoked the grant. */
export type TokenGap = 'not_connected' | 'revoked'

export type TokenOutcome = { record: OAuthRecord } | { gap: TokenGap }

/**
 * Keeps users' OAuth tokens fresh. Refreshes before expiry (`skewMs` early) and after the upstream
 * rejects a token, at most once at a time per (account, user, service): concurrent callers share one
 * refresh request. A rotated refresh token is written to the vault before the new access token is
 * handed to anyone, so a crash never leaves only a consumed refresh token behind.
 */
export class OAuthTokens {
  readonly #vault: CredentialVault
  readonly #clock: Clock
  readonly #skewMs: number
  readonly #fetch: typeof globalThis.fetch
  readonly #secrets: SecretScrubber
  readonly #inflight = new Map<string, Promise<TokenOutcome>>()

  /** `secrets` learns every token and code sent to the token endpoint, and scrubs its errors. */
  constructor(deps: {
    vault: CredentialVault
    clock: Clock
    skewMs: number
    fetch: typeof globalThis.fetch
    secrets: SecretScrubber
  }) {
    this.#vault = deps.vault
    this.#clock = deps.clock
    this.#skewMs = deps.skewMs
    this.#fetch = deps.fetch
    this.#secrets = deps.secrets
  }

  /** Sends a grant; a token endpoint that echoes the request in its error cannot leak what was sent. */
  async #request(service: OAuthService, grant: Readonly<Record<string, string>>): Promise<TokenResponse> {
    for (const [name, value] of Object.entries(grant))
      if (name !== 'grant_type' && name !== 'redirect_uri') this.#secrets.add(value)
    try {
      const response = await requestTokens(service, grant, this.#fetch)
      this.#secrets.add(response.access_token)
      this.#secrets.add(response.refresh_token)
      return response
    } catch (error) {
      throw this.#secrets.scrubError(error)
    }
  }

  /**
   * A usable token for the user: the stored one, or a refreshed one when it is about to expire or
   * equals `rejected` (the token the upstream just answered 401 to).
   */
  async current(
    owner: CredentialOwner,
    name: string,
    { service, rejected }: { service: OAuthService; rejected?: string | undefined },
  ): Promise<TokenOutcome> {
    const stored = await this.#vault.get(owner, name)
    if (stored?.type !== 'oauth2') return { gap: 'not_connected' }
    if (!this.#stale(stored, rejected)) return { record: stored }
    return this.#refresh(owner, name, { service, staleToken: rejected ?? stored.access_token })
  }

  /** Exchanges an authorization code (with its PKCE verifier) and stores the tokens. */
  async exchange(
    owner: CredentialOwner,
    name: string,
    {
      service,
      code,
      verifier,
      requested,
    }: { service: OAuthService; code: string; verifier: string; requested: readonly string[] },
  ): Promise<OAuthRecord> {
    const response = await this.#request(service, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: service.redirectUri,
      code_verifier: verifier,
    })
    const previous = await this.#vault.get(owner, name).catch(() => undefined)
    const keep = previous?.type === 'oauth2' ? previous.refresh_token : null
    const record = this.#record(response, keep, requested)
    await this.#vault.put(owner, name, record)
    return record
  }

  #stale(record: OAuthRecord, rejected: string | undefined): boolean {
    if (rejected !== undefined && record.access_token === rejected) return true
    return record.expires_at !== null && this.#clock.now() >= record.expires_at - this.#skewMs
  }

  #refresh(
    owner: CredentialOwner,
    name: string,
    { service, staleToken }: { service: OAuthService; staleToken: string },
  ): Promise<TokenOutcome> {
    const key = ownerKey(owner, name)
    const running = this.#inflight.get(key)
    if (running) return running
    const refresh = (async (): Promise<TokenOutcome> => {
      // Another caller (or process) may have refreshed since this one read the vault.
      const latest = await this.#vault.get(owner, name)
      if (latest?.type !== 'oauth2') return { gap: 'not_connected' }
      if (latest.access_token !== staleToken && !this.#stale(latest, undefined)) return { record: latest }
      if (latest.refresh_token === null) {
        await this.#vault.delete(owner, name)
        return { gap: 'revoked' }
      }
      let response: TokenResponse
      try {
        response = await this.#request(service, { grant_type: 'refresh_token', refresh_token: latest.refresh_token })
      } catch (error) {
        if (
          error instanceof TokenEndpointError &&
          (error.oauthError === 'invalid_grant' || error.oauthError === 'unauthorized_client')
        ) {
          await this.#vault.delete(owner, name)
          return { gap: 'revoked' }
        }
        throw error
      }
      const record = this.#record(response, latest.refresh_token, latest.scopes)
      await this.#vault.put(owner, name, record)
      return { record }
    })().finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, refresh)
    return refresh
  }

  #record(response: TokenResponse, previousRefreshToken: string | null, requested: readonly string[]): OAuthRecord {
    const granted =
      response.scope === undefined ? [...requested] : response.scope.split(' ').filter((scope) => scope !== '')
    return {
      type: 'oauth2',
      access_token: response.access_token,
      refresh_token: response.refresh_token ?? previousRefreshToken,
      expires_at: response.expires_in === undefined ? null : this.#clock.now() + response.expires_in * 1000,
      scopes: [...new Set(granted)],
    }
  }
}
