import { createRuntime, type Runtime } from './runtime/create-runtime.js'
import type { RuntimeOptions } from './runtime/runtime-options.js'
import { createFakeClock, type FakeClock } from './testing/fake-clock.js'

// Test doubles shipped as @inboard/core/testing
export { createFakeClock } from './testing/fake-clock.js'
export type { FakeClock } from './testing/fake-clock.js'
export { createScriptedPlanner } from './testing/scripted-planner.js'
export type { ScriptStep } from './testing/scripted-planner.js'
export { createScriptedTool } from './testing/scripted-tool.js'
export type { ScriptedTool, ScriptedToolOptions, ScriptedBehaviour } from './testing/scripted-tool.js'

// The storage contract as a vitest suite (vitest is an optional peer dependency, needed only for this)
export { describeStorageConformance } from './testing/storage-conformance.js'
export type { StorageConformanceOptions } from './testing/storage-conformance.js'

/** A runtime on a fake clock, for tests. */
export interface TestRuntime extends Runtime {
  readonly clock: FakeClock
}

/** Creates a runtime on a {@link FakeClock} (unless one is given); every other option as usual. */
export function createTestRuntime(options: Omit<RuntimeOptions, 'clock'> & { clock?: FakeClock } = {}): TestRuntime {
  const clock = options.clock ?? createFakeClock()
  return Object.assign(createRuntime({ ...options, clock }), { clock })
}
