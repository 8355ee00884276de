import { z } from 'zod'
import type { AuthApi } from './auth-api.js'
import { InboardError } from '../errors/inboard-error.js'
import { validate } from '../runtime/validate.js'
import type { Task } from '../task/task-types.js'
import type { ResolvedService, ScopeSource } from './auth-options.js'
import type { ConsentFlow } from './consent-flow.js'
import type { ConsentStates } from './consent-states.js'
import type { CredentialOwner, CredentialVault, StoredCredential } from './credential-vault.js'
import type { OAuthTokens } from './oauth-tokens.js'
import { TokenEndpointError } from './token-endpoint.js'

/** A secret for `setCredentials`: the key or token itself, a username and password, or OAuth tokens obtained elsewhere. */
export type CredentialSecret =
  | string
  | { username: string; password: string }
  | { accessToken: string; refreshToken?: string; expiresAt?: Date; scopes?: readonly string[] }

/** What the app's OAuth callback route received: the redirect's query parameters. */
export interface ConsentCallback {
  state: string
  code?: string
  /** Set by the authorization server when the user declined (`access_denied`…). */
  error?: string
  errorDescription?: string
  /**
   * The signed-in user your callback route is serving. When given, a state issued for another user
   * is refused with `oauth_state_invalid` before the token endpoint is called (login CSRF: an
   * attacker cannot make a victim's browser finish the attacker's consent into the victim's
   * account, or the victim's into the attacker's). The state is used up either way.
   */
  user_id?: string
  /** The signed-in user's account, checked like `user_id` when given (null is the default account). */
  account?: string | null
}

/**
 * Which account a `runtime.auth` call is about. Omitted or null is the in-process default account:
 * tasks created without `{ account }`. Use the same account string as for `tasks.create(input, { account })`.
 */
export interface AccountOptions {
  account?: string | null
}

/** What `setCredentials` stores: the secret, and the account of the user when not the default. */
export interface StoredCredentialInput extends AccountOptions {
  secret: CredentialSecret
}

/** A completed consent. */
export interface ConsentResult {
  user_id: string
  service: string
  /** Scopes the user granted. */
  scopes: string[]
  /** Waiting tasks of this user and service that resumed. */
  resumed: number
}

/** Whether a user connected a service. Never includes the secret. */
export interface ConnectionStatus {
  connected: boolean
  type: ResolvedService['type']
  /** Granted OAuth scopes; empty for other kinds. */
  scopes: string[]
  /** When the access token expires (ISO-8601), or null when unknown or not OAuth. */
  expires_at: string | null
  /** Whether the runtime can refresh the token without the user. */
  refreshable: boolean
}

export interface AuthServiceDeps {
  services: ReadonlyMap<string, ResolvedService>
  vault: CredentialVault
  states: ConsentStates
  tokens: OAuthTokens
  consent: ConsentFlow
  /** Resumes the waiting tasks of one user (in one account) that `match` selects; resolves with how many. */
  resume: (
    filter: { userId: string; account: string | null },
    match: (task: Task, account: string | null) => boolean,
  ) => Promise<number>
}

const id = z.string().min(1).max(255)
const accountOptions = z.object({ account: z.string().min(1).max(1024).nullable().optional() })
const secret = z.union(
  [
    z.string().min(1),
    z.object({ username: z.string(), password: z.string() }).strict(),
    z
      .object({
        accessToken: z.string().min(1),
        refreshToken: z.string().min(1).optional(),
        expiresAt: z.date().optional(),
        scopes: z.array(z.string()).optional(),
      })
      .strict(),
  ],
  { error: 'expected a string secret, { username, password }, or { accessToken, refreshToken?, expiresAt?, scopes? }' },
)
const callback = z.object({
  state: z.string().min(1).max(2048),
  code: z.string().min(1).optional(),
  error: z.string().optional(),
  errorDescription: z.string().optional(),
  user_id: id.optional(),
  account: z.string().min(1).max(1024).nullable().optional(),
})

/**
 * End users' credentials and OAuth consent, as `runtime.auth`. Secrets go in (`setCredentials`,
 * `complete`) and never come out: `status` reports scopes and expiry only.
 *
 * @example
 * // The app's OAuth callback route:
 * app.get('/oauth/callback', async (req, res) => {
 *   const { service } = await runtime.auth.complete({ state: req.query.state, code: req.query.code, user_id: req.session.userId })
 *   res.send(`${service} connected`)
 * })
 */
export class AuthService implements AuthApi {
  readonly #deps: AuthServiceDeps

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps
  }

  /**
   * Stores a user's secret for a service (an API key, a bearer token, `{ username, password }` for
   * basic), for that user in `credential.account` (the default account when omitted).
   */
  async setCredentials(userId: string, service: string, credential: StoredCredentialInput): Promise<void> {
    const { secret: value, ...options } = credential
    const owner = ownerOf(userId, options)
    const config = this.#service(service)
    const parsed = validate(secret, value, 'secret')
    await this.#deps.vault.put(owner, service, toStored(config, parsed, service))
  }

  /** Forgets a user's credentials for a service. Resolves whether there were any. */
  async disconnect(userId: string, service: string, options: AccountOptions = {}): Promise<boolean> {
    const owner = ownerOf(userId, options)
    this.#service(service)
    return this.#deps.vault.delete(owner, service)
  }

  /** A consent link for an app that connects accounts up front (a "Connect CRM" button). */
  async authorizationUrl(
    userId: string,
    service: string,
    options: { scopes?: readonly string[] } & AccountOptions = {},
  ): Promise<string> {
    const owner = ownerOf(userId, options)
    const config = this.#oauth(service)
    const request = { user_id: userId, service, task_id: null, sub_agent: null, capability: null }
    return (await this.#deps.consent.link(request, owner.account, { service: config, needed: options.scopes ?? [] }))
      .url
  }

  /**
   * Finishes a consent: checks the state (random, single-use, expiring, bound to its account, user
   * and service) before anything else, and that it belongs to `params.user_id` / `params.account`
   * when the callback route passes the signed-in user, exchanges the code with its PKCE verifier, stores the tokens
   * for that account's user and resumes every task of that user in that account waiting for that
   * service where it stopped.
   */
  async complete(params: ConsentCallback): Promise<ConsentResult> {
    const input = validate(callback, params, 'params')
    const pending = await this.#deps.states.consume(input.state)
    const owner: CredentialOwner = { account: pending.account, userId: pending.user_id }
    // The state is already consumed: a refused callback cannot be replayed by its rightful user either.
    if (
      (input.user_id !== undefined && input.user_id !== owner.userId) ||
      (input.account !== undefined && input.account !== owner.account)
    ) {
      throw new InboardError('oauth_state_invalid', 'The OAuth state was issued for another user', {
        suggestion: 'Start the connection again, signed in as the user who should connect the service.',
      })
    }
    const config = this.#oauth(pending.service)
    if (input.error !== undefined) {
      const description = input.errorDescription === undefined ? '' : `: ${input.errorDescription.slice(0, 200)}`
      throw new InboardError(
        'oauth_consent_denied',
        `The user did not grant access to ${pending.service} (${input.error.slice(0, 64)}${description})`,
        {
          tool: pending.service,
          recoverable: true,
          suggestion: 'Ask the user to connect again and approve the requested access.',
        },
      )
    }
    if (input.code === undefined)
      throw new InboardError('invalid_request', 'The OAuth callback has no code', { param: 'code' })
    let record
    try {
      record = await this.#deps.tokens.exchange(owner, pending.service, {
        service: config,
        code: input.code,
        verifier: pending.verifier,
        requested: pending.scopes,
      })
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error
      throw new InboardError(
        'oauth_exchange_failed',
        `Exchanging the authorization code for ${pending.service} failed: ${error.message}`,
        {
          tool: pending.service,
          recoverable: error.transient,
          suggestion:
            'Ask the user to connect again; check the client id, secret and redirect URI if it keeps failing.',
        },
      )
    }
    const resumed = await this.#deps.resume(
      { userId: pending.user_id, account: pending.account },
      (task, account) =>
        account === pending.account &&
        task.user_id === pending.user_id &&
        task.waiting?.reason === 'oauth_consent_required' &&
        task.waiting.service === pending.service,
    )
    return { user_id: pending.user_id, service: pending.service, scopes: record.scopes, resumed }
  }

  /** Whether a user connected a service, with granted scopes and expiry. */
  async status(userId: string, service: string, options: AccountOptions = {}): Promise<ConnectionStatus> {
    const owner = ownerOf(userId, options)
    const config = this.#service(service)
    const stored = await this.#deps.vault.get(owner, service)
    const oauth = stored?.type === 'oauth2' ? stored : undefined
    return {
      connected: stored !== undefined,
      type: config.type,
      scopes: oauth?.scopes ?? [],
      expires_at: oauth?.expires_at == null ? null : new Date(oauth.expires_at).toISOString(),
      refreshable: oauth?.refresh_token != null,
    }
  }

  /**
   * Adds scopes to require and request for calls and consent links, on top of the configured ones
   * (what `auth.scopesFor` does, registered later: execution memory adds learned scopes this way).
   * Returns a function that removes the source.
   */
  addScopeSource(source: ScopeSource): () => void {
    return this.#deps.consent.addScopeSource(source)
  }

  #service(service: string): ResolvedService {
    validate(id, service, 'service')
    const config = this.#deps.services.get(service)
    if (config === undefined) {
      throw new InboardError('service_not_configured', `No auth is configured for service "${service}"`, {
        tool: service,
        suggestion: 'Add it to auth.services in createRuntime().',
      })
    }
    return config
  }

  #oauth(service: string): Extract<ResolvedService, { type: 'oauth2' }> {
    const config = this.#service(service)
    if (config.type !== 'oauth2')
      throw new InboardError(
        'service_not_configured',
        `Service "${service}" is configured for ${config.type}, not OAuth 2.0`,
        { tool: service },
      )
    return config
  }
}

/** Validates a user id and the account option into the owner of the credentials. */
function ownerOf(userId: string, options: AccountOptions): CredentialOwner {
  validate(id, userId, 'user_id')
  const { account } = validate(accountOptions, { account: options.account }, 'options')
  return { account: account ?? null, userId }
}

function toStored(config: ResolvedService, value: z.infer<typeof secret>, service: string): StoredCredential {
  const mismatch = (): InboardError =>
    new InboardError('invalid_request', `Invalid secret: ${service} uses ${config.type} credentials`, {
      param: 'secret',
    })
  if (typeof value === 'string') {
    if (config.type === 'api_key') return { type: 'api_key', key: value }
    if (config.type === 'bearer') return { type: 'bearer', token: value }
    throw mismatch()
  }
  if ('username' in value) {
    if (config.type !== 'basic') throw mismatch()
    return { type: 'basic', username: value.username, password: value.password }
  }
  if (config.type !== 'oauth2') throw mismatch()
  return {
    type: 'oauth2',
    access_token: value.accessToken,
    refresh_token: value.refreshToken ?? null,
    expires_at: value.expiresAt?.getTime() ?? null,
    scopes: [...(value.scopes ?? config.scopes)],
  }
}
