import { z } from 'zod'
import type { ParsedCapability, ParsedParameter } from './definition-schema.js'

/** The zod input schema of a custom-tool capability, from its declared parameters. */
export function parametersToZod(capability: ParsedCapability): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [name, spec] of Object.entries(capability.parameters)) shape[name] = parameterToZod(spec)
  // The page size is an input so the runtime can tune it from what worked before.
  const pageSize = pageSizeParam(capability)
  if (pageSize !== undefined && shape[pageSize] === undefined) {
    shape[pageSize] = z.number().int().positive().optional().describe('Items per page')
  }
  return z.object(shape)
}

/** The parameter that sets the page size, when the capability paginates with one. */
export function pageSizeParam(capability: ParsedCapability): string | undefined {
  const pagination = capability.pagination
  if (pagination === undefined) return undefined
  return pagination.type === 'offset' ? pagination.limit_param : pagination.page_size_param
}

function parameterToZod(spec: ParsedParameter): z.ZodType {
  let schema: z.ZodType
  switch (spec.type) {
    case 'string':
      schema = z.string()
      break
    case 'number':
      schema = z.number()
      break
    case 'boolean':
      schema = z.boolean()
      break
    case 'object':
      schema = z.record(z.string(), z.unknown())
      break
    case 'array':
      schema = z.array(z.unknown())
      break
  }
  if (spec.description !== undefined) schema = schema.describe(spec.description)
  if (spec.default !== undefined) return schema.default(spec.default)
  return spec.required === true ? schema : schema.optional()
}
