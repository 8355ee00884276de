import { ToolError } from '@inboard/tools'
import { InboardError } from '../errors/inboard-error.js'
import { WaitRequest, type CallMiddleware, type CallSite } from '../runner/call-middleware.js'
import type { ResolvedService, ScopeRequest } from './auth-options.js'
import { unique, type ConsentFlow } from './consent-flow.js'
import type { CredentialVault } from './credential-vault.js'
import type { OAuthTokens } from './oauth-tokens.js'
import { UserCredentialSource } from './user-credential-source.js'

export interface AuthMiddlewareDeps {
  services: ReadonlyMap<string, ResolvedService>
  vault: CredentialVault
  tokens: OAuthTokens
  consent: ConsentFlow
}

/**
 * Gives calls to configured services the credentials of the task's own user in the task's own
 * account (never anything from the prompt or input), and turns what OAuth failures mean into task states: no token → wait for
 * consent; 401 → refresh once and retry; missing scope → wait for incremental consent; a revoked
 * grant → wait for consent again. A task without a user fails with `user_required`.
 */
export function createAuthMiddleware(deps: AuthMiddlewareDeps): CallMiddleware {
  return {
    name: 'inboard:auth',
    async call(site, next) {
      const service = deps.services.get(site.tool)
      if (service === undefined) return next()
      const userId = site.task.user_id
      if (userId === null) {
        throw new InboardError('user_required', `${site.tool} acts for an end user, and this task has no user_id`, {
          tool: site.tool,
          suggestion: 'Create the task with the user_id of the user whose account it should use.',
        })
      }
      const request: ScopeRequest = {
        user_id: userId,
        service: site.tool,
        task_id: site.task.id,
        sub_agent: site.task.sub_agent,
        capability: site.capability,
      }
      const required = service.type === 'oauth2' ? await deps.consent.extraScopes(request) : []
      const source = new UserCredentialSource({
        owner: { account: site.task.account, userId },
        name: site.tool,
        service,
        vault: deps.vault,
        tokens: deps.tokens,
        required,
        secret: (value) => site.secret(value),
      })
      site.context.credentials = source
      let retried = false
      for (;;) {
        try {
          return await next()
        } catch (thrown) {
          if (source.failure !== undefined) throw source.failure
          if (!(thrown instanceof ToolError) || service.type !== 'oauth2') throw thrown
          if (thrown.code === 'auth_token_expired' && !retried && source.rejectIssued()) {
            retried = true
            site.note(`${site.tool} rejected the access token; refreshing it and retrying once`)
            continue
          }
          if (thrown.code === 'insufficient_scope') {
            throw await consentWait(deps, site, {
              request,
              service,
              needed: unique([...source.granted, ...(thrown.scopes ?? [])]),
              kind: 'incremental',
            })
          }
          if (thrown.code === 'auth_required' || thrown.code === 'auth_token_expired') {
            const revoked = thrown.details?.reason === 'revoked' || thrown.code === 'auth_token_expired'
            throw await consentWait(deps, site, {
              request,
              service,
              needed: thrown.scopes ?? [],
              kind: revoked ? 'reconnect' : 'connect',
            })
          }
          throw thrown
        }
      }
    },
  }
}

async function consentWait(
  deps: AuthMiddlewareDeps,
  site: CallSite,
  {
    request,
    service,
    needed,
    kind,
  }: {
    request: ScopeRequest
    service: Extract<ResolvedService, { type: 'oauth2' }>
    needed: readonly string[]
    kind: 'connect' | 'reconnect' | 'incremental'
  },
): Promise<WaitRequest> {
  const { url, scopes } = await deps.consent.link(request, site.task.account, { service, needed })
  site.note(
    `waiting for the user to ${kind === 'incremental' ? 'grant more access to' : kind} ${site.tool} (scopes: ${scopes.join(' ') || 'none'})`,
  )
  const message =
    kind === 'incremental'
      ? `${site.capability} needs more access to ${site.tool} (${scopes.join(', ')}). Ask the user to approve it at auth_url.`
      : kind === 'reconnect'
        ? `The user's ${site.tool} authorization expired or was revoked. Ask the user to reconnect at auth_url.`
        : `The user has not connected ${site.tool}. Ask the user to connect it at auth_url.`
  return new WaitRequest({ reason: 'oauth_consent_required', service: site.tool, auth_url: url, message })
}
