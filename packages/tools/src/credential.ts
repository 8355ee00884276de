/**
 * A secret a tool authenticates with. The runtime's credential vault resolves one per end user and
 * service; adapters fall back to environment variables when no source is wired in.
 */
export type Credential =
  | { readonly type: 'api_key'; readonly key: string }
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | {
      readonly type: 'oauth2'
      readonly accessToken: string
      /** Scopes the token was granted, when known. */
      readonly scopes?: readonly string[]
    }

/** What a tool asks for when it needs a credential. */
export interface CredentialRequest {
  /** OAuth scopes the call is known to need, so a vault can check or request them. */
  readonly scopes?: readonly string[]
}

/** Resolves credentials for the end user of the current task, e.g. from an encrypted vault. */
export interface CredentialSource {
  /** The credential for `service` (a tool name), or undefined when the user has none. */
  get(service: string, request?: CredentialRequest): Credential | undefined | Promise<Credential | undefined>
}
