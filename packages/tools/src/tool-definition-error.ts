/** One problem found in a tool description, at a dotted path such as `capabilities.0.parameters.limit.type`. */
export interface DefinitionIssue {
  readonly path: string
  readonly message: string
}

/**
 * Thrown by the adapters when a tool description (custom-tool JSON, an OpenAPI document) cannot be
 * turned into a tool. The message names every bad field; `issues` lists them for programs.
 */
export class ToolDefinitionError extends TypeError {
  override readonly name = 'ToolDefinitionError'
  readonly issues: readonly DefinitionIssue[]

  constructor(subject: string, issues: readonly DefinitionIssue[]) {
    super(`${subject} is invalid:\n${issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`)
    this.issues = issues
  }
}
