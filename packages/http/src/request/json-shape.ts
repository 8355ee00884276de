/** Most members of one JSON object in a request body. */
export const MAX_OBJECT_KEYS = 1_000
/** Most items of one JSON array in a request body. */
export const MAX_ARRAY_ITEMS = 10_000
/** Deeper bodies are refused so no recursive walk can exhaust the stack. */
export const MAX_DEPTH = 64

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/**
 * Scans JSON text once, before `JSON.parse`, for objects wider than {@link MAX_OBJECT_KEYS},
 * arrays longer than {@link MAX_ARRAY_ITEMS} and nesting deeper than {@link MAX_DEPTH}. Building
 * an object with tens of thousands of keys costs V8 a second or more of event loop, so such a
 * body must be refused before it is parsed at all. Returns what is wrong, or null. Malformed text
 * is left to `JSON.parse` to report.
 */
export function jsonShapeProblem(text: string): string | null {
  // Per open container: is it an object, and has it seen a member yet plus the commas since.
  const isObject: boolean[] = []
  const members: number[] = []
  let inString = false
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (inString) {
      if (code === BACKSLASH) at++
      else if (code === QUOTE) inString = false
      continue
    }
    if (code === QUOTE) {
      inString = true
      markMember(members)
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      markMember(members)
      if (isObject.length >= MAX_DEPTH) return `The body is nested deeper than ${MAX_DEPTH} levels`
      isObject.push(code === OPEN_OBJECT)
      members.push(0)
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      isObject.pop()
      members.pop()
    } else if (code === COMMA && members.length > 0) {
      const count = members[members.length - 1]! + 1
      members[members.length - 1] = count
      const object = isObject[isObject.length - 1]!
      const max = object ? MAX_OBJECT_KEYS : MAX_ARRAY_ITEMS
      if (count > max)
        return object
          ? `The body has an object with more than ${MAX_OBJECT_KEYS} keys`
          : `The body has an array with more than ${MAX_ARRAY_ITEMS} items`
    } else if (code > 0x20 && members.length > 0) markMember(members)
  }
  return null
}

/** A container with any content holds at least one member; commas count the rest. */
function markMember(members: number[]): void {
  const last = members.length - 1
  if (last >= 0 && members[last] === 0) members[last] = 1
}
