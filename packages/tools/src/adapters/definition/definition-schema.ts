import { z } from 'zod'

const NAME = /^[a-z][a-z0-9_-]{0,63}$/
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const PARAMETER_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const

const httpUrl = z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' })
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'Expected a parameter name (letters, digits, _ . -)')

const parameter = z
  .object({
    type: z.enum(PARAMETER_TYPES),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    description: z.string().optional(),
    /** Extension: where the parameter goes. Defaults from the path template and the method. */
    in: z.enum(['path', 'query', 'header', 'body']).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.default !== undefined && !matchesType(spec.type, spec.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `Expected a default of type ${spec.type}` })
    }
  })

const maxPages = z.number().int().min(1).optional()
const itemsField = z.string().min(1).optional()
const pagination = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('link'),
    page_size_param: identifier.optional(),
    items_field: itemsField,
    max_pages: maxPages,
  }),
  z.object({
    type: z.literal('cursor'),
    cursor_param: identifier.default('cursor'),
    cursor_field: z.string().min(1).default('next_cursor'),
    has_more_field: z.string().min(1).default('has_more'),
    page_size_param: identifier.optional(),
    items_field: itemsField,
    max_pages: maxPages,
  }),
  z.object({
    type: z.literal('offset'),
    offset_param: identifier.default('offset'),
    limit_param: identifier.default('limit'),
    items_field: itemsField,
    max_pages: maxPages,
  }),
])

const envVar = z.string().min(1)
const auth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z
    .object({
      type: z.literal('api_key'),
      header: z.string().min(1).optional(),
      query_param: z.string().min(1).optional(),
      env_var: envVar.optional(),
    })
    .refine((spec) => (spec.header === undefined) !== (spec.query_param === undefined), {
      path: ['header'],
      message: 'Give exactly one of header or query_param',
    }),
  z.object({ type: z.literal('bearer'), env_var: envVar.optional() }),
  z.object({ type: z.literal('basic'), username_env_var: envVar.optional(), password_env_var: envVar.optional() }),
  z.object({
    type: z.literal('oauth2'),
    authorize_url: httpUrl,
    token_url: httpUrl,
    scopes: z.array(z.string().min(1)).default([]),
    env_var: envVar.optional(),
  }),
])

const capability = z
  .object({
    name: z.string().regex(NAME, `Expected a capability name matching ${NAME.source}`),
    description: z.string().min(1),
    parameters: z.record(identifier, parameter).default({}),
    method: z.string().toUpperCase().pipe(z.enum(METHODS)).optional(),
    path: z.string().startsWith('/', 'Expected a path starting with /').optional(),
    side_effects: z.boolean().optional(),
    requires_approval: z.boolean().optional(),
    timeout_ms: z.number().int().positive().optional(),
    pagination: pagination.optional(),
  })
  .superRefine((spec, ctx) => {
    for (const placeholder of placeholders(spec.path ?? '')) {
      const declared = spec.parameters[placeholder]
      if (declared === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['path'],
          message: `Path placeholder {${placeholder}} is not a declared parameter`,
        })
      else if (declared.in !== undefined && declared.in !== 'path') {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', placeholder, 'in'],
          message: 'A path placeholder must be a path parameter',
        })
      }
    }
  })

/** The custom-tool JSON format of the reference docs, with `method`, `path` and a few extensions. */
export const definitionSchema = z
  .object({
    name: z.string().regex(NAME, `Expected a tool name matching ${NAME.source}`),
    description: z.string().min(1),
    version: z.string().regex(SEMVER, 'Expected a semver version such as 1.0.0'),
    base_url: httpUrl,
    /** Extension: a base URL for test mode; side-effecting capabilities call it instead of the live one. */
    sandbox_base_url: httpUrl.optional(),
    auth: auth.default({ type: 'none' }),
    tags: z.array(z.string().min(1)).optional(),
    capabilities: z.array(capability).min(1, 'Expected at least one capability'),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>()
    for (const [index, entry] of spec.capabilities.entries()) {
      if (seen.has(entry.name))
        ctx.addIssue({
          code: 'custom',
          path: ['capabilities', index, 'name'],
          message: `Duplicate capability name "${entry.name}"`,
        })
      seen.add(entry.name)
    }
  })

/** A validated custom-tool definition. */
export type ParsedDefinition = z.output<typeof definitionSchema>
export type ParsedCapability = ParsedDefinition['capabilities'][number]
export type ParsedParameter = ParsedCapability['parameters'][string]

export function placeholders(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '')
}

function matchesType(type: (typeof PARAMETER_TYPES)[number], value: unknown): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    default:
      return typeof value === type
  }
}
