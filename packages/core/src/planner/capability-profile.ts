import { root, words } from '../text/tokens.js'
import type { CapabilityInfo, JsonSchema } from './planner.js'

/** What kind of value a parameter takes, judged from its schema, name and description. */
export type ParamKind =
  | 'enum'
  | 'email'
  | 'url'
  | 'date'
  | 'boolean'
  | 'amount'
  | 'count'
  | 'number'
  | 'id'
  | 'location'
  | 'entity'
  | 'phone'
  | 'path'
  | 'range'
  | 'code'
  | 'query'
  | 'text'
  | 'title'
  | 'string'
  | 'list'
  | 'other'

export type EnumValue = string | number | boolean

export interface ParamProfile {
  name: string
  kind: ParamKind
  required: boolean
  hasDefault: boolean
  /** The JSON type the value must have (`string`, `number`, `integer`, `boolean`, `array`…). */
  type: string | null
  format: string | null
  description: string | null
  enumValues: readonly EnumValue[] | null
  /** One case-insensitive whole-phrase pattern per enum value, compiled once. */
  enumPatterns: readonly RegExp[]
  /** Roots of the name's words, e.g. `created_after` → `creat`, `after`. */
  nameRoots: readonly string[]
  /** Roots of the name's and description's words. */
  roots: ReadonlySet<string>
  /** For dates and numbers: which end of a range the parameter is (`since`, `max_amount`…). */
  bound: 'from' | 'to' | null
  minimum: number | null
  maximum: number | null
  /** For arrays: the profile of one item. */
  items: ParamProfile | null
}

export interface CapabilityProfile {
  /** Keyword root → weight, the strongest source winning (name 3, tags 2, description 1…). */
  weights: ReadonlyMap<string, number>
  /** Roots of the capability's own name and description, for write-verb matching. */
  ownRoots: ReadonlySet<string>
  /** Roots of the capability's own name ("restart" and "servic" for `restart_service`), not its tool's. */
  nameRoots: ReadonlySet<string>
  params: readonly ParamProfile[]
  kinds: ReadonlySet<ParamKind>
}

const FROM_WORDS = new Set([
  'after',
  'since',
  'from',
  'start',
  'begin',
  'min',
  'minimum',
  'gte',
  'gt',
  'over',
  'above',
  'least',
  'newer',
  'earliest',
  'oldest',
])
const TO_WORDS = new Set([
  'before',
  'until',
  'till',
  'to',
  'end',
  'max',
  'maximum',
  'lte',
  'lt',
  'under',
  'below',
  'most',
  'older',
  'latest',
  'due',
  'deadline',
])
const DATE_WORDS = new Set([
  'date',
  'day',
  'time',
  'timestamp',
  'datetime',
  'since',
  'until',
  'after',
  'before',
  'when',
  'at',
  'on',
  'deadline',
  'due',
  'start',
  'end',
  'created',
  'updated',
  'modified',
  'born',
])
const AMOUNT_WORDS = new Set([
  'amount',
  'price',
  'cost',
  'value',
  'budget',
  'total',
  'revenue',
  'salary',
  'fee',
  'balance',
  'spend',
  'payment',
  'usd',
  'eur',
  'money',
])
const COUNT_WORDS = new Set([
  'limit',
  'count',
  'top',
  'size',
  'n',
  'num',
  'number',
  'results',
  'per',
  'page',
  'max',
  'first',
  'take',
])
const LOCATION_WORDS = new Set([
  'location',
  'city',
  'place',
  'town',
  'address',
  'region',
  'country',
  'where',
  'destination',
  'origin',
  'area',
  'locality',
  'zip',
  'postcode',
  'venue',
])
const ENTITY_WORDS = new Set([
  'name',
  'company',
  'account',
  'customer',
  'organization',
  'organisation',
  'org',
  'person',
  'contact',
  'owner',
  'assignee',
  'team',
  'project',
  'vendor',
  'client',
  'brand',
  'product',
  'user',
  'username',
  'author',
  'recipient',
  'member',
  'employee',
  'lead',
])
const QUERY_WORDS = new Set([
  'query',
  'q',
  'search',
  'keyword',
  'keywords',
  'term',
  'terms',
  'filter',
  'topic',
  'question',
  'phrase',
  'prompt',
  'lookup',
  'find',
])
const TEXT_WORDS = new Set([
  'body',
  'message',
  'content',
  'text',
  'note',
  'notes',
  'comment',
  'description',
  'details',
  'html',
  'markdown',
  'reply',
  'summary',
])
const TITLE_WORDS = new Set(['subject', 'title', 'headline', 'label', 'heading'])

const PHONE_WORDS = new Set(['phone', 'mobile', 'msisdn', 'cell', 'telephone', 'tel', 'sms'])
const CODE_WORDS = new Set(['sql', 'statement', 'expression', 'script', 'code', 'command'])
const PATH_WORDS = new Set([
  'path',
  'prefix',
  'filepath',
  'filename',
  'file',
  'folder',
  'directory',
  'dir',
  'object',
  'repo',
  'repository',
])

const profiles = new WeakMap<CapabilityInfo, CapabilityProfile>()

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {}
}

/** Follows local `$ref`s and unwraps `anyOf`/`oneOf` unions to their first non-null branch. */
function resolve(schema: JsonSchema, rootSchema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 8) return schema
  const ref = schema.$ref
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = rootSchema
    for (const part of ref.slice(2).split('/')) target = asSchema(target)[part]
    return resolve({ ...asSchema(target), ...schema, $ref: undefined }, rootSchema, depth + 1)
  }
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null
  if (union && schema.type === undefined) {
    const branch = union.map(asSchema).find((item) => item.type !== 'null') ?? {}
    const merged: JsonSchema = { ...resolve(branch, rootSchema, depth + 1) }
    if (schema.description !== undefined) merged.description = schema.description
    if (schema.default !== undefined) merged.default = schema.default
    return merged
  }
  return schema
}

function typeOf(schema: JsonSchema): string | null {
  if (typeof schema.type === 'string') return schema.type
  if (Array.isArray(schema.type))
    return (
      (schema.type as unknown[]).find((type): type is string => typeof type === 'string' && type !== 'null') ?? null
    )
  if (schema.const !== undefined) return typeof schema.const
  return null
}

function enumOf(schema: JsonSchema): EnumValue[] | null {
  const values = Array.isArray(schema.enum)
    ? (schema.enum as unknown[])
    : schema.const !== undefined
      ? [schema.const]
      : null
  const scalars = values?.filter((value): value is EnumValue => ['string', 'number', 'boolean'].includes(typeof value))
  return scalars && scalars.length > 0 ? scalars : null
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function enumPattern(value: EnumValue): RegExp {
  const spaced = String(value).replace(/[_-]+/g, ' ').trim()
  const body = spaced.split(/\s+/).map(escape).join('[\\s_-]+')
  return new RegExp(`(?<![\\w])${body}s?(?![\\w])`, 'i')
}

function hasAny(set: ReadonlySet<string>, list: ReadonlySet<string>): boolean {
  for (const word of set) if (list.has(word)) return true
  return false
}

function kindOf(
  type: string | null,
  format: string | null,
  {
    nameWords,
    descWords,
    isEnum,
    description = '',
  }: {
    nameWords: ReadonlySet<string>
    descWords: ReadonlySet<string>
    isEnum: boolean
    description?: string | undefined
  },
): ParamKind {
  if (isEnum && type !== 'boolean') return 'enum'
  if (type === 'array') return 'list'
  if (type === 'object') return 'other'
  if (format === 'email' || nameWords.has('email') || nameWords.has('emails')) return 'email'
  if (format === 'uri' || format === 'url' || nameWords.has('url') || nameWords.has('link')) return 'url'
  if (format === 'date' || format === 'date-time') return 'date'
  if (type === 'boolean') return 'boolean'
  const dateLike = hasAny(nameWords, DATE_WORDS) && !hasAny(nameWords, COUNT_WORDS)
  if (type === 'number' || type === 'integer') {
    if (dateLike && (descWords.has('timestamp') || descWords.has('epoch') || descWords.has('unix'))) return 'date'
    if (hasAny(nameWords, AMOUNT_WORDS) || descWords.has('amount') || descWords.has('price')) return 'amount'
    if (hasAny(nameWords, COUNT_WORDS)) return 'count'
    return 'number'
  }
  if (type !== 'string' && type !== null) return 'other'
  if (
    hasAny(nameWords, PHONE_WORDS) ||
    (descWords.has('e') && descWords.has('164')) ||
    (descWords.has('phone') && !nameWords.has('name'))
  )
    return 'phone'
  if (nameWords.has('range') || descWords.has('a1')) return 'range'
  if (hasAny(nameWords, CODE_WORDS) || descWords.has('sql') || (descWords.has('select') && descWords.has('statement')))
    return 'code'
  if (
    hasAny(nameWords, PATH_WORDS) ||
    (nameWords.has('key') && hasAny(descWords, PATH_WORDS)) ||
    (descWords.has('owner') && descWords.has('name') && /owner\/name/i.test(description))
  )
    return 'path'
  if (dateLike || descWords.has('iso') || descWords.has('yyyy')) return 'date'
  // A string "number" is an identifier (`tracking_number`), never arithmetic.
  if (
    nameWords.has('id') ||
    nameWords.has('ids') ||
    nameWords.has('key') ||
    nameWords.has('number') ||
    descWords.has('identifier')
  )
    return 'id'
  if (hasAny(nameWords, LOCATION_WORDS) || descWords.has('city') || descWords.has('location')) return 'location'
  if (hasAny(nameWords, QUERY_WORDS)) return 'query'
  if (hasAny(nameWords, TITLE_WORDS)) return 'title'
  if (hasAny(nameWords, TEXT_WORDS)) return 'text'
  if (hasAny(nameWords, ENTITY_WORDS)) return 'entity'
  if (hasAny(descWords, LOCATION_WORDS)) return 'location'
  return 'string'
}

function boundOf(nameWords: ReadonlySet<string>): 'from' | 'to' | null {
  if (hasAny(nameWords, FROM_WORDS)) return 'from'
  if (hasAny(nameWords, TO_WORDS)) return 'to'
  return null
}

function paramProfile(
  name: string,
  raw: JsonSchema,
  { rootSchema, required }: { rootSchema: JsonSchema; required: boolean },
): ParamProfile {
  const schema = resolve(raw, rootSchema)
  const description = typeof schema.description === 'string' ? schema.description : null
  const nameWords = new Set(words(name))
  const descWords = new Set(words(description ?? ''))
  const type = typeOf(schema)
  const format = typeof schema.format === 'string' ? schema.format : null
  const enumValues = enumOf(schema)
  const roots = new Set<string>()
  for (const word of [...nameWords, ...descWords]) if (word.length > 1) roots.add(root(word))
  const itemsSchema = type === 'array' ? asSchema(schema.items) : null
  return {
    name,
    kind: kindOf(type, format, { nameWords, descWords, isEnum: enumValues !== null, description: description ?? '' }),
    required,
    hasDefault: schema.default !== undefined,
    type,
    format,
    description,
    enumValues,
    enumPatterns: enumValues?.map(enumPattern) ?? [],
    nameRoots: [...nameWords].map(root),
    roots,
    bound: boundOf(nameWords),
    minimum: typeof schema.minimum === 'number' ? schema.minimum : null,
    maximum: typeof schema.maximum === 'number' ? schema.maximum : null,
    items: itemsSchema ? paramProfile(name, itemsSchema, { rootSchema, required }) : null,
  }
}

function addWeights(weights: Map<string, number>, text: string, weight: number): void {
  for (const word of words(text.replace(/(?<![a-z])on[\s_-]call(?![a-z])/gi, 'oncall'))) {
    if (word.length < 2 || /^\d+$/.test(word)) continue
    const key = root(word)
    if ((weights.get(key) ?? 0) < weight) weights.set(key, weight)
  }
}

function build(info: CapabilityInfo): CapabilityProfile {
  const schema = resolve(info.inputSchema, info.inputSchema)
  const properties = asSchema(schema.properties)
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [],
  )
  const params = Object.entries(properties).map(([name, raw]) =>
    paramProfile(name, asSchema(raw), { rootSchema: info.inputSchema, required: required.has(name) }),
  )
  const weights = new Map<string, number>()
  addWeights(weights, info.toolDescription, 0.5)
  for (const param of params) {
    addWeights(weights, param.description ?? '', 0.5)
    addWeights(weights, param.name, 1)
    // An enum value that is also an English word ("open") is weak evidence for a capability.
    for (const value of param.enumValues ?? []) if (typeof value === 'string') addWeights(weights, value, 0.5)
  }
  addWeights(weights, info.description, 1)
  addWeights(weights, info.tags.join(' '), 2)
  addWeights(weights, `${info.tool} ${info.capability}`, 3)
  const ownRoots = new Set<string>()
  for (const word of words(
    `${info.capability} ${info.description}`.replace(/(?<![a-z])on[\s_-]call(?![a-z])/gi, 'oncall'),
  ))
    ownRoots.add(root(word))
  const nameRoots = new Set(words(info.capability).map(root))
  return { weights, ownRoots, nameRoots, params, kinds: new Set(params.map((param) => param.kind)) }
}

/** What the default planner derives from a capability, computed once per `CapabilityInfo` object. */
export function profileOf(info: CapabilityInfo): CapabilityProfile {
  let profile = profiles.get(info)
  if (!profile) {
    profile = build(info)
    profiles.set(info, profile)
  }
  return profile
}
