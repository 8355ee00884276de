import type { Tool } from '@inboard/tools'

/**
 * pk_test_ keys run tasks in test mode, where the runtime calls a capability's `sandbox` instead of
 * `run`. The demo's read-only capabilities have nothing to protect, so their sandbox is their run:
 * the quickstart's curl session then returns real weather with a test key, as the hosted API does.
 * Capabilities with side effects keep no sandbox and are only previewed.
 */
export function withReadOnlySandboxes(tool: Tool): Tool {
  const capabilities = Object.fromEntries(
    Object.entries(tool.capabilities).map(([name, spec]) => [name, spec.sideEffects === true || spec.sandbox !== undefined ? spec : { ...spec, sandbox: spec.run }]),
  )
  return { ...tool, capabilities }
}
