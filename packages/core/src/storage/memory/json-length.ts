/** Nesting past this is measured by serialising instead (JSON.stringify throws on cycles; so do we). */
const MAX_DEPTH = 64

/** Characters of a finite number as JSON: integers counted, others (rare in a task) printed. */
function numberLength(value: number): number {
  if (!Number.isFinite(value)) return 4
  if (!Number.isSafeInteger(value)) return String(value).length
  let digits = value < 0 ? 2 : 1
  for (let rest = Math.abs(value); rest >= 10; rest = Math.floor(rest / 10)) digits++
  return digits
}

/** `JSON.stringify(value).length` of a value inside an object or array; undefined when it is left out. */
function valueLength(value: unknown, depth: number): number | undefined {
  switch (typeof value) {
    case 'string':
      // Quotes and characters; the rare escape (a quote, a backslash, a control character) is not
      // counted: the size is a budget, and close to the bytes is what it needs.
      return value.length + 2
    case 'number':
      return numberLength(value)
    case 'boolean':
      return value ? 4 : 5
    case 'object':
      return value === null ? 4 : objectLength(value, depth + 1)
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt')
    default:
      return undefined
  }
}

function objectLength(value: object, depth: number): number {
  if (depth > MAX_DEPTH) return JSON.stringify(value).length
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.stringify(value).length
  }
  if (Array.isArray(value)) {
    let length = 2 + Math.max(0, value.length - 1)
    for (const item of value as unknown[]) length += valueLength(item, depth) ?? 4
    return length
  }
  let length = 2
  let fields = 0
  // for…in reads the object's cached keys; Object.keys would allocate an array per object.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const item = valueLength((value as Record<string, unknown>)[key], depth)
    if (item === undefined) continue
    // "key": plus a comma between fields.
    length += key.length + 3 + item + (fields++ > 0 ? 1 : 0)
  }
  return length
}

/**
 * About `JSON.stringify(value).length` (UTF-16 code units), measured without building the string:
 * exact except that escaped characters count once. The in-memory storage sizes every finished task
 * with it for `retention.maxBytes`; serialising each one was a measurable share of a task's cost.
 */
export function jsonLength(value: unknown): number {
  return valueLength(value, 0) ?? 0
}
