import type { HttpAuth } from '../../http/http-auth.js'
import type { HttpMethod, HttpOperation, HttpParameter } from '../../http/http-operation.js'
import type { Pagination } from '../../http/pagination.js'
import type { ParsedCapability, ParsedDefinition } from './definition-schema.js'
import { placeholders } from './definition-schema.js'
import { pageSizeParam } from './parameters-to-zod.js'

/** Methods whose parameters travel in the query string; the others send a JSON body. */
const QUERY_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'DELETE'])

/** The HTTP method a capability uses: its own, else POST when it has side effects, else GET. */
export function methodOf(capability: ParsedCapability): HttpMethod {
  return capability.method ?? (capability.side_effects === true ? 'POST' : 'GET')
}

/** Compiles one capability of a validated definition into the shared HTTP operation. */
export function capabilityOperation(
  definition: ParsedDefinition,
  capability: ParsedCapability,
  target: { baseUrl: string; maxPages: number },
): HttpOperation {
  const { baseUrl, maxPages } = target
  const method = methodOf(capability)
  const path = capability.path ?? `/${capability.name}`
  const inPath = new Set(placeholders(path))
  const parameters: HttpParameter[] = Object.entries(capability.parameters).map(([name, spec]) => ({
    name,
    in: spec.in ?? (inPath.has(name) ? 'path' : QUERY_METHODS.has(method) ? 'query' : 'body'),
  }))
  const pagination = paginationOf(capability, maxPages)
  for (const name of paginationParams(capability)) {
    if (!parameters.some((parameter) => parameter.name === name))
      parameters.push({ name, in: QUERY_METHODS.has(method) ? 'query' : 'body' })
  }
  return {
    service: definition.name,
    baseUrl,
    method,
    path,
    parameters,
    auth: authOf(definition.auth),
    ...(pagination === undefined ? {} : { pagination }),
  }
}

function paginationParams(capability: ParsedCapability): string[] {
  const pagination = capability.pagination
  const names = [pageSizeParam(capability)]
  if (pagination?.type === 'cursor') names.push(pagination.cursor_param)
  if (pagination?.type === 'offset') names.push(pagination.offset_param)
  return names.filter((name): name is string => name !== undefined)
}

function paginationOf(capability: ParsedCapability, defaultMaxPages: number): Pagination | undefined {
  const spec = capability.pagination
  if (spec === undefined) return undefined
  const base = {
    maxPages: spec.max_pages ?? defaultMaxPages,
    ...(spec.items_field === undefined ? {} : { itemsField: spec.items_field }),
  }
  switch (spec.type) {
    case 'link':
      return { ...base, type: 'link' }
    case 'cursor':
      return {
        ...base,
        type: 'cursor',
        cursorParam: spec.cursor_param,
        cursorField: spec.cursor_field,
        hasMoreField: spec.has_more_field,
      }
    case 'offset':
      return { ...base, type: 'offset', offsetParam: spec.offset_param, limitParam: spec.limit_param }
  }
}

function authOf(auth: ParsedDefinition['auth']): HttpAuth {
  const env = (name: string | undefined): { envVar?: string } => (name === undefined ? {} : { envVar: name })
  switch (auth.type) {
    case 'none':
      return { type: 'none' }
    case 'api_key':
      return auth.header === undefined
        ? { type: 'api_key', in: 'query', name: auth.query_param ?? 'api_key', ...env(auth.env_var) }
        : { type: 'api_key', in: 'header', name: auth.header, ...env(auth.env_var) }
    case 'bearer':
      return { type: 'bearer', ...env(auth.env_var) }
    case 'basic':
      return {
        type: 'basic',
        ...(auth.username_env_var === undefined ? {} : { usernameEnvVar: auth.username_env_var }),
        ...(auth.password_env_var === undefined ? {} : { passwordEnvVar: auth.password_env_var }),
      }
    case 'oauth2':
      return {
        type: 'oauth2',
        authorizeUrl: auth.authorize_url,
        tokenUrl: auth.token_url,
        scopes: auth.scopes,
        ...env(auth.env_var),
      }
  }
}
