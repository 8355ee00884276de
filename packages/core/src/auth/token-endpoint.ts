import { z } from 'zod'
import type { ResolvedService } from './auth-options.js'

type OAuthService = Extract<ResolvedService, { type: 'oauth2' }>

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
})
const errorResponse = z.object({ error: z.string(), error_description: z.string().optional() })

/** A successful token response (RFC 6749 §5.1). */
export type TokenResponse = z.infer<typeof tokenResponse>

/**
 * The token endpoint refused or failed. `oauthError` is the RFC 6749 §5.2 code (`invalid_grant`…)
 * or null for network and server failures, which are worth retrying. Never carries a secret.
 */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError'
  readonly oauthError: string | null
  readonly status: number | null

  constructor(
    message: string,
    { oauthError, status, cause }: { oauthError: string | null; status: number | null; cause?: unknown },
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.oauthError = oauthError
    this.status = status
  }

  /** Network errors and 5xx answers: the request may succeed if sent again. */
  get transient(): boolean {
    return this.oauthError === null && (this.status === null || this.status >= 500 || this.status === 429)
  }
}

const TIMEOUT_MS = 15_000

/** `client_secret_basic` form-encodes id and secret before base64, as RFC 6749 §2.3.1 asks. */
function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+')
  return Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')
}

/** The client secret as it goes on the wire: as is (and form-encoded), and inside the Basic credentials. */
export function clientSecretForms(service: OAuthService): string[] {
  const secret = service.clientSecret
  if (secret === undefined) return []
  return service.tokenEndpointAuthMethod === 'client_secret_basic'
    ? [secret, basicCredentials(service.clientId, secret)]
    : [secret]
}

/**
 * POSTs a grant to the service's token endpoint with the configured client authentication
 * (`client_secret_basic` form-encodes id and secret as RFC 6749 §2.3.1 asks).
 */
export async function requestTokens(
  service: OAuthService,
  grant: Readonly<Record<string, string>>,
  fetchImpl: typeof globalThis.fetch,
): Promise<TokenResponse> {
  const body = new URLSearchParams(grant)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  const secret = service.clientSecret ?? ''
  if (service.tokenEndpointAuthMethod === 'client_secret_basic') {
    headers.authorization = `Basic ${basicCredentials(service.clientId, secret)}`
  } else {
    body.set('client_id', service.clientId)
    if (service.tokenEndpointAuthMethod === 'client_secret_post') body.set('client_secret', secret)
  }
  const where = new URL(service.tokenUrl).origin
  let response: Response
  try {
    response = await fetchImpl(service.tokenUrl, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : 'network error'
    throw new TokenEndpointError(`Could not reach the token endpoint at ${where}: ${reason}`, {
      oauthError: null,
      status: null,
      cause: error,
    })
  }
  const text = await response.text().catch(() => '')
  const json = parseJson(text)
  if (response.ok) {
    const parsed = tokenResponse.safeParse(json)
    if (parsed.success && parsed.data.token_type.toLowerCase() === 'bearer') return parsed.data
    // The body holds tokens: say what is wrong with its shape, never echo it.
    throw new TokenEndpointError(
      `The token endpoint at ${where} answered ${response.status} without a usable bearer token`,
      { oauthError: 'invalid_response', status: response.status },
    )
  }
  const refusal = errorResponse.safeParse(json)
  if (refusal.success) {
    const description =
      refusal.data.error_description === undefined ? '' : `: ${refusal.data.error_description.slice(0, 200)}`
    throw new TokenEndpointError(
      `The token endpoint at ${where} refused the grant (${refusal.data.error}${description})`,
      { oauthError: refusal.data.error, status: response.status },
    )
  }
  throw new TokenEndpointError(`The token endpoint at ${where} answered ${response.status}`, {
    oauthError: null,
    status: response.status,
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
