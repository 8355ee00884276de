import type { CallMiddleware } from '../runner/call-middleware.js'
import type { Clock } from '../clock.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import type { KeyValueStore } from '../storage/key-value-store.js'
import { createAuthMiddleware } from './auth-middleware.js'
import { resolveAuthOptions, type AuthOptions } from './auth-options.js'
import { AuthService, type AuthServiceDeps } from './auth-service.js'
import { ConsentFlow } from './consent-flow.js'
import { ConsentStates } from './consent-states.js'
import { CredentialCipher } from './credential-cipher.js'
import { CredentialVault } from './credential-vault.js'
import { OAuthTokens } from './oauth-tokens.js'
import { clientSecretForms } from './token-endpoint.js'

/** The auth module as the runtime wires it: the public service and the call middleware. */
export interface AuthModule {
  service: AuthService
  middleware: CallMiddleware
}

/** Validates `auth` options and builds the vault, consent flow, token keeper and middleware over one store. */
export function createAuth(
  options: AuthOptions,
  deps: { clock: Clock; store: KeyValueStore; secrets: SecretScrubber; resume: AuthServiceDeps['resume'] },
): AuthModule {
  const { clock, resume, secrets } = deps
  const resolved = resolveAuthOptions(options, deps.store)
  for (const service of resolved.services.values()) {
    if (service.type === 'oauth2') for (const form of clientSecretForms(service)) secrets.pin(form)
  }
  const cipher = new CredentialCipher(resolved.key)
  const vault = new CredentialVault(resolved.store, cipher)
  const states = new ConsentStates(resolved.store, cipher, { clock, ttlMs: resolved.stateTtlMs })
  const tokens = new OAuthTokens({ vault, clock, skewMs: resolved.refreshSkewMs, fetch: resolved.fetch, secrets })
  const consent = new ConsentFlow(states, [resolved.scopesFor])
  return {
    service: new AuthService({ services: resolved.services, vault, states, tokens, consent, resume }),
    middleware: createAuthMiddleware({ services: resolved.services, vault, tokens, consent }),
  }
}
