import { InboardError } from '../errors/inboard-error.js'

/** Walks at most this many values; a result larger than that is measured by serialising it. */
const MAX_NODES = 100_000

/**
 * Why a task result cannot be stored and sent as JSON, or null: a BigInt, a function or symbol, a
 * cycle, nesting past 64 levels, or (serialised) more than `maxBytes`. Checked when the task
 * completes, so a stored task can always be read, listed and sent in a webhook.
 */
export function resultProblem(result: unknown, maxBytes: number): InboardError | null {
  const unsupported = unsupportedAt(result)
  if (unsupported !== null) {
    return new InboardError(
      'invalid_output',
      `The task's result cannot be sent as JSON: ${unsupported.what} at ${unsupported.path}`,
      {
        suggestion:
          'Return plain data from the tool or planner: strings, finite numbers, booleans, null, arrays and plain objects',
      },
    )
  }
  let text: string | undefined
  try {
    text = JSON.stringify(result)
  } catch (error) {
    return new InboardError(
      'invalid_output',
      `The task's result cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  const bytes = text === undefined ? 0 : Buffer.byteLength(text)
  if (bytes > maxBytes) {
    return new InboardError(
      'result_too_large',
      `The task's result is ${bytes} bytes as JSON; the limit is ${maxBytes} (limits.maxResultBytes)`,
      {
        suggestion: 'Return a smaller result (a page, a summary, or a reference to where the data is kept)',
      },
    )
  }
  return null
}

/** The first value JSON cannot carry, with its path (`result.items[3].id`). */
function unsupportedAt(root: unknown): { what: string; path: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number; ancestors: ReadonlySet<object> }> = [
    { value: root, path: 'result', depth: 0, ancestors: new Set() },
  ]
  let visited = 0
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const { value, path, depth, ancestors } = stack.pop()!
    if (typeof value === 'bigint') return { what: 'a BigInt', path }
    if (typeof value === 'function') return { what: 'a function', path }
    if (typeof value === 'symbol') return { what: 'a symbol', path }
    if (typeof value !== 'object' || value === null) continue
    if (ancestors.has(value)) return { what: 'a circular reference', path }
    if (depth >= 64) return { what: 'nesting deeper than 64 levels', path }
    // Dates and other objects with toJSON serialise as what toJSON returns.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') continue
    const inner = new Set(ancestors).add(value)
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1, ancestors: inner })
    } else {
      for (const [key, child] of Object.entries(value).reverse())
        stack.push({
          value: child,
          path: /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
          depth: depth + 1,
          ancestors: inner,
        })
    }
  }
  return null
}
