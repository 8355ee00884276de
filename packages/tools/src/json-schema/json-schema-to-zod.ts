import { z } from 'zod'
import { dereference, isRecord, resolvePointer } from './json-pointer.js'
import { invalidOption } from '../invalid-option.js'

/** Options for {@link jsonSchemaToZod}. */
export interface JsonSchemaToZodOptions {
  /**
   * The document local `$ref`s point into, e.g. a whole OpenAPI document.
   * @default the schema itself
   */
  root?: unknown
  /**
   * Leave out properties marked `readOnly`, as a request body should.
   * @default false
   */
  omitReadOnly?: boolean
}

/**
 * Converts a JSON Schema (draft 4 to 2020-12, including OpenAPI 3.0's `nullable`) into a zod schema.
 * Covers `type` (and type arrays), `properties`/`required`/`additionalProperties`, `items`/`prefixItems`,
 * `enum`/`const`, `oneOf`/`anyOf` (as unions), `allOf` (merged), common string `format`s, numeric and
 * length bounds, `default` and `description`. Local `$ref`s resolve against `options.root`, recursive
 * ones lazily. Objects keep unknown keys unless `additionalProperties` is `false`, which strips them.
 *
 * @example
 * const input = jsonSchemaToZod({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
 */
export function jsonSchemaToZod(schema: unknown, options: JsonSchemaToZodOptions = {}): z.ZodType {
  return new JsonSchemaConverter(options.root ?? schema, options).convert(schema)
}

/** One conversion session over a document: `$ref`s converted once are reused. */
export class JsonSchemaConverter {
  readonly #root: unknown
  readonly #omitReadOnly: boolean
  readonly #refs = new Map<string, z.ZodType>()
  readonly #converting = new Set<string>()

  constructor(root: unknown, options: Pick<JsonSchemaToZodOptions, 'omitReadOnly'> = {}) {
    this.#root = root
    this.#omitReadOnly = options.omitReadOnly ?? false
  }

  convert(node: unknown): z.ZodType {
    if (node === true || node === undefined) return z.unknown()
    if (node === false) return z.never()
    if (!isRecord(node))
      throw invalidOption('schema', `A JSON Schema must be an object or a boolean, got ${JSON.stringify(node)}`)
    const base = typeof node.$ref === 'string' ? this.#ref(node.$ref) : this.#base(node)
    return annotate(base, node)
  }

  #ref(ref: string): z.ZodType {
    const done = this.#refs.get(ref)
    if (done) return done
    if (this.#converting.has(ref)) {
      // A recursive schema (a tree, a linked list): resolve on first use, after the outer call finished.
      return z.lazy(() => {
        const resolved = this.#refs.get(ref)
        if (!resolved) throw invalidOption('schema', `$ref "${ref}" could not be converted`)
        return resolved
      })
    }
    this.#converting.add(ref)
    const converted = this.convert(resolvePointer(this.#root, ref))
    this.#converting.delete(ref)
    this.#refs.set(ref, converted)
    return converted
  }

  #base(node: Record<string, unknown>): z.ZodType {
    const nullable = node.nullable === true
    let schema: z.ZodType
    if ('const' in node) schema = literalOf(node.const)
    else if (Array.isArray(node.enum)) schema = enumOf(node.enum)
    else if (Array.isArray(node.oneOf) || Array.isArray(node.anyOf)) {
      const alternatives = (Array.isArray(node.oneOf) ? node.oneOf : node.anyOf) as unknown[]
      schema = unionOf(alternatives.map((alternative) => this.convert(withSiblingType(node, alternative))))
    } else if (Array.isArray(node.allOf)) schema = this.#allOf(node)
    else schema = this.#typed(node)
    return nullable ? schema.nullable() : schema
  }

  #typed(node: Record<string, unknown>): z.ZodType {
    const declared = Array.isArray(node.type)
      ? node.type.filter((t): t is string => typeof t === 'string')
      : typeof node.type === 'string'
        ? [node.type]
        : [inferType(node)]
    const nullable = declared.includes('null') && declared.length > 1
    const types = nullable ? declared.filter((type) => type !== 'null') : declared
    const schema = unionOf(types.map((type) => this.#single(node, type)))
    return nullable ? schema.nullable() : schema
  }

  #single(node: Record<string, unknown>, type: string): z.ZodType {
    switch (type) {
      case 'string':
        return stringOf(node)
      case 'number':
      case 'integer':
        return numberOf(node, type === 'integer')
      case 'boolean':
        return z.boolean()
      case 'null':
        return z.null()
      case 'array':
        return this.#array(node)
      case 'object':
        return this.#object(node)
      default:
        return z.unknown()
    }
  }

  #array(node: Record<string, unknown>): z.ZodType {
    const tuple = Array.isArray(node.prefixItems)
      ? node.prefixItems
      : Array.isArray(node.items)
        ? node.items
        : undefined
    let schema: z.ZodType
    if (tuple) {
      const items = tuple.map((item) => this.convert(item))
      const rest = Array.isArray(node.items) ? undefined : node.items
      const [first, ...others] = items
      schema =
        first === undefined
          ? z.array(this.convert(rest))
          : rest === undefined || rest === false
            ? z.tuple([first, ...others])
            : z.tuple([first, ...others], this.convert(rest))
    } else {
      schema = z.array(this.convert(node.items))
    }
    if (typeof node.minItems === 'number') schema = schema.check(z.minLength(node.minItems))
    if (typeof node.maxItems === 'number') schema = schema.check(z.maxLength(node.maxItems))
    return schema
  }

  #object(node: Record<string, unknown>): z.ZodType {
    const properties = isRecord(node.properties) ? node.properties : {}
    const required = new Set(
      Array.isArray(node.required) ? node.required.filter((key): key is string => typeof key === 'string') : [],
    )
    const shape: Record<string, z.ZodType> = {}
    for (const [key, property] of Object.entries(properties)) {
      const target = dereference(this.#root, property)
      if (this.#omitReadOnly && isRecord(target) && target.readOnly === true) continue
      const converted = this.convert(property)
      const hasDefault = isRecord(property) && 'default' in property
      shape[key] = required.has(key) || hasDefault ? converted : converted.optional()
    }
    const extra = node.additionalProperties
    if (extra === false) return z.object(shape)
    if (isRecord(extra)) {
      const values = this.convert(extra)
      return Object.keys(shape).length === 0 ? z.record(z.string(), values) : z.object(shape).catchall(values)
    }
    return z.looseObject(shape)
  }

  #allOf(node: Record<string, unknown>): z.ZodType {
    const merged = this.#mergeObjects(node)
    if (merged) return this.#object(merged)
    const { allOf, ...rest } = node
    const parts = [...(allOf as unknown[]), ...(Object.keys(rest).length > 0 ? [rest] : [])].map((part) =>
      this.convert(part),
    )
    return parts.reduce((left, right) => z.intersection(left, right))
  }

  /**
   * The properties and required names of an object schema, following `$ref`s and merging `allOf`
   * parts; undefined when the schema is not a plain object (a union, an array, a scalar).
   */
  objectShape(node: unknown): { properties: Record<string, unknown>; required: string[] } | undefined {
    const target = dereference(this.#root, node)
    if (!isRecord(target) || Array.isArray(target.oneOf) || Array.isArray(target.anyOf)) return undefined
    const merged = Array.isArray(target.allOf) ? this.#mergeObjects(target) : target
    if (merged === undefined || !isRecord(merged.properties)) return undefined
    const required = Array.isArray(merged.required)
      ? merged.required.filter((key): key is string => typeof key === 'string')
      : []
    return { properties: merged.properties, required }
  }

  /** Flattens `allOf` of object schemas into one object schema; undefined when a part is not an object. */
  #mergeObjects(node: Record<string, unknown>): Record<string, unknown> | undefined {
    const properties: Record<string, unknown> = {}
    const required: string[] = []
    const parts: unknown[] = [node, ...(Array.isArray(node.allOf) ? (node.allOf as unknown[]) : [])]
    for (const [index, raw] of parts.entries()) {
      const part = index === 0 ? node : dereference(this.#root, raw)
      if (!isRecord(part)) return undefined
      if (index > 0 && Array.isArray(part.allOf)) {
        const nested = this.#mergeObjects(part)
        if (!nested) return undefined
        Object.assign(properties, nested.properties)
        required.push(...(nested.required as string[]))
        continue
      }
      const type = part.type ?? inferType(part)
      const objectLike = type === 'object' || (index === 0 && type === 'unknown')
      if (!objectLike || Array.isArray(part.oneOf) || Array.isArray(part.anyOf) || 'enum' in part || 'const' in part)
        return undefined
      if (isRecord(part.properties)) Object.assign(properties, part.properties)
      if (Array.isArray(part.required))
        required.push(...part.required.filter((key): key is string => typeof key === 'string'))
    }
    return { type: 'object', properties, required: [...new Set(required)] }
  }
}

function inferType(node: Record<string, unknown>): string {
  if (isRecord(node.properties) || 'additionalProperties' in node) return 'object'
  if ('items' in node || 'prefixItems' in node) return 'array'
  if ('minLength' in node || 'maxLength' in node || 'pattern' in node || 'format' in node) return 'string'
  if ('minimum' in node || 'maximum' in node || 'multipleOf' in node) return 'number'
  return 'unknown'
}

/** `{type: 'object', oneOf: [{properties…}]}`: alternatives inherit the parent's `type` when they have none. */
function withSiblingType(parent: Record<string, unknown>, alternative: unknown): unknown {
  if (!isRecord(alternative) || 'type' in alternative || '$ref' in alternative || typeof parent.type !== 'string')
    return alternative
  return { ...alternative, type: parent.type }
}

function stringOf(node: Record<string, unknown>): z.ZodType {
  let schema: z.ZodType
  switch (node.format) {
    case 'email':
      schema = z.email()
      break
    case 'uri':
    case 'url':
      schema = z.url()
      break
    case 'uuid':
      schema = z.uuid()
      break
    case 'date-time':
      schema = z.iso.datetime({ offset: true })
      break
    case 'date':
      schema = z.iso.date()
      break
    case 'time':
      schema = z.iso.time()
      break
    case 'ipv4':
      schema = z.ipv4()
      break
    case 'ipv6':
      schema = z.ipv6()
      break
    default:
      schema = z.string()
  }
  if (typeof node.minLength === 'number') schema = schema.check(z.minLength(node.minLength))
  if (typeof node.maxLength === 'number') schema = schema.check(z.maxLength(node.maxLength))
  if (typeof node.pattern === 'string') schema = schema.check(z.regex(new RegExp(node.pattern, 'u')))
  return schema
}

function numberOf(node: Record<string, unknown>, integer: boolean): z.ZodType {
  let schema: z.ZodType = integer ? z.number().int() : z.number()
  // OpenAPI 3.0 / draft 4 spell exclusive bounds as booleans beside minimum/maximum; later drafts as numbers.
  if (typeof node.minimum === 'number')
    schema = schema.check(node.exclusiveMinimum === true ? z.gt(node.minimum) : z.gte(node.minimum))
  if (typeof node.maximum === 'number')
    schema = schema.check(node.exclusiveMaximum === true ? z.lt(node.maximum) : z.lte(node.maximum))
  if (typeof node.exclusiveMinimum === 'number') schema = schema.check(z.gt(node.exclusiveMinimum))
  if (typeof node.exclusiveMaximum === 'number') schema = schema.check(z.lt(node.exclusiveMaximum))
  if (typeof node.multipleOf === 'number') schema = schema.check(z.multipleOf(node.multipleOf))
  return schema
}

type Primitive = string | number | boolean | null

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

function literalOf(value: unknown): z.ZodType {
  if (value === null) return z.null()
  if (isPrimitive(value)) return z.literal(value)
  const expected = JSON.stringify(value)
  return z.unknown().refine((candidate) => JSON.stringify(candidate) === expected, { message: `Expected ${expected}` })
}

function enumOf(values: readonly unknown[]): z.ZodType {
  const nullable = values.includes(null)
  const rest = values.filter((value) => value !== null)
  const strings = rest.filter((value): value is string => typeof value === 'string')
  const [first, ...others] = strings
  const schema =
    first !== undefined && strings.length === rest.length ? z.enum([first, ...others]) : unionOf(rest.map(literalOf))
  return nullable ? schema.nullable() : schema
}

function unionOf(schemas: readonly z.ZodType[]): z.ZodType {
  const [first, second, ...rest] = schemas
  if (first === undefined) return z.never()
  if (second === undefined) return first
  return z.union([first, second, ...rest])
}

function annotate(schema: z.ZodType, node: Record<string, unknown>): z.ZodType {
  let annotated = schema
  if (typeof node.description === 'string' && node.description !== '') annotated = annotated.describe(node.description)
  if ('default' in node && node.default !== undefined) annotated = annotated.default(node.default)
  return annotated
}
