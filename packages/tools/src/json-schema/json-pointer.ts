import { invalidOption } from '../invalid-option.js'

/** Looks up a local `$ref` (`#/components/schemas/Pet`) in the document it belongs to. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) throw invalidOption('schema', `Only local $refs are supported, got "${ref}"`)
  const fragment = decodeURIComponent(ref.slice(1))
  if (fragment === '') return root
  if (!fragment.startsWith('/')) throw invalidOption('schema', `Malformed $ref "${ref}"`)
  let node: unknown = root
  for (const raw of fragment.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw invalidOption('schema', `$ref "${ref}" does not resolve`)
    }
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** Follows `$ref`s until a schema that is not a reference, failing on reference cycles. */
export function dereference(root: unknown, node: unknown): unknown {
  const seen = new Set<string>()
  let current = node
  while (isRecord(current) && typeof current.$ref === 'string') {
    if (seen.has(current.$ref)) throw invalidOption('schema', `$ref cycle at "${current.$ref}"`)
    seen.add(current.$ref)
    current = resolvePointer(root, current.$ref)
  }
  return current
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
