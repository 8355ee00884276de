import { InboardError, toInboardError } from '../errors/inboard-error.js'
import type { CallRecord, CapabilityInfo, Planner, PlannerContext, PlannerDecision } from '../planner/planner.js'
import type { TaskRecord, TaskWork } from '../task/task-record.js'
import { runCalls } from './call-runner.js'
import { resultProblem } from './result-check.js'
import { RunSignal } from './run-signal.js'
import { withSignal } from './signal-property.js'
import { failTask, waitTask } from './task-outcomes.js'
import type { CallRunnerDeps, TaskRun } from './task-run.js'
import { elapsed } from '../elapsed.js'

/** What a task may call: planner-facing descriptions and the ids enforcement checks. */
export interface TaskCapabilities {
  infos: readonly CapabilityInfo[]
  allowed: ReadonlySet<string>
}

export interface RunnerDeps extends CallRunnerDeps {
  planner: Planner
  capabilitiesFor(record: TaskRecord): TaskCapabilities
  subagentPrompt(record: TaskRecord): string | null
}

function singleTool(work: TaskWork): string | null {
  let tool: string | null = null
  for (const call of work.history) {
    if (call.status !== 'complete') continue
    if (tool !== null && tool !== call.tool) return null
    tool = call.tool
  }
  return tool
}

async function decide(
  deps: RunnerDeps,
  record: TaskRecord,
  { work, context }: { work: TaskWork; context: PlannerContext },
): Promise<PlannerDecision | null> {
  const step = deps.trace.start(record, deps.planner.name, 'plan')
  context.note = (text) => deps.trace.note(step, text)
  try {
    const decision = await deps.planner.plan(context)
    work.decisions++
    if (record.status !== 'running') {
      deps.trace.end(record, step, { status: 'skipped', note: `task is ${record.status}` })
      return null
    }
    deps.trace.end(record, step, { status: 'complete', note: describe(decision) })
    return decision
  } catch (thrown) {
    deps.trace.end(record, step, { status: 'failed' })
    const cause = toInboardError(thrown)
    failTask(
      deps,
      record,
      new InboardError('planner_error', `The planner failed: ${cause.message}`, { cause: thrown, recoverable: true }),
    )
    return null
  }
}

function describe(decision: PlannerDecision): string {
  switch (decision.type) {
    case 'call':
      return `call ${decision.calls.map((call) => `${call.tool}.${call.capability}`).join(', ')}${decision.approval ? ' (after approval)' : ''}`
    case 'ask':
      return `ask for ${decision.fields.map((field) => field.name).join(', ') || 'input'}`
    case 'finish':
      return 'finish'
    case 'fail':
      return `fail: ${decision.message}`
  }
}

function buildContext(
  deps: RunnerDeps,
  record: TaskRecord,
  { work, infos, run }: { work: TaskWork; infos: readonly CapabilityInfo[]; run: RunSignal },
): PlannerContext {
  const subagentPrompt = deps.subagentPrompt(record)
  const context: Omit<PlannerContext, 'signal'> = {
    task: {
      id: record.id,
      prompt: record.prompt,
      user_id: record.userId,
      mode: record.mode,
      metadata: record.metadata,
    },
    subagent:
      record.subAgent === null || subagentPrompt === null ? null : { id: record.subAgent, prompt: subagentPrompt },
    decision: work.decisions,
    capabilities: infos,
    history: work.history,
    input: { messages: work.messages, values: work.values },
    onAbort(listener) {
      if (!run.aborted) return run.onAbort(listener)
      listener(run.reason)
      return () => undefined
    },
    note: () => undefined,
    modelCall(action, model) {
      const step = deps.trace.start(record, 'model', action)
      return {
        // Fields named, not spread: the planner's outcomes come in several shapes.
        end: (outcome) =>
          deps.trace.endModelCall(record, step, {
            status: outcome.status,
            model,
            usage: outcome.usage,
            note: outcome.note,
          }),
      }
    },
  }
  return withSignal(context, run)
}

/**
 * Runs a task from its current state until it ends or waits: asks the planner, enforces and runs
 * the calls it proposes, and applies limits. Resolving releases the task's concurrency slot.
 */
export async function runTask(deps: RunnerDeps, record: TaskRecord): Promise<void> {
  const work = record.work!
  const controller = new RunSignal()
  work.controller = controller
  const startedAt = deps.clock.now()
  const remaining = Math.max(0, record.timeoutMs - record.usedMs)
  const timer = deps.clock.setTimeout(() => {
    failTask(
      deps,
      record,
      new InboardError('task_timeout', `The task did not finish within ${record.timeoutMs} ms`, {
        recoverable: true,
        suggestion: 'Retry with a larger timeout',
      }),
    )
  }, remaining)
  const { infos, allowed } = deps.capabilitiesFor(record)
  const context = buildContext(deps, record, { work, infos, run: controller })
  const run: TaskRun = { record, work, allowed, signal: controller }
  // A resumed task starts a new run; a run that went waiting must not continue alongside it.
  const live = (): boolean => record.status === 'running' && work.controller === controller
  try {
    while (live()) {
      if (work.held !== null) {
        const held = work.held
        work.held = null
        await runCalls(deps, run, { calls: held })
        continue
      }
      if (work.decisions >= deps.limits.maxSteps) {
        failTask(
          deps,
          record,
          new InboardError(
            'max_steps_exceeded',
            `The task made ${work.decisions} planner decisions without finishing`,
            { suggestion: 'Split the task or raise limits.maxSteps' },
          ),
        )
        break
      }
      context.decision = work.decisions
      const decision = await decide(deps, record, { work, context })
      if (decision === null || !live()) break
      await apply(deps, run, decision)
    }
  } catch (thrown) {
    // Fail the task only if this run still owns it; a store error may have left it mid-change.
    if (record.status === 'running' || record.status === 'waiting') failTask(deps, record, toInboardError(thrown))
  } finally {
    deps.clock.clearTimeout(timer)
    record.usedMs += elapsed(deps.clock.now(), startedAt)
    if (work.controller === controller) work.controller = null
  }
}

async function apply(deps: RunnerDeps, run: TaskRun, decision: PlannerDecision): Promise<void> {
  const { record, work } = run
  switch (decision.type) {
    case 'call':
      if (decision.calls.length === 0) {
        failTask(deps, record, new InboardError('planner_error', 'The planner asked for an empty list of calls'))
        return
      }
      await runCalls(deps, run, { calls: decision.calls, approval: decision.approval })
      if (
        record.status === 'running' &&
        record.mode === 'test' &&
        work.history.some((call) => call.status === 'skipped')
      ) {
        completeTask(deps, record, { work, result: previewResult(deps, record, work) })
      }
      return
    case 'ask':
      waitTask(deps, record, {
        reason: 'input_required',
        service: null,
        auth_url: null,
        message: decision.message,
        fields: [...decision.fields],
      })
      return
    case 'finish':
      completeTask(deps, record, { work, result: decision.result })
      return
    case 'fail':
      failTask(
        deps,
        record,
        new InboardError(decision.code ?? 'planner_error', decision.message, {
          recoverable: decision.recoverable ?? false,
          suggestion: decision.suggestion ?? null,
        }),
      )
      return
  }
}

function completeTask(
  deps: RunnerDeps,
  record: TaskRecord,
  { work, result }: { work: TaskWork; result: unknown },
): void {
  // A result the wire cannot carry would make every later read of the task fail: it fails the task now.
  const problem = resultProblem(result, deps.limits.maxResultBytes)
  if (problem) {
    failTask(deps, record, problem)
    return
  }
  const tool = singleTool(work)
  deps.lifecycle.apply(record, 'COMPLETE', (task) => {
    task.result = result
    task.tool = tool
  })
}

/** The result of a test-mode task that skipped a side effect: what ran, what a sandbox returned, what was skipped. */
function sandboxedCall(call: CallRecord, deps: RunnerDeps): boolean {
  return deps.index.get(`${call.tool}.${call.capability}`)?.spec.sideEffects === true
}

function previewResult(deps: RunnerDeps, record: TaskRecord, work: TaskWork): unknown {
  return {
    preview: true,
    sub_agent: record.subAgent,
    steps: work.history.map((call) => ({
      tool: call.tool,
      capability: call.capability,
      input: call.input,
      outcome: call.status === 'skipped' ? 'skipped' : sandboxedCall(call, deps) ? 'sandboxed' : 'ran',
      ...(call.status === 'complete' ? { output: call.output } : {}),
    })),
  }
}
