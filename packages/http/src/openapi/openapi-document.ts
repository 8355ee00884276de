import { z } from 'zod'
import { HTTP_STATUS } from '../errors/http-status.js'
import { ROUTE_SPECS, type RouteSpec } from '../routes/route-specs.js'
import { errorBodySchema } from './response-schemas.js'

type JsonSchema = Record<string, unknown>

/**
 * The OpenAPI 3.1 document of the REST API, generated from the zod schemas the handler validates
 * with. JSON Schema 2020-12 is OpenAPI 3.1's schema dialect, so zod's output is used as is; only
 * its local `$defs` move to `components.schemas` so references resolve from the document root.
 */
export function createOpenApiDocument(prefix: string, version = '0.1.0'): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {}
  const toSchema = (schema: z.ZodType, name: string, io: 'input' | 'output'): JsonSchema => {
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema
    const { $schema: _dialect, $defs, ...json } = generated
    const relink = (value: unknown): JsonSchema =>
      JSON.parse(
        JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, `"#/components/schemas/${name}.$1"`),
      ) as JsonSchema
    for (const [key, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>))
      components[`${name}.${key}`] = relink(def)
    return relink(json)
  }
  components.Error = toSchema(errorBodySchema, 'Error', 'output')

  const paths: Record<string, Record<string, unknown>> = {}
  for (const [operationId, spec] of Object.entries(ROUTE_SPECS) as Array<[string, RouteSpec]>) {
    const path = prefix + spec.path.replace(/:(\w+)/g, '{$1}')
    const parameters: unknown[] = [...spec.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (spec.query) {
      const query = toSchema(spec.query, `${operationId}Query`, 'input')
      const required = new Set((query.required ?? []) as string[])
      for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema })
      }
    }
    if (spec.success.contentType === 'text/event-stream') {
      parameters.push({
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^[0-9]+$' },
        description: 'Replays the kept events after this id',
      })
    }
    if (operationId === 'createTask') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 255 },
        description: 'Replays the first response for 24 hours',
      })
    }
    const responses: Record<string, unknown> = {
      [String(spec.success.status)]: {
        description: spec.success.description,
        content: {
          [spec.success.contentType ?? 'application/json']: {
            schema: toSchema(spec.success.schema, `${operationId}Response`, 'output'),
          },
        },
      },
    }
    for (const code of spec.errors) {
      const status = String(HTTP_STATUS[code])
      const existing = responses[status] as { description: string } | undefined
      responses[status] = {
        description: existing ? `${existing.description}, ${code}` : code,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }
    }
    const operation: Record<string, unknown> = { operationId, summary: spec.summary, parameters, responses }
    if (!spec.auth) operation.security = []
    if (spec.body)
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(spec.body, `${operationId}Body`, 'input') } },
      }
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Inboard REST API',
      version,
      description: 'Tasks, subagents and traces of an Inboard runtime, wire-compatible with the hosted API.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'pk_test_… or pk_live_… API key' } },
    },
  }
}
