import { InboardError } from './inboard-error.js'

/** One problem found in a tool description, at a dotted path such as `capabilities.0.parameters.limit.type`. */
export interface DefinitionIssue {
  readonly path: string
  readonly message: string
}

/**
 * Thrown by the adapters when a tool description (custom-tool JSON, an OpenAPI document) cannot be
 * turned into a tool: an {@link InboardError} with code `invalid_request`, like every configuration
 * mistake, and `param` the first bad field. The message names every bad field; `issues` lists them.
 */
export class ToolDefinitionError extends InboardError {
  override readonly name = 'ToolDefinitionError'
  readonly issues: readonly DefinitionIssue[]

  constructor(subject: string, issues: readonly DefinitionIssue[]) {
    const first = issues[0]?.path ?? ''
    super(
      'invalid_request',
      `${subject} is invalid:\n${issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`,
      first === '' ? {} : { param: first },
    )
    this.issues = issues
  }
}
