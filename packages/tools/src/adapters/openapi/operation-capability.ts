import { z } from 'zod'
import type { CapabilitySpec } from '../../define-tool.js'
import { executeHttp } from '../../http/execute-http.js'
import type { HttpAuth } from '../../http/http-auth.js'
import type { HttpMethod, HttpOperation, HttpParameter } from '../../http/http-operation.js'
import type { Pagination } from '../../http/pagination.js'
import { dereference, isRecord } from '../../json-schema/json-pointer.js'
import type { JsonSchemaConverter } from '../../json-schema/json-schema-to-zod.js'

/** What one OpenAPI operation compiles from. */
export interface OperationSource {
  readonly service: string
  readonly baseUrl: string
  readonly method: HttpMethod
  readonly path: string
  readonly pathItem: Record<string, unknown>
  readonly operation: Record<string, unknown>
  readonly auth: readonly HttpAuth[]
  readonly pagination: Pagination | undefined
  readonly root: unknown
  readonly converter: JsonSchemaConverter
  readonly bodyConverter: JsonSchemaConverter
}

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * One capability from one operation: path, query and header parameters plus the JSON (or form)
 * request body become the zod input. An object body's properties are flattened into the input
 * beside the parameters; any other body (or one whose names clash) is the `body` field.
 */
export function operationCapability(source: OperationSource): CapabilitySpec<z.ZodObject> {
  const { operation, root } = source
  const shape: Record<string, z.ZodType> = {}
  const parameters: HttpParameter[] = []
  for (const parameter of mergedParameters(source)) {
    const where = parameter.in
    if ((where !== 'path' && where !== 'query' && where !== 'header') || typeof parameter.name !== 'string') continue
    const schema = parameterSchema(parameter, source.converter)
    const described = typeof parameter.description === 'string' ? schema.describe(parameter.description) : schema
    shape[parameter.name] = parameter.required === true || where === 'path' ? described : described.optional()
    parameters.push({ name: parameter.name, in: where })
  }

  let bodyField: string | undefined
  let bodyEncoding: 'json' | 'form' = 'json'
  const requestBody = dereference(root, operation.requestBody)
  const media = isRecord(requestBody) ? bodyMedia(requestBody) : undefined
  if (isRecord(requestBody) && media) {
    bodyEncoding = media.encoding
    const required = requestBody.required === true
    const object = source.bodyConverter.objectShape(media.schema)
    const clash = object !== undefined && Object.keys(object.properties).some((name) => name in shape)
    if (object !== undefined && !clash) {
      const requiredProps = new Set(object.required)
      for (const [name, property] of Object.entries(object.properties)) {
        const target = dereference(root, property)
        if (isRecord(target) && target.readOnly === true) continue
        const converted = source.bodyConverter.convert(property)
        const hasDefault = isRecord(property) && 'default' in property
        shape[name] = (required && requiredProps.has(name)) || hasDefault ? converted : converted.optional()
        parameters.push({ name, in: 'body' })
      }
    } else {
      bodyField = 'body'
      const converted = source.bodyConverter.convert(media.schema)
      const described =
        typeof requestBody.description === 'string' ? converted.describe(requestBody.description) : converted
      shape.body = required ? described : described.optional()
    }
  }

  const http: HttpOperation = {
    service: source.service,
    baseUrl: source.baseUrl,
    method: source.method,
    path: source.path,
    parameters,
    auth: source.auth,
    bodyEncoding,
    ...(bodyField === undefined ? {} : { bodyField }),
    ...(source.pagination === undefined ? {} : { pagination: source.pagination }),
  }
  const summary =
    typeof operation.summary === 'string'
      ? operation.summary
      : typeof operation.description === 'string'
        ? operation.description
        : `${source.method} ${source.path}`
  return {
    description: summary,
    input: z.object(shape),
    sideEffects: !SAFE_METHODS.has(source.method),
    run: (input, ctx) => executeHttp(http, input, ctx),
  }
}

/** Path-item parameters overridden by the operation's own (same `name` and `in`). */
function mergedParameters(source: OperationSource): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>()
  for (const list of [source.pathItem.parameters, source.operation.parameters]) {
    if (!Array.isArray(list)) continue
    for (const raw of list) {
      const parameter = dereference(source.root, raw)
      if (isRecord(parameter)) byKey.set(`${String(parameter.in)}:${String(parameter.name)}`, parameter)
    }
  }
  return [...byKey.values()]
}

function parameterSchema(parameter: Record<string, unknown>, converter: JsonSchemaConverter): z.ZodType {
  if (parameter.schema !== undefined) return converter.convert(parameter.schema)
  const content = isRecord(parameter.content) ? Object.values(parameter.content)[0] : undefined
  return converter.convert(isRecord(content) ? content.schema : undefined)
}

function bodyMedia(requestBody: Record<string, unknown>): { schema: unknown; encoding: 'json' | 'form' } | undefined {
  const content = isRecord(requestBody.content) ? requestBody.content : {}
  const json = Object.keys(content).find((type) => /^application\/([\w.-]+\+)?json\b/i.test(type))
  const form = Object.keys(content).find((type) => type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
  const chosen = json ?? form
  if (chosen === undefined) return undefined
  const media = content[chosen]
  return { schema: isRecord(media) ? media.schema : undefined, encoding: json === undefined ? 'form' : 'json' }
}
