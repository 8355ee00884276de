import { ToolError, type Credential, type CredentialRequest, type CredentialSource } from '@inboard/tools'
import { InboardError } from '../errors/inboard-error.js'
import type { ResolvedService } from './auth-options.js'
import type { CredentialOwner, CredentialVault, StoredCredential } from './credential-vault.js'
import type { OAuthTokens } from './oauth-tokens.js'
import { TokenEndpointError } from './token-endpoint.js'

/**
 * The credentials one call may use: those of the task's own user in the task's own account, for the call's own service, from
 * the vault and nowhere else. It remembers which access token it handed out so the middleware can
 * ask for a refresh of exactly that token after a 401, and which scopes were granted.
 */
export class UserCredentialSource implements CredentialSource {
  readonly #owner: CredentialOwner
  readonly #name: string
  readonly #service: ResolvedService
  readonly #vault: CredentialVault
  readonly #tokens: OAuthTokens
  readonly #required: readonly string[]
  #issued: string | undefined
  #rejected: string | undefined
  #granted: readonly string[] = []
  #failure: InboardError | undefined
  readonly #secretOf: (value: string) => void

  /** `secret` is told every secret handed out (the call's `site.secret`), so nothing emitted repeats it. */
  constructor(deps: {
    owner: CredentialOwner
    name: string
    service: ResolvedService
    vault: CredentialVault
    tokens: OAuthTokens
    required: readonly string[]
    secret: (value: string) => void
  }) {
    this.#secretOf = deps.secret
    this.#owner = deps.owner
    this.#name = deps.name
    this.#service = deps.service
    this.#vault = deps.vault
    this.#tokens = deps.tokens
    this.#required = deps.required
  }

  #secret(value: string | undefined): void {
    if (value !== undefined) this.#secretOf(value)
  }

  /** Scopes the user had granted when a token was last handed out. */
  get granted(): readonly string[] {
    return this.#granted
  }

  /**
   * A runtime error (an unreadable vault entry) met while resolving; the tool saw a plain ToolError,
   * and the middleware rethrows this so the task fails with the runtime's own code.
   */
  get failure(): InboardError | undefined {
    return this.#failure
  }

  /** Marks the token handed out last as rejected by the upstream; the next `get` refreshes it. Returns false when none was. */
  rejectIssued(): boolean {
    if (this.#issued === undefined) return false
    this.#rejected = this.#issued
    return true
  }

  async get(service: string, request?: CredentialRequest): Promise<Credential | undefined> {
    // A tool asking for another service's secret gets nothing: one call, one service, one user.
    if (service !== this.#name) return undefined
    try {
      return await this.#resolve(service, request)
    } catch (error) {
      if (!(error instanceof InboardError)) throw error
      this.#failure = error
      throw new ToolError('tool_error', error.message, { recoverable: false })
    }
  }

  async #resolve(service: string, request: CredentialRequest | undefined): Promise<Credential> {
    if (this.#service.type !== 'oauth2') {
      const stored = await this.#vault.get(this.#owner, service)
      if (stored === undefined || stored.type === 'oauth2') {
        throw new ToolError(
          'auth_required',
          `No ${this.#service.type} credentials for "${service}" for this task's user`,
          {
            suggestion: `Store the user's ${service} secret with runtime.auth.setCredentials(user_id, '${service}', { secret }), then run the task again.`,
            details: { service, auth_type: this.#service.type },
          },
        )
      }
      if (stored.type === 'basic') {
        this.#secret(stored.password)
        this.#secret(Buffer.from(`${stored.username}:${stored.password}`).toString('base64'))
      } else this.#secret(stored.type === 'api_key' ? stored.key : stored.token)
      return toCredential(stored)
    }
    let outcome
    try {
      outcome = await this.#tokens.current(this.#owner, service, { service: this.#service, rejected: this.#rejected })
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error
      // Transient failures are retried with the call; anything else is a configuration problem.
      throw new ToolError(
        error.transient ? 'transient' : 'upstream_error',
        `Refreshing the ${service} token failed: ${error.message}`,
        { cause: error },
      )
    }
    this.#rejected = undefined
    if ('gap' in outcome) {
      throw new ToolError(
        'auth_required',
        outcome.gap === 'revoked'
          ? `The user's ${service} authorization was revoked or expired`
          : `The user has not connected ${service}`,
        {
          details: { service, auth_type: 'oauth2', reason: outcome.gap },
          ...(request?.scopes === undefined ? {} : { scopes: request.scopes }),
        },
      )
    }
    const { record } = outcome
    const missing = [...(request?.scopes ?? []), ...this.#required].filter((scope) => !record.scopes.includes(scope))
    this.#granted = record.scopes
    if (missing.length > 0) {
      throw new ToolError(
        'insufficient_scope',
        `The user has not granted ${[...new Set(missing)].join(', ')} to ${service}`,
        { scopes: [...new Set(missing)] },
      )
    }
    this.#issued = record.access_token
    this.#secret(record.access_token)
    this.#secret(record.refresh_token ?? undefined)
    return { type: 'oauth2', accessToken: record.access_token, scopes: record.scopes }
  }
}

function toCredential(stored: Exclude<StoredCredential, { type: 'oauth2' }>): Credential {
  switch (stored.type) {
    case 'api_key':
      return { type: 'api_key', key: stored.key }
    case 'bearer':
      return { type: 'bearer', token: stored.token }
    case 'basic':
      return { type: 'basic', username: stored.username, password: stored.password }
  }
}
