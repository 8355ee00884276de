import type { PlannerContext } from '@inboard/core'
import { createModelPlanner } from '@inboard/ai'
import { MockLanguageModelV3 } from 'ai/test'
import { describe, expect, it } from 'vitest'
import { text } from './fixtures.js'

function contextFor(task: PlannerContext['task']): PlannerContext {
  return {
    task,
    subagent: null,
    decision: 0,
    capabilities: [],
    history: [],
    input: { messages: [], values: {} },
    signal: new AbortController().signal,
    note: () => undefined,
  }
}

describe('createModelPlanner with a context built by hand', () => {
  it('plans for a frozen task, and keeps no trace of the run on the task object it was given', async () => {
    const model = new MockLanguageModelV3({ doGenerate: async () => text('All done.') })
    const planner = createModelPlanner({ model })
    const frozen = Object.freeze({
      id: 'task_a',
      prompt: 'Say hello.',
      user_id: null,
      mode: 'live' as const,
      metadata: {},
    })
    expect(await planner.plan(contextFor(frozen))).toEqual({ type: 'finish', result: 'All done.' })

    const open = { id: 'task_b', prompt: 'Say hello.', user_id: null, mode: 'live' as const, metadata: {} }
    expect(await planner.plan(contextFor(open))).toEqual({ type: 'finish', result: 'All done.' })
    expect(Object.keys(open)).toEqual(['id', 'prompt', 'user_id', 'mode', 'metadata'])
    expect(JSON.stringify(open)).toBe(
      '{"id":"task_b","prompt":"Say hello.","user_id":null,"mode":"live","metadata":{}}',
    )
    expect(model.doGenerateCalls).toHaveLength(2)
    expect(model.doGenerateCalls.every((call) => call.abortSignal?.aborted === false)).toBe(true)
  })
})
