import type { z } from 'zod'
import type { CapabilitySpec, Tool } from '../../define-tool.js'
import { defineTool } from '../../define-tool.js'
import { executeHttp } from '../../http/execute-http.js'
import { ToolDefinitionError } from '../../tool-definition-error.js'
import { capabilityOperation, methodOf } from './capability-operation.js'
import { definitionSchema } from './definition-schema.js'
import { parametersToZod } from './parameters-to-zod.js'
import { issuesOf } from '../../zod-issue.js'

/** Options for {@link toolFromDefinition}. */
export interface ToolFromDefinitionOptions {
  /**
   * Replaces the definition's `base_url`, e.g. to point a tool at a staging server.
   * @default the definition's `base_url`
   */
  baseUrl?: string
  /**
   * Most pages a paginated capability follows in one call, unless its `pagination.max_pages` says otherwise.
   * @default 10
   */
  maxPages?: number
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Turns a custom-tool JSON definition (the hosted API's format) into a tool whose capabilities are
 * HTTP calls. The definition is validated first; a malformed one throws {@link ToolDefinitionError}
 * naming every bad field.
 *
 * @example
 * const crm = toolFromDefinition({
 *   name: 'crm',
 *   description: 'Contacts and deals',
 *   version: '1.0.0',
 *   base_url: 'https://crm.example.com/v1',
 *   auth: { type: 'api_key', header: 'X-API-Key', env_var: 'CRM_API_KEY' },
 *   capabilities: [
 *     { name: 'get_contact', description: 'One contact by id', path: '/contacts/{id}', parameters: { id: { type: 'string', required: true } } },
 *   ],
 * })
 */
export function toolFromDefinition(json: unknown, options: ToolFromDefinitionOptions = {}): Tool {
  const parsed = definitionSchema.safeParse(json)
  if (!parsed.success) {
    const name =
      typeof json === 'object' && json !== null && 'name' in json && typeof json.name === 'string'
        ? ` "${json.name}"`
        : ''
    throw new ToolDefinitionError(`Tool definition${name}`, issuesOf(parsed.error))
  }
  const definition = parsed.data
  const maxPages = options.maxPages ?? 10
  const capabilities: Record<string, CapabilitySpec<z.ZodObject>> = {}
  for (const capability of definition.capabilities) {
    const live = capabilityOperation(definition, capability, {
      baseUrl: options.baseUrl ?? definition.base_url,
      maxPages,
    })
    const sideEffects = capability.side_effects ?? !SAFE_METHODS.has(methodOf(capability))
    const sandboxUrl = definition.sandbox_base_url
    const sandbox = sideEffects && sandboxUrl !== undefined ? { ...live, baseUrl: sandboxUrl } : undefined
    capabilities[capability.name] = {
      description: capability.description,
      input: parametersToZod(capability),
      sideEffects,
      ...(capability.requires_approval === undefined ? {} : { requiresApproval: capability.requires_approval }),
      ...(capability.timeout_ms === undefined ? {} : { timeoutMs: capability.timeout_ms }),
      run: (input, ctx) => executeHttp(live, input, ctx),
      ...(sandbox === undefined ? {} : { sandbox: (input, ctx) => executeHttp(sandbox, input, ctx) }),
    }
  }
  return defineTool({
    name: definition.name,
    description: definition.description,
    tags: definition.tags ?? [],
    capabilities,
  })
}
