import type { z } from 'zod'
import { InboardError } from '../errors/inboard-error.js'

/** Parses `value` with `schema` or throws `invalid_request` naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  const field = path === '' ? what : path
  const message = issue?.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : (issue?.message ?? 'invalid')
  throw new InboardError('invalid_request', `Invalid ${field}: ${message}`, { ...(path === '' ? {} : { param: path }) })
}
