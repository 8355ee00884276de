import type { z } from 'zod'
import type { CapabilitySpec, Tool } from '../../define-tool.js'
import { defineTool } from '../../define-tool.js'
import type { HttpMethod } from '../../http/http-operation.js'
import type { Pagination } from '../../http/pagination.js'
import { isRecord } from '../../json-schema/json-pointer.js'
import { JsonSchemaConverter } from '../../json-schema/json-schema-to-zod.js'
import { ToolDefinitionError } from '../../tool-definition-error.js'
import type { DefinitionIssue } from '../../tool-definition-error.js'
import { operationCapability } from './operation-capability.js'
import { assertOpenApi } from './parse-open-api.js'
import { securityAuth } from './security-auth.js'

/** How one operation paginates; field and parameter names default as in custom-tool JSON. */
export type OpenApiPagination =
  | { type: 'link'; maxPages?: number; itemsField?: string }
  | {
      type: 'cursor'
      cursorParam?: string
      cursorField?: string
      hasMoreField?: string
      maxPages?: number
      itemsField?: string
    }
  | { type: 'offset'; offsetParam?: string; limitParam?: string; maxPages?: number; itemsField?: string }

/** Options for {@link openApiTools}. */
export interface OpenApiToolsOptions {
  /**
   * Tool name (the service credentials are looked up for).
   * @default `info.title` in snake_case
   */
  name?: string
  /**
   * Base URL of the API, replacing `servers[0]`; required when that URL is relative.
   * @default `servers[0].url` with its variables' defaults
   */
  baseUrl?: string
  /**
   * One tool per operation tag (named after the tag) instead of one tool for the whole document.
   * @default false
   */
  splitByTag?: boolean
  /**
   * Keeps only these operations, by operationId or capability name.
   * @default every operation
   */
  operations?: readonly string[]
  /**
   * Pagination per operation, by operationId or capability name.
   * @default none
   */
  pagination?: Readonly<Record<string, OpenApiPagination>>
  /**
   * Default page cap for paginated operations.
   * @default 10
   */
  maxPages?: number
}

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']

/**
 * Turns an OpenAPI 3.0 or 3.1 document (an object; see `parseOpenApi` for text) into tools: each
 * operation becomes a capability named after its operationId in snake_case (or method and path),
 * with a zod input built from its parameters and JSON request body, and auth from its security
 * schemes. Calls go through the same HTTP plumbing as custom-tool definitions.
 *
 * @example
 * const [petstore] = openApiTools(parseOpenApi(text), { name: 'petstore', baseUrl: 'https://petstore3.swagger.io/api/v3' })
 */
export function openApiTools(document: unknown, options: OpenApiToolsOptions = {}): Tool[] {
  const doc = assertOpenApi(document)
  const name = options.name ?? (snakeCase(doc.info.title) || 'api')
  const baseUrl = options.baseUrl ?? serverUrl(doc)
  if (baseUrl === undefined) {
    throw new ToolDefinitionError(`OpenAPI document "${doc.info.title}"`, [
      {
        path: 'servers.0.url',
        message: 'Expected an absolute http(s) URL; pass options.baseUrl for relative or missing servers',
      },
    ])
  }
  const envPrefix = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
  const converter = new JsonSchemaConverter(doc)
  const bodyConverter = new JsonSchemaConverter(doc, { omitReadOnly: true })
  const groups = new Map<string, { tags: Set<string>; capabilities: Record<string, CapabilitySpec<z.ZodObject>> }>()
  const issues: DefinitionIssue[] = []

  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    if (!isRecord(rawItem)) continue
    for (const method of METHODS) {
      const operation = rawItem[method.toLowerCase()]
      if (!isRecord(operation)) continue
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : undefined
      const capabilityName = capabilityNameOf(operationId, method, path)
      if (
        options.operations &&
        !options.operations.some((wanted) => wanted === operationId || wanted === capabilityName)
      )
        continue
      const tags = Array.isArray(operation.tags)
        ? operation.tags.filter((tag): tag is string => typeof tag === 'string')
        : []
      const groupName = options.splitByTag === true && tags[0] !== undefined ? snakeCase(tags[0]) || name : name
      const group = groups.get(groupName) ?? { tags: new Set<string>(), capabilities: {} }
      groups.set(groupName, group)
      const paginationSpec = options.pagination?.[operationId ?? ''] ?? options.pagination?.[capabilityName]
      try {
        const capability = operationCapability({
          service: groupName,
          baseUrl,
          method,
          path,
          pathItem: rawItem,
          operation,
          auth: securityAuth(doc, operation.security ?? doc.security, envPrefix),
          pagination: paginationSpec === undefined ? undefined : pagination(paginationSpec, options.maxPages ?? 10),
          root: doc,
          converter,
          bodyConverter,
        })
        group.capabilities[unique(capabilityName, group.capabilities)] = capability
        for (const tag of tags) group.tags.add(tag.toLowerCase())
      } catch (error) {
        issues.push({
          path: `paths.${path}.${method.toLowerCase()}`,
          message: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }
  if (issues.length > 0) throw new ToolDefinitionError(`OpenAPI document "${doc.info.title}"`, issues)
  const description = doc.info.description ?? doc.info.title
  return [...groups.entries()]
    .filter(([, group]) => Object.keys(group.capabilities).length > 0)
    .map(([groupName, group]) =>
      defineTool({ name: groupName, description, tags: [...group.tags], capabilities: group.capabilities }),
    )
}

function serverUrl(doc: ReturnType<typeof assertOpenApi>): string | undefined {
  const server = doc.servers?.[0]
  if (server === undefined) return undefined
  const url = server.url.replace(
    /\{([^}]+)\}/g,
    (whole, variable: string) => server.variables?.[variable]?.default ?? whole,
  )
  return /^https?:\/\//i.test(url) ? url : undefined
}

function capabilityNameOf(operationId: string | undefined, method: HttpMethod, path: string): string {
  const name = snakeCase(operationId ?? `${method} ${path}`)
  const safe = /^[a-z]/.test(name) ? name : `op_${name}`
  return safe.slice(0, 64).replace(/_+$/, '')
}

function unique(name: string, taken: Record<string, unknown>): string {
  if (!(name in taken)) return name
  for (let index = 2; ; index += 1) {
    const candidate = `${name.slice(0, 60)}_${index}`
    if (!(candidate in taken)) return candidate
  }
}

/** `findPetsByStatus` → `find_pets_by_status`, `GET /pet/{petId}` → `get_pet_pet_id`. */
function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

function pagination(spec: OpenApiPagination, defaultMaxPages: number): Pagination {
  const base = {
    maxPages: spec.maxPages ?? defaultMaxPages,
    ...(spec.itemsField === undefined ? {} : { itemsField: spec.itemsField }),
  }
  switch (spec.type) {
    case 'link':
      return { ...base, type: 'link' }
    case 'cursor':
      return {
        ...base,
        type: 'cursor',
        cursorParam: spec.cursorParam ?? 'cursor',
        cursorField: spec.cursorField ?? 'next_cursor',
        hasMoreField: spec.hasMoreField ?? 'has_more',
      }
    case 'offset':
      return {
        ...base,
        type: 'offset',
        offsetParam: spec.offsetParam ?? 'offset',
        limitParam: spec.limitParam ?? 'limit',
      }
  }
}
