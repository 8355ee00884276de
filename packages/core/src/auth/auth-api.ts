import type { ScopeSource } from './auth-options.js'
import type {
  AccountOptions,
  ConnectionStatus,
  ConsentCallback,
  ConsentResult,
  StoredCredentialInput,
} from './auth-service.js'

/** `runtime.auth`: end users' credentials and OAuth consent (present when `createRuntime` got `auth`). */
export interface AuthApi {
  /**
   * Stores a user's secret for a service (an API key, a bearer token, `{ username, password }` for
   * basic, OAuth tokens obtained elsewhere), for that user in `credential.account` (the default
   * account when omitted).
   *
   * @example
   * await runtime.auth.setCredentials('user_123', 'mail', { secret: process.env.MAIL_KEY! })
   */
  setCredentials(userId: string, service: string, credential: StoredCredentialInput): Promise<void>
  /** Forgets a user's credentials for a service. Resolves whether there were any. */
  disconnect(userId: string, service: string, options?: AccountOptions): Promise<boolean>
  /** A consent link for an app that connects accounts up front (a "Connect CRM" button). */
  authorizationUrl(
    userId: string,
    service: string,
    options?: { scopes?: readonly string[] } & AccountOptions,
  ): Promise<string>
  /**
   * Finishes a consent (the OAuth callback): checks the state, exchanges the code, stores the
   * tokens and resumes the user's tasks waiting for that service.
   */
  complete(params: ConsentCallback): Promise<ConsentResult>
  /** Whether a user connected a service, with granted scopes and expiry. */
  status(userId: string, service: string, options?: AccountOptions): Promise<ConnectionStatus>
  /** Adds scopes to require and request for calls and consent links; returns a function that removes the source. */
  addScopeSource(source: ScopeSource): () => void
}
