/** One `WWW-Authenticate` header, read loosely: its first scheme and all `key=value` parameters. */
export interface AuthChallenge {
  scheme: string
  params: Readonly<Record<string, string>>
}

const PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g

/**
 * Parses a challenge such as `Bearer realm="api", error="insufficient_scope", scope="a b"`.
 * Undefined when the header is missing or empty.
 */
export function parseWwwAuthenticate(header: string | null): AuthChallenge | undefined {
  if (header === null || header.trim() === '') return undefined
  const scheme = /^\s*([A-Za-z0-9_-]+)/.exec(header)?.[1] ?? ''
  const params: Record<string, string> = {}
  for (const match of header.matchAll(PARAM)) {
    const key = match[1]?.toLowerCase()
    if (key === undefined || key in params) continue
    params[key] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1')
  }
  return { scheme, params }
}

/** The scopes an `insufficient_scope` challenge asks for, or undefined when it is not one. */
export function insufficientScopes(challenge: AuthChallenge | undefined): string[] | undefined {
  if (challenge?.params.error !== 'insufficient_scope') return undefined
  return (challenge.params.scope ?? '').split(/\s+/).filter((scope) => scope !== '')
}
