import { expect } from 'vitest'
import { ToolError } from '@inboard/tools'

/** Awaits a call expected to fail and returns its ToolError (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<ToolError> {
  const outcome = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(outcome).toBeInstanceOf(ToolError)
  return outcome as ToolError
}
