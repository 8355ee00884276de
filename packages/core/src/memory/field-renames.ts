import type { z } from 'zod'

/** A field the output schema expects at `path` (`''` = root, `deals[]` = each deal) that upstream now sends as `from`. */
export interface FieldRename {
  path: string
  /** Where the value is now: a key of the object, or `key.sub` inside one of its objects. */
  from: string
  /** The key the output schema expects. */
  to: string
}

/** What discovery found for one missing field. */
export type RenameDiscovery =
  | { type: 'renames'; renames: FieldRename[]; evidence: Record<string, unknown> }
  | { type: 'ambiguous'; path: string; to: string; candidates: string[] }
  | { type: 'none' }

type Obj = Record<string, unknown>
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '')

interface SchemaDef {
  type: string
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  innerType?: z.ZodType
  in?: z.ZodType
}
const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { def: SchemaDef }).def

/** Unwraps optional, nullable, default, readonly, catch and pipe (input side) wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let i = 0; i < 16; i++) {
    const def = defOf(current)
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined)
    if (inner === undefined) return current
    current = inner
  }
  return current
}

/** The object schema's shape at a parent path, if the path leads to an object schema. */
function shapeAt(schema: z.ZodType, segments: readonly string[]): Record<string, z.ZodType> | undefined {
  let current = unwrap(schema)
  for (const segment of segments) {
    const def = defOf(current)
    if (segment === '[]') {
      if (def.type !== 'array' || !def.element) return undefined
      current = unwrap(def.element)
    } else {
      const next = def.type === 'object' ? def.shape?.[segment] : undefined
      if (!next) return undefined
      current = unwrap(next)
    }
  }
  const def = defOf(current)
  return def.type === 'object' ? def.shape : undefined
}

/** `deals[].owner` ⇄ `['deals', '[]', 'owner']` */
const splitPath = (path: string): string[] =>
  path === ''
    ? []
    : path.split('.').flatMap((part) => (part.endsWith('[]') ? [...splitPath(part.slice(0, -2)), '[]'] : [part]))
const joinPath = (segments: readonly string[]): string =>
  segments.reduce(
    (path, segment) => (segment === '[]' ? `${path}[]` : path === '' ? segment : `${path}.${segment}`),
    '',
  )

/** Every object found at a parent path of a value (arrays expanded). */
function objectsAt(value: unknown, segments: readonly string[]): Obj[] {
  let current: unknown[] = [value]
  for (const segment of segments) {
    const next: unknown[] = []
    for (const item of current) {
      if (segment === '[]') {
        if (Array.isArray(item)) next.push(...(item as unknown[]))
      } else if (isObject(item)) next.push(item[segment])
    }
    current = next
  }
  return current.filter(isObject)
}

const read = (object: Obj, from: string): unknown => {
  const dot = from.indexOf('.')
  if (dot < 0) return object[from]
  const outer = object[from.slice(0, dot)]
  return isObject(outer) ? outer[from.slice(dot + 1)] : undefined
}

/** Keys of an object the schema does not expect, and keys inside those that hold objects. */
function extraKeys(object: Obj, expected: Record<string, z.ZodType>): string[] {
  const out: string[] = []
  for (const [key, value] of Object.entries(object)) {
    if (key in expected) continue
    if (value !== undefined) out.push(key)
    if (isObject(value)) for (const inner of Object.keys(value)) out.push(`${key}.${inner}`)
  }
  return out
}

/**
 * Finds where missing fields went. A field the schema expects but the output lacks is matched to
 * an unexpected field of the same objects: by name first (`lifecycleStage` for `lifecycle_stage`),
 * otherwise by value — the one unexpected field whose values all pass the expected field's schema
 * (`expected_close` for a date `close_date`). Two candidates are ambiguous and never guessed.
 */
export function discoverRenames(
  schema: z.ZodType,
  output: unknown,
  issues: readonly z.core.$ZodIssue[],
): RenameDiscovery {
  const renames: FieldRename[] = []
  const evidence: Record<string, unknown> = {}
  const seen = new Set<string>()
  for (const issue of issues) {
    const path = issue.path.map((part) => (typeof part === 'number' ? '[]' : String(part)))
    const to = path.pop()
    if (to === undefined || to === '[]') continue
    const parent = joinPath(path)
    if (seen.has(`${parent}\u001f${to}`)) continue
    seen.add(`${parent}\u001f${to}`)
    const shape = shapeAt(schema, path)
    const field = shape?.[to]
    if (!shape || !field) continue
    const missing = objectsAt(output, path).filter((object) => object[to] === undefined)
    if (missing.length === 0) continue
    const taken = new Set(renames.filter((rename) => rename.path === parent).map((rename) => rename.from))
    const present = (key: string): boolean =>
      !taken.has(key) && missing.every((object) => read(object, key) !== undefined)
    const candidates = extraKeys(missing[0]!, shape).filter(present)
    const byName = candidates.filter((key) => normalise(key.slice(key.lastIndexOf('.') + 1)) === normalise(to))
    const byValue =
      byName.length === 1
        ? byName
        : candidates.filter((key) => missing.every((object) => field.safeParse(read(object, key)).success))
    if (byValue.length > 1) return { type: 'ambiguous', path: parent, to, candidates: byValue }
    if (byValue.length === 0) continue
    renames.push({ path: parent, from: byValue[0]!, to })
    evidence[`${parent === '' ? '' : `${parent}.`}${to}`] = {
      missing: to,
      found: byValue[0],
      fields_seen: Object.keys(missing[0]!),
      matched_by: byName.length === 1 ? 'name' : 'value',
    }
  }
  return renames.length === 0 ? { type: 'none' } : { type: 'renames', renames, evidence }
}

/** Copies `value` with `fn` applied to every object at the parent path (copy on write). */
function mapAt(value: unknown, segments: readonly string[], fn: (object: Obj) => Obj): unknown {
  if (segments.length === 0) return isObject(value) ? fn(value) : value
  const [head, ...rest] = segments
  if (head === '[]') return Array.isArray(value) ? value.map((item: unknown) => mapAt(item, rest, fn)) : value
  if (!isObject(value) || !(head! in value)) return value
  return { ...value, [head!]: mapAt(value[head!], rest, fn) }
}

/**
 * Applies known renames to a raw output before it is validated. A rename whose target field is
 * back (and whose source is gone) in every object is reported as undone, so memory can forget it.
 */
export function applyRenames(
  output: unknown,
  renames: readonly FieldRename[],
): { output: unknown; applied: FieldRename[]; undone: FieldRename[] } {
  const applied: FieldRename[] = []
  const undone: FieldRename[] = []
  let current = output
  for (const rename of renames) {
    const segments = splitPath(rename.path)
    const objects = objectsAt(current, segments)
    if (objects.length === 0) continue
    if (objects.every((object) => object[rename.to] !== undefined && read(object, rename.from) === undefined)) {
      undone.push(rename)
      continue
    }
    if (!objects.some((object) => object[rename.to] === undefined && read(object, rename.from) !== undefined)) continue
    current = mapAt(current, segments, (object) => {
      if (object[rename.to] !== undefined) return object
      const value = read(object, rename.from)
      if (value === undefined) return object
      const copy: Obj = { ...object, [rename.to]: value }
      if (!rename.from.includes('.')) delete copy[rename.from]
      return copy
    })
    applied.push(rename)
  }
  return { output: current, applied, undone }
}

/** `deals[].expected_close → close_date` */
export function describeRename(rename: FieldRename): string {
  const prefix = rename.path === '' ? '' : `${rename.path}.`
  return `${prefix}${rename.from} → ${prefix}${rename.to}`
}
