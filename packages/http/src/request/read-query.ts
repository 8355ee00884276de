import { InboardError } from '@inboard/core'

/**
 * Picks the named query parameters; `integers` are converted, and the runtime's schema checks the
 * ranges. (The handler has already refused parameters the route does not take.)
 */
export function readQuery(
  url: URL,
  names: readonly string[],
  integers: readonly string[] = [],
): Record<string, string | number> {
  const query: Record<string, string | number> = {}
  for (const name of names) {
    const values = url.searchParams.getAll(name)
    if (values.length === 0) continue
    if (values.length > 1) throw new InboardError('invalid_request', `Invalid ${name}: give it once`, { param: name })
    const value = values[0]!
    if (!integers.includes(name)) {
      query[name] = value
      continue
    }
    if (!/^\d{1,15}$/.test(value))
      throw new InboardError('invalid_request', `Invalid ${name}: expected a non-negative integer`, { param: name })
    query[name] = Number(value)
  }
  return query
}
