import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { CapabilitySpec } from '@inboard/tools'
import type {
  CallRecord,
  CapabilityInfo,
  PlannedCall,
  Planner,
  PlannerContext,
  PlannerDecision,
} from '../planner/planner.js'
import type { ExecutionMemory, ReplayState } from './execution-memory.js'
import type { MemoryEntryOf, MemoryValues, PlanDecisionTemplate } from './memory-entry.js'
import { keyOf, scopeKey, type MemoryScope } from './memory-store.js'
import { describeLink, isLink, OutputIndex } from './plan-links.js'
import { abstractPlan, fillPlan, isParameterised } from './prompt-shape.js'

/** One task's planning as the decorator follows it. */
interface TaskPlan extends ReplayState {
  values: Record<string, string>
  /** The task waited for input or made a call it doubted: its plan is not learned. */
  asked: boolean
  /** The first decision and history entry of the plan being recorded (after a fallback, past the replay). */
  decisionStart: number
  historyStart: number
  calls: Array<readonly PlannedCall[]>
  /** The plan a failed replay followed, replaced when the task finishes. */
  revising: MemoryEntryOf<'plan'> | null
}

const NO_VALUES: Record<string, string> = {}
/** Plans kept per subagent and account; the least recently used or learned goes first. */
const MAX_PLANS = 500

/** The tool name plans are stored under: a plan spans tools. */
export const PLAN_TOOL = '*'

/**
 * Wraps a planner with plan memory. When a task finishes, the calls it made are stored under its
 * prompt shape (values from the prompt abstracted); the next task whose prompt has that shape
 * replays them without asking the planner. A replay whose call fails or no longer fits its schema
 * falls back to the planner, which plans as for a new task, and the revised plan replaces the old.
 */
export function withPlanMemory(
  inner: Planner,
  memory: ExecutionMemory,
  specOf: (id: string) => CapabilitySpec | undefined,
): Planner {
  const observed = inner.replay === 'observed'
  const allowedSets = new WeakMap<readonly CapabilityInfo[], ReadonlySet<string>>()

  const allowed = (context: PlannerContext): ReadonlySet<string> => {
    let set = allowedSets.get(context.capabilities)
    if (!set) {
      set = new Set(context.capabilities.map((info) => info.id))
      allowedSets.set(context.capabilities, set)
    }
    return set
  }

  // Constant calls were valid when recorded and the runner validates them again; filled ones may not be.
  const fits = (context: PlannerContext, calls: readonly PlannedCall[], filled: boolean): boolean =>
    calls.every((call) => {
      const id = `${call.tool}.${call.capability}`
      return allowed(context).has(id) && (!filled || specOf(id)?.input.safeParse(call.input).success === true)
    })
  const notes = new WeakMap<object, string>()
  /** Notes are built once per plan step and shared by every trace that replays it. */
  const noteOf = (key: object, text: string | undefined): string | undefined => {
    if (text !== undefined) notes.set(key, text)
    return notes.get(key)
  }

  const scopeOf = (context: PlannerContext): MemoryScope => ({
    subagent: context.subagent?.id ?? null,
    tool: PLAN_TOOL,
    account: memory.accountOf(context.task.id),
  })

  const begin = (context: PlannerContext): TaskPlan => {
    // A task seen first mid-way (resumed after a restart, or recovered from a process that died)
    // is planned with everything it did so far; it neither replays nor records a plan.
    const task: TaskPlan = {
      entry: null,
      failed: false,
      values: NO_VALUES,
      decisionStart: 0,
      historyStart: 0,
      calls: [],
      asked: false,
      revising: null,
    }
    memory.track(context.task.id, task)
    if (context.decision !== 0 || context.history.length !== 0) return task
    const scope = keyOf(context.subagent?.id ?? null, PLAN_TOOL, memory.accountOf(context.task.id))
    const exact = memory.plans(scope)?.get(context.task.prompt)
    const match = exact ? { entry: exact, values: NO_VALUES } : memory.matchPlan(scope, context.task.prompt)
    if (match) {
      task.entry = match.entry
      task.values = match.values
    }
    return task
  }

  const end = (id: string): void => {
    memory.untrack(id)
  }

  const fallBack = (context: PlannerContext, task: TaskPlan, reason: string): void => {
    const entry = task.entry!
    context.note(`replayed plan for '${entry.value.shape}' ${reason}; planning again`)
    task.revising = entry
    task.entry = null
    // A model continues the same conversation: the replayed calls stay in its view and in the revised
    // plan. So does any planner once a replayed side effect ran: planning afresh would repeat it.
    if (
      observed ||
      context.history.some(
        (call) => call.status === 'complete' && specOf(`${call.tool}.${call.capability}`)?.sideEffects === true,
      )
    )
      return
    task.decisionStart = context.decision
    task.historyStart = context.history.length
    task.calls = []
  }

  const record = (context: PlannerContext, task: TaskPlan, result: unknown): void => {
    if (task.asked || task.calls.length === 0) return
    const history = context.history.slice(task.historyStart)
    if (
      history.length !== task.calls.reduce((sum, calls) => sum + calls.length, 0) ||
      history.some((call) => call.status !== 'complete')
    )
      return
    if (observed) {
      learn(context, task, {
        plan: observedPlan(context.task.prompt, task.calls, { userId: context.task.user_id, history, result, specOf }),
        skipped: [],
      })
      return
    }
    const last = history.at(-1)?.output
    const finish = result === last || isDeepStrictEqual(result, last) ? 'last_output' : 'planner'
    const { decisions, outputs, skipped } =
      finish === 'last_output'
        ? withoutUnusedReads(task.calls, history, specOf)
        : { decisions: task.calls, outputs: history.map((call) => call.output), skipped: [] }
    const plan = abstractPlan(context.task.prompt, decisions, {
      userId: context.task.user_id,
      outputs,
      chosen: (call, key) => enumParameter(context, call, key),
    })
    if (!plan) return
    learn(context, task, { plan: { shape: plan.shape, decisions: plan.decisions, finish }, skipped })
  }

  const learn = (
    context: PlannerContext,
    task: TaskPlan,
    { plan, skipped }: { plan: MemoryValues['plan']; skipped: readonly string[] },
  ): void => {
    const { finish } = plan
    const scope = scopeOf(context)
    const existing = memory.find(scopeKey(scope), 'plan', { capability: null, key: plan.shape })
    if (
      existing &&
      existing.value.finish === finish &&
      isDeepStrictEqual(existing.value.decisions, plan.decisions) &&
      isDeepStrictEqual(existing.value.observed, plan.observed)
    )
      return
    if (task.revising && task.revising.value.shape !== plan.shape) memory.forget(task.revising)
    // Prompts that never repeat would grow memory without end: keep the most recently useful plans.
    const plans = memory.plans(scopeKey(scope))
    if (!existing && plans && plans.size >= MAX_PLANS) memory.forget(memory.leastRecentPlan(scopeKey(scope))!)
    const capabilities = plan.decisions.flatMap((decision) =>
      decision.calls.map((call) => `${call.tool}.${call.capability}`),
    )
    memory.learn(scope, 'plan', {
      capability: null,
      key: plan.shape,
      value: plan,
      taskId: context.task.id,
      evidence: {
        capabilities,
        decisions: task.calls.length,
        ...(skipped.length > 0 ? { skipped } : {}),
        ...(task.revising ? { revised: task.revising.provenance.task_id } : {}),
      },
    })
    context.note(
      `${task.revising || existing ? 'revised' : 'learned'} plan for '${plan.shape}'${skipped.length > 0 ? ` (replays skip ${skipped.join(', ')})` : ''}`,
    )
  }

  const replayed = (context: PlannerContext, task: TaskPlan): Decision | null => {
    const entry = task.entry!
    const plan = entry.value
    if (task.failed) {
      fallBack(context, task, 'failed')
      return null
    }
    if (plan.observed && !sameOutputs(plan.observed.outputs, context.history)) {
      fallBack(context, task, 'saw a different output')
      return null
    }
    const decision = plan.decisions[context.decision]
    if (decision) {
      const calls = fillPlan(decision, { values: task.values, userId: context.task.user_id, history: context.history })
      if (!calls || !fits(context, calls, isParameterised(decision))) {
        fallBack(
          context,
          task,
          calls
            ? 'no longer fits the capabilities'
            : 'cannot fill a value of the next step (a linked output is missing)',
        )
        return null
      }
      if (context.decision === 0) memory.used(entry)
      const index = context.decision
      context.note(
        noteOf(decision, undefined) ??
          noteOf(
            decision,
            `replayed plan for '${plan.shape}'${plan.decisions.length > 1 ? ` (step ${index + 1} of ${plan.decisions.length})` : ''}${linksOf(decision)}`,
          )!,
      )
      task.calls.push(calls)
      return { type: 'call', calls }
    }
    if (plan.observed) {
      context.note(
        noteOf(plan, undefined) ??
          noteOf(
            plan,
            `finished replayed plan for '${plan.shape}' with its recorded result (every call returned what it did when learned)`,
          )!,
      )
      end(context.task.id)
      return { type: 'finish', result: plan.observed.result }
    }
    const last = context.history.at(-1)
    if (plan.finish === 'last_output' && last?.status === 'complete') {
      context.note(
        noteOf(plan, undefined) ?? noteOf(plan, `finished replayed plan for '${plan.shape}' with the last output`)!,
      )
      end(context.task.id)
      return { type: 'finish', result: last.output }
    }
    // The planner shapes the result over the replayed calls; if it wants more, the plan was incomplete.
    const next = inner.plan(context)
    return isThenable(next)
      ? Promise.resolve(next).then((settled) => afterReplay(context, task, settled))
      : afterReplay(context, task, next)
  }

  const afterReplay = (context: PlannerContext, task: TaskPlan, next: PlannerDecision): PlannerDecision => {
    if (next.type === 'finish' || next.type === 'fail') {
      end(context.task.id)
      return next
    }
    task.revising = task.entry
    task.entry = null
    return follow(context, task, next)
  }

  const follow = (context: PlannerContext, task: TaskPlan, decision: PlannerDecision): PlannerDecision => {
    if (decision.type === 'call') {
      task.calls.push([...decision.calls])
      // A replay runs without asking: a call the planner doubted must be doubted (and approved) again.
      if (decision.approval) task.asked = true
    } else if (decision.type === 'ask') task.asked = true
    else {
      if (decision.type === 'finish') record(context, task, decision.result)
      end(context.task.id)
    }
    return decision
  }

  // Synchronous unless the inner planner or the first load of the store is not: no promise per decision.
  const plan = (context: PlannerContext): Decision => {
    if (!memory.enabled(context.task)) return inner.plan(context)
    if (!memory.store.isReady) return memory.store.ready().then(() => plan(context))
    // Only this decorator tracks tasks, so what it finds is its own TaskPlan.
    const task = (memory.replay(context.task.id) as TaskPlan | undefined) ?? begin(context)
    if (task.entry) {
      const decision = replayed(context, task)
      if (decision) return decision
    }
    const fresh = task.decisionStart === 0 && task.historyStart === 0
    const view: PlannerContext = fresh
      ? context
      : {
          ...context,
          decision: context.decision - task.decisionStart,
          history: context.history.slice(task.historyStart),
        }
    // No closure unless the planner is asynchronous (closures are not free on the hot path).
    const decision = inner.plan(view)
    return isThenable(decision)
      ? Promise.resolve(decision).then((settled) => follow(context, task, settled))
      : follow(context, task, decision)
  }
  const planner: Planner = { name: inner.name, plan }
  return inner.refusals === undefined ? planner : { ...planner, refusals: inner.refusals }
}

/** A digest of a call's output: replays compare outputs without keeping them. */
const digest = (output: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(output) ?? 'undefined')
    .digest('base64url')
    .slice(0, 22)

/** Whether every call so far returned what it returned when the plan was learned ('' = not compared). */
function sameOutputs(outputs: readonly string[], history: readonly CallRecord[]): boolean {
  return history.every(
    (call, index) => call.status === 'complete' && (outputs[index] === '' || outputs[index] === digest(call.output)),
  )
}

/** Strings and numbers (but small counts) in a value, bounded. */
function valuesIn(value: unknown, out: Set<unknown>, budget = { left: 10_000 }): Set<unknown> {
  if (budget.left-- <= 0) return out
  if (typeof value === 'string' || (typeof value === 'number' && Math.abs(value) >= 10)) out.add(value)
  else if (Array.isArray(value)) for (const item of value) valuesIn(item, out, budget)
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) valuesIn(item, out, budget)
  return out
}

/**
 * An `'observed'` plan: the exact prompt, the calls with the task's user id as a parameter (a replay
 * for another user must not act as the first), and what the calls returned and the task finished with.
 */
function observedPlan(
  prompt: string,
  calls: ReadonlyArray<readonly PlannedCall[]>,
  {
    userId,
    history,
    result,
    specOf,
  }: {
    userId: string | null
    history: readonly CallRecord[]
    result: unknown
    specOf: (id: string) => CapabilitySpec | undefined
  },
): MemoryValues['plan'] {
  const decisions: PlanDecisionTemplate[] = calls.map((decision) => ({
    calls: decision.map((call) => ({
      tool: call.tool,
      capability: call.capability,
      input: Object.fromEntries(
        Object.entries(call.input).map(([key, value]) => [
          key,
          userId !== null && value === userId ? { $param: 'user', type: 'user' } : value,
        ]),
      ),
    })),
  }))
  // What a side-effecting call returns is mostly an acknowledgement with fresh ids and times; it is
  // compared only when a later input or the result used a value from it.
  const outputs = history.map((call, index) => {
    if (specOf(`${call.tool}.${call.capability}`)?.sideEffects !== true) return digest(call.output)
    const later = valuesIn(result, new Set())
    for (const after of history.slice(index + 1)) valuesIn(after.input, later)
    const used = [...valuesIn(call.output, new Set())].some((value) => later.has(value))
    return used ? digest(call.output) : ''
  })
  return { shape: prompt, decisions, finish: 'planner', observed: { outputs, result } }
}

type Decision = PlannerDecision | Promise<PlannerDecision>

/** Whether a later call's input holds a value (or text containing one) of this output. */
function feedsLater(output: unknown, later: ReadonlyArray<readonly PlannedCall[]>): boolean {
  const index = new OutputIndex()
  index.add(output, 0)
  return later.some((decision) =>
    decision.some((call) =>
      Object.values(call.input).some(
        (value) => index.linkOf(value) !== undefined || (typeof value === 'string' && index.composedFrom(value)),
      ),
    ),
  )
}

/** Whether a parameter of a capability takes one of a fixed set of values (its JSON Schema has an `enum`). */
function enumParameter(context: PlannerContext, call: PlannedCall, key: string): boolean {
  const info = context.capabilities.find(
    (candidate) => candidate.tool === call.tool && candidate.capability === call.capability,
  )
  const properties = info?.inputSchema.properties as Record<string, { enum?: unknown }> | undefined
  return Array.isArray(properties?.[key]?.enum)
}

/** `; order_id ← call 1 output orders[0].order_id` for a decision's links, or ''. */
function linksOf(decision: PlanDecisionTemplate): string {
  const links = decision.calls.flatMap((call) =>
    Object.entries(call.input).flatMap(([key, value]) => (isLink(value) ? [`${key} ← ${describeLink(value)}`] : [])),
  )
  return links.length > 0 ? `; ${links.join(', ')}` : ''
}

const isThenable = (value: PlannerDecision | PromiseLike<PlannerDecision>): value is PromiseLike<PlannerDecision> =>
  typeof (value as { then?: unknown }).then === 'function'

/**
 * When the result is the last call's output, earlier read-only calls (discovery: describing a
 * schema, listing what exists) did not shape it: a replay can skip them, unless a later input was
 * copied from their output (a chain), which the replay links to.
 */
function withoutUnusedReads(
  calls: ReadonlyArray<readonly PlannedCall[]>,
  history: readonly CallRecord[],
  specOf: (id: string) => CapabilitySpec | undefined,
) {
  const decisions: PlannedCall[][] = []
  const outputs: unknown[] = []
  const skipped: string[] = []
  let at = 0
  for (const [index, decision] of calls.entries()) {
    const kept: PlannedCall[] = []
    for (const [position, call] of decision.entries()) {
      const output = history[at++]?.output
      const id = `${call.tool}.${call.capability}`
      const last = index === calls.length - 1 && position === decision.length - 1
      if (last || specOf(id)?.sideEffects === true || feedsLater(output, calls.slice(index + 1))) {
        kept.push(call)
        outputs.push(output)
      } else skipped.push(id)
    }
    if (kept.length > 0) decisions.push(kept)
  }
  return { decisions, outputs, skipped }
}
