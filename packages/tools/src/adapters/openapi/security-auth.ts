import type { HttpAuth } from '../../http/http-auth.js'
import { dereference, isRecord } from '../../json-schema/json-pointer.js'
import type { OpenApiDocument } from './parse-open-api.js'

/**
 * The auth alternatives of an operation from its `security` requirements (or the document's), in
 * order. Requirements that combine several schemes, cookie API keys and unknown kinds are skipped;
 * an empty requirement (`{}`) makes auth optional.
 */
export function securityAuth(document: OpenApiDocument, requirements: unknown, envPrefix: string): HttpAuth[] {
  if (!Array.isArray(requirements)) return []
  const schemes =
    isRecord(document.components) && isRecord(document.components.securitySchemes)
      ? document.components.securitySchemes
      : {}
  const alternatives: HttpAuth[] = []
  for (const requirement of requirements) {
    if (!isRecord(requirement)) continue
    const entries = Object.entries(requirement)
    if (entries.length === 0) {
      alternatives.push({ type: 'none' })
      continue
    }
    const [entry] = entries
    if (entries.length > 1 || entry === undefined) continue
    const [name, scopes] = entry
    const scheme = dereference(document, schemes[name])
    if (!isRecord(scheme)) continue
    const auth = schemeAuth(
      scheme,
      Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [],
      envPrefix,
    )
    if (auth) alternatives.push(auth)
  }
  return alternatives
}

function schemeAuth(scheme: Record<string, unknown>, scopes: string[], envPrefix: string): HttpAuth | undefined {
  switch (scheme.type) {
    case 'apiKey':
      if ((scheme.in !== 'header' && scheme.in !== 'query') || typeof scheme.name !== 'string') return undefined
      return { type: 'api_key', in: scheme.in, name: scheme.name, envVar: `${envPrefix}_API_KEY` }
    case 'http': {
      const kind = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : ''
      if (kind === 'bearer') return { type: 'bearer', envVar: `${envPrefix}_TOKEN` }
      if (kind === 'basic')
        return { type: 'basic', usernameEnvVar: `${envPrefix}_USERNAME`, passwordEnvVar: `${envPrefix}_PASSWORD` }
      return undefined
    }
    case 'oauth2': {
      const flows = isRecord(scheme.flows) ? scheme.flows : {}
      const flow = isRecord(flows.authorizationCode)
        ? flows.authorizationCode
        : isRecord(flows.implicit)
          ? flows.implicit
          : undefined
      if (flow === undefined || typeof flow.authorizationUrl !== 'string')
        return { type: 'bearer', envVar: `${envPrefix}_TOKEN` }
      const allScopes = isRecord(flow.scopes) ? Object.keys(flow.scopes) : []
      return {
        type: 'oauth2',
        authorizeUrl: flow.authorizationUrl,
        ...(typeof flow.tokenUrl === 'string' ? { tokenUrl: flow.tokenUrl } : {}),
        scopes: scopes.length > 0 ? scopes : allScopes,
        envVar: `${envPrefix}_TOKEN`,
      }
    }
    case 'openIdConnect':
      return { type: 'bearer', envVar: `${envPrefix}_TOKEN` }
    default:
      return undefined
  }
}
