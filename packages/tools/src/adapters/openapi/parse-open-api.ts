import { parse as parseYaml } from 'yaml'
import { ToolDefinitionError } from '../../tool-definition-error.js'
import { isRecord } from '../../json-schema/json-pointer.js'

/** An OpenAPI 3.0 or 3.1 document as a plain object. Only the parts the adapter reads are typed. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; description?: string; version?: string }
  servers?: { url: string; variables?: Record<string, { default: string }> }[]
  paths?: Record<string, unknown>
  components?: Record<string, unknown>
  security?: Record<string, string[]>[]
  [key: string]: unknown
}

/**
 * Parses an OpenAPI 3.0 or 3.1 document from JSON or YAML text and checks it is one.
 *
 * @example
 * const document = parseOpenApi(await readFile('openapi.yaml', 'utf8'))
 */
export function parseOpenApi(text: string): OpenApiDocument {
  let value: unknown
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new ToolDefinitionError('OpenAPI document', [
      { path: '', message: `Not JSON or YAML: ${error instanceof Error ? error.message : String(error)}` },
    ])
  }
  return assertOpenApi(value)
}

/** Checks the parts of an OpenAPI document the adapter relies on, naming each bad field. */
export function assertOpenApi(value: unknown): OpenApiDocument {
  const issues: { path: string; message: string }[] = []
  if (!isRecord(value)) throw new ToolDefinitionError('OpenAPI document', [{ path: '', message: 'Expected an object' }])
  if (typeof value.openapi !== 'string' || !/^3\.[01]\.\d+/.test(value.openapi)) {
    issues.push({
      path: 'openapi',
      message: `Expected an OpenAPI version 3.0.x or 3.1.x${typeof value.swagger === 'string' ? ' (Swagger 2.0 is not supported)' : ''}`,
    })
  }
  if (!isRecord(value.info) || typeof value.info.title !== 'string')
    issues.push({ path: 'info.title', message: 'Expected a string' })
  if (value.paths !== undefined && !isRecord(value.paths)) issues.push({ path: 'paths', message: 'Expected an object' })
  if (
    value.servers !== undefined &&
    (!Array.isArray(value.servers) ||
      value.servers.some((server) => !isRecord(server) || typeof server.url !== 'string'))
  ) {
    issues.push({ path: 'servers', message: 'Expected a list of {url}' })
  }
  if (issues.length > 0) throw new ToolDefinitionError('OpenAPI document', issues)
  return value as OpenApiDocument
}
