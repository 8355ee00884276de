import type { ToolContext } from '@inboard/tools'

export interface TestContext extends ToolContext {
  notes: string[]
}

/** A ToolContext as the runtime would pass it, with notes collected for assertions. */
export function testContext(overrides: Partial<Omit<ToolContext, 'note'>> = {}): TestContext {
  const notes: string[] = []
  return {
    signal: new AbortController().signal,
    task_id: 'task_test',
    idempotencyKey: 'task_test.0',
    user_id: 'user_1',
    mode: 'live',
    note: (text) => notes.push(text),
    notes,
    ...overrides,
  }
}
