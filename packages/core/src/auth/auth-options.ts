import type { KeyValueStore } from '../storage/key-value-store.js'
import { z } from 'zod'
import { InboardError } from '../errors/inboard-error.js'
import { validate } from '../runtime/validate.js'

/** An OAuth 2.0 service: authorization code with PKCE (S256), refresh tokens, per-user tokens. */
export interface OAuth2ServiceConfig {
  type: 'oauth2'
  /** The authorization server's authorization endpoint. */
  authorizeUrl: string
  /** The authorization server's token endpoint (code exchange and refresh). */
  tokenUrl: string
  clientId: string
  /** Omit for a public client, which authenticates with PKCE alone. */
  clientSecret?: string
  /**
   * How the client authenticates at the token endpoint.
   * @default 'client_secret_basic' with a `clientSecret`, else 'none'
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /** Scopes every consent asks for. @default [] */
  scopes?: readonly string[]
  /** Your callback route, registered with the authorization server; sent byte for byte. */
  redirectUri: string
  /** Extra authorization request parameters (`prompt`, `access_type`, `audience`…). @default {} */
  extraAuthorizeParams?: Readonly<Record<string, string>>
}

/** A service whose users hand over a static secret through `runtime.auth.setCredentials()`. */
export interface SecretServiceConfig {
  type: 'api_key' | 'bearer' | 'basic'
}

/** How one service (a tool, by name) authenticates its end users. */
export type ServiceAuthConfig = OAuth2ServiceConfig | SecretServiceConfig

/** What a {@link AuthOptions.scopesFor} hook is asked about. */
export interface ScopeRequest {
  readonly user_id: string
  readonly service: string
  /** The task and capability about to run; null when an app asks for a URL outside any task. */
  readonly task_id: string | null
  readonly sub_agent: string | null
  readonly capability: string | null
}

/** Returns scopes to request besides the configured ones (scopes learned from earlier runs, say). */
export type ScopeSource = (
  request: ScopeRequest,
) => readonly string[] | undefined | Promise<readonly string[] | undefined>

/** Options of the credential vault and OAuth consent (`createRuntime({ auth })`). */
export interface AuthOptions {
  /** 32 bytes, as a Buffer or a base64 string: encrypts every stored secret with AES-256-GCM. */
  encryptionKey: Uint8Array | string
  /**
   * Where encrypted credentials and pending consents live (a `Keyv` instance works).
   * @default the runtime storage's `credentials`
   */
  store?: KeyValueStore
  /** Services (tool names) that act for end users, and how each authenticates. */
  services: Readonly<Record<string, ServiceAuthConfig>>
  /** How long a consent link (its `state`) stays usable, in milliseconds. @default 600000 (10 min) */
  stateTtlMs?: number
  /** Refresh an access token this many milliseconds before it expires. @default 60000 */
  refreshSkewMs?: number
  /**
   * Scopes to require and request for a call, on top of `scopes` and the tool's own: a capability
   * whose scopes are not granted yet asks for consent before it runs. @default none
   */
  scopesFor?: ScopeSource
  /** The fetch used for token requests. @default global `fetch` */
  fetch?: typeof globalThis.fetch
}

/** Auth options with defaults applied and the key decoded. */
export interface ResolvedAuth {
  key: Buffer
  store: KeyValueStore
  services: ReadonlyMap<string, ResolvedService>
  stateTtlMs: number
  refreshSkewMs: number
  scopesFor: ScopeSource | undefined
  fetch: typeof globalThis.fetch
}

export type ResolvedService =
  SecretServiceConfig | (Required<Omit<OAuth2ServiceConfig, 'clientSecret'>> & { clientSecret: string | undefined })

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const KEY_HINT = "expected 32 bytes, as a Buffer or a base64 string (crypto.randomBytes(32).toString('base64'))"

const encryptionKey = z.union([z.instanceof(Uint8Array), z.string()], { error: KEY_HINT }).transform((value, ctx) => {
  const bytes =
    typeof value === 'string' ? (BASE64.test(value) ? Buffer.from(value, 'base64') : null) : Buffer.from(value)
  if (bytes?.length !== 32) {
    ctx.addIssue({ code: 'custom', message: KEY_HINT })
    return z.NEVER
  }
  return bytes
})

const url = z.url({ error: 'expected an absolute URL' })
const oauth2 = z.object({
  type: z.literal('oauth2'),
  authorizeUrl: url,
  tokenUrl: url,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'none']).optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'expected a scope token without spaces')).default([]),
  redirectUri: url.refine((value) => !value.includes('#'), 'a redirect URI must not have a fragment'),
  extraAuthorizeParams: z.record(z.string(), z.string()).default({}),
})
const service = z.discriminatedUnion('type', [oauth2, z.object({ type: z.enum(['api_key', 'bearer', 'basic']) })])

const schema = z.object({
  encryptionKey,
  store: z
    .custom<KeyValueStore>(
      (value) => ['get', 'set', 'delete'].every((name) => typeof Reflect.get(Object(value), name) === 'function'),
      'expected a key-value store with get, set and delete (a Keyv instance works)',
    )
    .optional(),
  services: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a tool name'), service),
  stateTtlMs: z.number().int().positive().default(600_000),
  refreshSkewMs: z.number().int().min(0).default(60_000),
  scopesFor: z.custom<ScopeSource>((value) => typeof value === 'function', 'expected a function').optional(),
  fetch: z
    .custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'expected a fetch function')
    .optional(),
})

/** Validates `auth` options (throws `invalid_request` naming the field) and applies defaults. */
export function resolveAuthOptions(options: AuthOptions, defaultStore: KeyValueStore): ResolvedAuth {
  const parsed = validate(z.object({ auth: schema }), { auth: options }, 'auth')
  const services = new Map<string, ResolvedService>()
  for (const [name, config] of Object.entries(parsed.auth.services)) {
    if (config.type !== 'oauth2') {
      services.set(name, { type: config.type })
      continue
    }
    const method =
      config.tokenEndpointAuthMethod ?? (config.clientSecret === undefined ? 'none' : 'client_secret_basic')
    if (method !== 'none' && config.clientSecret === undefined) {
      const param = `auth.services.${name}.clientSecret`
      throw new InboardError('invalid_request', `Invalid ${param}: required for ${method}`, { param })
    }
    services.set(name, { ...config, clientSecret: config.clientSecret, tokenEndpointAuthMethod: method })
  }
  return {
    key: parsed.auth.encryptionKey,
    store: parsed.auth.store ?? defaultStore,
    services,
    stateTtlMs: parsed.auth.stateTtlMs,
    refreshSkewMs: parsed.auth.refreshSkewMs,
    scopesFor: parsed.auth.scopesFor,
    fetch: parsed.auth.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  }
}
