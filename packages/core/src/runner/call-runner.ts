import { ToolError, toToolError, type CapabilitySpec } from '@inboard/tools'
import { InboardError } from '../errors/inboard-error.js'
import type { CallApproval, PlannedCall } from '../planner/planner.js'
import type { StepRecord, TaskRecord } from '../task/task-record.js'
import { compose, ReplanRequest, WaitRequest, type CallSite } from './call-middleware.js'
import { failTask, waitTask } from './task-outcomes.js'
import type { CallRunnerDeps, TaskRun } from './task-run.js'
import { withSignal } from './signal-property.js'
import { callCapability } from './tool-execution.js'
import { firstIssue } from '@inboard/tools/internal'

function refuse(
  deps: CallRunnerDeps,
  record: TaskRecord,
  { call, error }: { call: PlannedCall; error: InboardError },
): void {
  const step = deps.trace.start(record, call.tool, call.capability)
  deps.trace.end(record, step, { status: 'failed', note: `refused: ${error.message}` })
  // A planner that corrects itself (a model) sees the refusal as the call's outcome and decides again.
  if (deps.planner.refusals === 'report' && error.code !== 'approval_denied')
    record.work?.history.push({ ...call, status: 'failed', error: error.toTaskError() })
  else failTask(deps, record, error)
}

function inputIssue(
  spec: CapabilitySpec,
  input: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = spec.input.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const { path, message } = firstIssue(parsed.error)
  return { ok: false, message: `${path === '' ? 'input' : path}: ${message}` }
}

/**
 * Runs planned calls in order. Each is checked against the task's allowed capabilities and its
 * input schema before anything runs; approvals and test mode are applied; the first failure fails
 * the task. A decision the planner doubts (`approval`) waits for a person before its first call in
 * live mode. Returns early when the task stops running (failed, cancelled or waiting).
 */
export async function runCalls(
  deps: CallRunnerDeps,
  run: TaskRun,
  { calls, approval }: { calls: readonly PlannedCall[]; approval?: CallApproval | undefined },
): Promise<void> {
  const { record, work, allowed } = run
  for (let i = 0; i < calls.length; i++) {
    if (record.status !== 'running') return
    const call = calls[i]!
    const id = `${call.tool}.${call.capability}`
    const entry = allowed.has(id) ? deps.index.get(id) : undefined
    if (!entry) {
      refuse(deps, record, {
        call: call,
        error: new InboardError('capability_not_allowed', `${id} is not among this task's capabilities`, {
          tool: call.tool,
        }),
      })
      return
    }
    const { spec } = entry
    const checked = inputIssue(spec, call.input)
    if (!checked.ok) {
      refuse(deps, record, {
        call: call,
        error: new InboardError('invalid_tool_input', `Invalid input for ${id}: ${checked.message}`, {
          tool: call.tool,
        }),
      })
      return
    }
    const needsApproval = spec.requiresApproval === true && record.mode === 'live'
    // Held calls run again on resume without `approval`: the answer then is in `work.approved`.
    const doubted = i === 0 && approval !== undefined && record.mode === 'live'
    if (needsApproval || doubted) {
      if (work.approved === null) {
        work.held = calls.slice(i)
        waitTask(deps, record, {
          reason: 'approval_required',
          service: call.tool,
          auth_url: null,
          message: doubted
            ? `${approval.reason}. Approve to run ${id} with the input shown, or deny to fail the task.`
            : `${id} needs approval before it runs`,
          request: { tool: call.tool, capability: call.capability, input: call.input },
        })
        return
      }
      const approved = work.approved
      work.approved = null
      if (!approved) {
        refuse(deps, record, {
          call: call,
          error: new InboardError('approval_denied', `${id} was not approved`, { tool: call.tool }),
        })
        return
      }
    } else if (i === 0 && work.approved !== null) {
      // The answer to a doubtful decision, or to a recovery question (the call may or may not have
      // happened), is for this call.
      const approved = work.approved
      work.approved = null
      if (!approved) {
        refuse(deps, record, {
          call: call,
          error: new InboardError('approval_denied', `${id} was not approved to run`, { tool: call.tool }),
        })
        return
      }
    }
    const wait = await runOne(deps, run, { call, spec, input: checked.value })
    if (wait === 'replan') return
    if (wait) {
      work.held = calls.slice(i)
      // The approval was for this call: it stands while the call waits (for consent, say).
      if (needsApproval) work.approved = true
      waitTask(deps, record, wait.waiting)
      return
    }
  }
}

function outputOf(spec: CapabilitySpec, call: PlannedCall, output: unknown): unknown {
  if (!spec.output) return output
  const parsed = spec.output.safeParse(output)
  if (parsed.success) return parsed.data
  const { path, message } = firstIssue(parsed.error)
  throw new ToolError(
    'invalid_output',
    `Output of ${call.tool}.${call.capability} does not match its schema at ${path || 'the root'}: ${message}`,
    {
      recoverable: false,
      details: { output, issues: parsed.error.issues },
    },
  )
}

/**
 * Runs one call; returns the middleware's wait request when the task must wait before it, or
 * `'replan'` when middleware asked the planner to decide again after the call failed.
 */
async function runOne(
  deps: CallRunnerDeps,
  run: TaskRun,
  { call, spec, input }: { call: PlannedCall; spec: CapabilitySpec; input: unknown },
): Promise<WaitRequest | 'replan' | null> {
  const { record, work, signal } = run
  const step = deps.trace.start(record, call.tool, call.capability)
  // Test mode keeps side effects away from live services; read-only capabilities run as usual.
  const sandboxed = record.mode === 'test' && spec.sideEffects === true
  const runCapability = sandboxed ? spec.sandbox : spec.run
  if (runCapability === undefined) {
    deps.trace.end(record, step, {
      status: 'skipped',
      note: `test mode: would call with ${JSON.stringify(call.input)}`,
    })
    work.history.push({ ...call, status: 'skipped' })
    return null
  }
  if (sandboxed) deps.trace.note(step, 'sandbox')
  const note = (text: string): void => deps.trace.note(step, text)
  const middleware = deps.middleware
  const site: CallSite = withSignal(
    {
      task: {
        id: record.id,
        user_id: record.userId,
        sub_agent: record.subAgent,
        account: record.account,
        mode: record.mode,
      },
      tool: call.tool,
      capability: call.capability,
      spec,
      input,
      policy: middleware.length === 0 ? deps.limits.retry : { ...deps.limits.retry },
      context: {},
      note,
      secret: (value: string) => deps.secrets.add(value),
    },
    signal,
  )
  // Same key on every attempt, after a resume and after crash recovery: the call's place in the task.
  const idempotencyKey = `${record.id}.${work.history.length}`
  work.inFlight = { call, idempotencyKey, startedAt: deps.clock.now() }
  if (!sandboxed && spec.sideEffects === true && spec.idempotent !== true) {
    // Recovery must know this call may have happened before it can happen.
    // Unless that is stored, the call must not start: another process may hold the task now.
    const saved = await deps.lifecycle.save(record)
    if (saved !== 'written' || record.status !== 'running') {
      work.inFlight = null
      deps.trace.end(record, step, { status: 'skipped', note: `task is ${record.status}` })
      return null
    }
  }
  const invoke = async (): Promise<unknown> =>
    outputOf(
      spec,
      call,
      await callCapability(
        { run: runCapability },
        {
          input: () => site.input,
          context: {
            task_id: record.id,
            user_id: record.userId,
            mode: record.mode,
            idempotencyKey,
            note,
            extras: site.context,
          },
          options: {
            clock: deps.clock,
            policy: site.policy,
            timeoutMs: spec.timeoutMs ?? deps.limits.callTimeoutMs,
            signal,
            secrets: deps.secrets,
            wrapAttempt:
              middleware.length === 0 ? undefined : (next) => compose(middleware, 'attempt', { site, last: next }),
            onRetry: (error, attempt, delayMs) =>
              note(`attempt ${attempt} failed (${error.code}); retrying in ${delayMs} ms`),
          },
        },
      ),
    )
  try {
    return await settle(deps, run, {
      call,
      step,
      outcome: middleware.length === 0 ? invoke() : compose(middleware, 'call', { site, last: invoke }),
    })
  } finally {
    work.inFlight = null
  }
}

/** Records how a started call ended, and queues the step boundary's write. */
async function settle(
  deps: CallRunnerDeps,
  run: TaskRun,
  { call, step, outcome }: { call: PlannedCall; step: StepRecord; outcome: Promise<unknown> },
): Promise<WaitRequest | 'replan' | null> {
  const { record, work } = run
  try {
    const output = await outcome
    if (record.status !== 'running') {
      deps.trace.end(record, step, { status: 'skipped', note: `task is ${record.status}` })
      return null
    }
    deps.trace.end(record, step, { status: 'complete' })
    work.inFlight = null
    work.history.push({ ...call, status: 'complete', output })
    void deps.lifecycle.save(record)
    return null
  } catch (thrown) {
    if (thrown instanceof WaitRequest) {
      deps.trace.end(record, step, { status: 'waiting', note: thrown.waiting.reason })
      return record.status === 'running' ? thrown : null
    }
    if (thrown instanceof ReplanRequest) {
      const error = deps.secrets.scrubError(thrown.error)
      deps.trace.end(record, step, { status: 'failed', note: `${error.code}: ${error.message}; planning again` })
      if (record.status !== 'running') return null
      work.history.push({
        ...call,
        status: 'failed',
        error: new InboardError(error.code, error.message, {
          tool: call.tool,
          recoverable: error.recoverable,
          cause: error,
        }).toTaskError(),
      })
      return 'replan'
    }
    // Middleware may fail a call with the runtime's own code (auth's `user_required`); keep it.
    const error = deps.secrets.scrubError(
      thrown instanceof InboardError || thrown instanceof ToolError ? thrown : toToolError(thrown),
    )
    deps.trace.end(record, step, { status: 'failed', note: `${error.code}: ${error.message}` })
    if (record.status !== 'running') return null
    const failure =
      error instanceof InboardError
        ? error
        : new InboardError(error.code, error.message, {
            tool: call.tool,
            recoverable: error.recoverable,
            suggestion: error.suggestion ?? null,
            cause: error,
          })
    work.history.push({ ...call, status: 'failed', error: failure.toTaskError() })
    failTask(deps, record, failure)
    return null
  }
}
