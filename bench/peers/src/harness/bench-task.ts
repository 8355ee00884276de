/**
 * The one task every library runs: the model's first answer calls the no-op tool with
 * {@link TOOL_INPUT}, its second answer is {@link FINAL_TEXT}. Runners share these constants so
 * no library gets an easier script than another.
 */
export const PROMPT = 'Call the noop tool once, then say done.'
export const TOOL_NAME = 'noop'
export const TOOL_DESCRIPTION = 'Does nothing and echoes its input.'
export const TOOL_INPUT = { x: 'hi' } as const
export const FINAL_TEXT = 'done'

/** Thrown when a task did not call the tool or did not end with the final text. */
export class TaskCheckError extends Error {
  override readonly name = 'TaskCheckError'
}

export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new TaskCheckError(what)
}

/**
 * Counts real executions of the tool. Each measured run checks the count equals its task count,
 * on top of the per-task check each runner makes against its library's own result object.
 */
export class ToolCallCounter {
  #count = 0

  get count(): number {
    return this.#count
  }

  record(input: { x: string }): { x: string } {
    this.#count += 1
    return { x: input.x }
  }
}
