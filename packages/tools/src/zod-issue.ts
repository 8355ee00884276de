import type { z } from 'zod'

/** Where a value failed its schema and why: a dotted path (`''` at the root) and zod's message. */
export interface IssueAt {
  readonly path: string
  readonly message: string
}

/** The issues of a failed parse as dotted paths and messages, in zod's order; unknown keys are named. */
export function issuesOf(error: z.ZodError): IssueAt[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
        : issue.message,
  }))
}

/** The first issue of a failed parse, the one error messages name. */
export function firstIssue(error: z.ZodError): IssueAt {
  return issuesOf(error)[0] ?? { path: '', message: 'invalid' }
}
