/**
 * A subagent that ships with a built-in tool. Pass it to `createRuntime({ subagents: [...] })`
 * together with its tools; the runtime lists it with `type: 'prebuilt'`.
 */
export interface PrebuiltSubagentDefinition {
  /** Subagent name, used as its id. */
  readonly name: string
  /** The domain prompt tasks are routed by. */
  readonly prompt: string
  /** Names of the tools it may use; register those tools too. */
  readonly tools: readonly string[]
}
