import type { z } from 'zod'
import { firstIssue } from '@inboard/tools/internal'
import { InboardError } from '../errors/inboard-error.js'

/** Parses `value` with `schema` or throws `invalid_request` naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const { path, message } = firstIssue(parsed.error)
  throw new InboardError('invalid_request', `Invalid ${path === '' ? what : path}: ${message}`, {
    ...(path === '' ? {} : { param: path }),
  })
}
