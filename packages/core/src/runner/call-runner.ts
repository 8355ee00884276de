import { ToolError, type CapabilitySpec, type ToolContext } from '@inboard/tools'
import { InboardError } from '../errors/inboard-error.js'
import type { PlannedCall } from '../planner/planner.js'
import type { TaskRecord, TaskWork } from '../task/task-record.js'
import type { RunSignal } from './run-signal.js'
import { failTask, waitTask } from './task-outcomes.js'
import type { RunnerDeps } from './task-runner.js'
import { callCapability } from './tool-execution.js'

export interface CallRunnerDeps extends RunnerDeps {
  allowed: ReadonlySet<string>
}

function refuse(deps: CallRunnerDeps, record: TaskRecord, call: PlannedCall, error: InboardError): void {
  const step = deps.trace.start(record, call.tool, call.capability)
  deps.trace.end(record, step, 'failed', `refused: ${error.message}`)
  failTask(deps, record, error)
}

function inputIssue(spec: CapabilitySpec, input: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = spec.input.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  return { ok: false, message: `${path === '' ? 'input' : path}: ${issue?.message ?? 'invalid'}` }
}

/**
 * Runs planned calls in order. Each is checked against the task's allowed capabilities and its
 * input schema before anything runs; approvals and test mode are applied; the first failure fails
 * the task. Returns early when the task stops running (failed, cancelled or waiting).
 */
export async function runCalls(deps: CallRunnerDeps, record: TaskRecord, work: TaskWork, calls: readonly PlannedCall[], signal: RunSignal): Promise<void> {
  for (let i = 0; i < calls.length; i++) {
    if (record.status !== 'running') return
    const call = calls[i]!
    const id = `${call.tool}.${call.capability}`
    const entry = deps.allowed.has(id) ? deps.index.get(id) : undefined
    if (!entry) {
      refuse(deps, record, call, new InboardError('capability_not_allowed', `${id} is not among this task's capabilities`, { tool: call.tool }))
      return
    }
    const { spec } = entry
    const checked = inputIssue(spec, call.input)
    if (!checked.ok) {
      refuse(deps, record, call, new InboardError('invalid_tool_input', `Invalid input for ${id}: ${checked.message}`, { tool: call.tool }))
      return
    }
    if (spec.requiresApproval === true && record.mode === 'live') {
      if (work.approved === null) {
        work.held = calls.slice(i)
        waitTask(deps, record, {
          reason: 'approval_required',
          service: call.tool,
          auth_url: null,
          message: `${id} needs approval before it runs`,
          request: { tool: call.tool, capability: call.capability, input: call.input },
        })
        return
      }
      const approved = work.approved
      work.approved = null
      if (!approved) {
        refuse(deps, record, call, new InboardError('approval_denied', `${id} was not approved`, { tool: call.tool }))
        return
      }
    }
    await runOne(deps, record, work, call, spec, checked.value, signal)
  }
}

async function runOne(deps: CallRunnerDeps, record: TaskRecord, work: TaskWork, call: PlannedCall, spec: CapabilitySpec, input: unknown, signal: RunSignal): Promise<void> {
  const step = deps.trace.start(record, call.tool, call.capability)
  const testMode = record.mode === 'test'
  const run = testMode ? spec.sandbox : spec.run
  if (run === undefined) {
    deps.trace.end(record, step, 'skipped', `test mode: would call with ${JSON.stringify(call.input)}`)
    work.history.push({ ...call, status: 'skipped' })
    return
  }
  if (testMode) deps.trace.note(step, 'sandbox')
  const context: Omit<ToolContext, 'signal'> = {
    task_id: record.id,
    user_id: record.userId,
    mode: record.mode,
    note: (text) => deps.trace.note(step, text),
  }
  try {
    let output = await callCapability({ run }, input, context, {
      clock: deps.clock,
      policy: deps.limits.retry,
      timeoutMs: spec.timeoutMs ?? deps.limits.callTimeoutMs,
      signal,
      onRetry: (error, attempt, delayMs) => deps.trace.note(step, `attempt ${attempt} failed (${error.code}); retrying in ${delayMs} ms`),
    })
    if (spec.output) {
      const parsed = spec.output.safeParse(output)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new ToolError('invalid_output', `Output of ${call.tool}.${call.capability} does not match its schema at ${issue?.path.map(String).join('.') || 'the root'}: ${issue?.message ?? 'invalid'}`, { recoverable: false })
      }
      output = parsed.data
    }
    if (record.status !== 'running') {
      deps.trace.end(record, step, 'skipped', `task is ${record.status}`)
      return
    }
    deps.trace.end(record, step, 'complete')
    work.history.push({ ...call, status: 'complete', output })
  } catch (thrown) {
    const error = thrown instanceof ToolError ? thrown : new ToolError('tool_error', String(thrown))
    deps.trace.end(record, step, 'failed', `${error.code}: ${error.message}`)
    if (record.status !== 'running') return
    const failure = new InboardError(error.code, error.message, { tool: call.tool, recoverable: error.recoverable, suggestion: error.suggestion ?? null, cause: error })
    work.history.push({ ...call, status: 'failed', error: failure.toTaskError() })
    failTask(deps, record, failure)
  }
}
