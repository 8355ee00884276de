import { isDeepStrictEqual } from 'node:util'
import { createDefaultPlanner, type Planner, type Task } from '@inboard/core'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import type { AskCase, ChainCase, Expected, ExpectedCall, SingleCase } from './cases.js'
import { evaluationTools, type LoggedCall } from './tools.js'

/** 2026-03-11T10:00:00Z, a Wednesday: every relative date in the set is read against it. */
export const NOW = Date.UTC(2026, 2, 11, 10, 0, 0)

export interface CaseRun {
  prompt: string
  calls: LoggedCall[]
  task: Task
  /** Approvals the task asked for (a side effect the planner doubted). */
  approvals: number
}

export interface CaseOutcome {
  section: 'single' | 'ask' | 'chain'
  prompt: string
  /** single: the capability was right. */
  selected: boolean
  /** Everything the section checks was right. */
  passed: boolean
  /** Side-effecting calls with a value found in neither the prompt, nor an earlier result, nor the expectation. */
  guessed: string[]
  /** Approvals the task asked for (answered as the prompt's writer would). */
  approvals: number
  detail: string
}

/**
 * Answers an approval request as the person who wrote the prompt would: yes when the proposed call
 * is the action they meant (`calls` is what ran before it).
 */
export type Approver = (request: { tool: string; capability: string }, calls: readonly LoggedCall[]) => boolean

/** Runs one prompt as a task on a fresh runtime and collects the calls its tools received. */
export async function runCase(
  prompt: string,
  approve: Approver = () => false,
  planner: Planner = createDefaultPlanner({ now: () => NOW }),
): Promise<CaseRun> {
  const calls: LoggedCall[] = []
  const clock = createFakeClock(NOW)
  const runtime = createTestRuntime({ clock, tools: evaluationTools(calls), planner, memory: { enabled: false } })
  try {
    // Works whether `create` returns the task or a promise of it (the API is becoming async).
    const created = await Promise.resolve(await runtime.tasks.create({ prompt }))
    let task = await runtime.tasks.wait(created.id, { until: 'waiting' })
    let approvals = 0
    while (
      task.status === 'waiting' &&
      task.waiting?.reason === 'approval_required' &&
      task.waiting.request &&
      approvals < 3
    ) {
      approvals++
      const approved = approve(task.waiting.request, calls)
      await runtime.tasks.sendInput(task.id, { approved })
      task = await runtime.tasks.wait(created.id, { until: 'waiting' })
    }
    return { prompt, calls, task, approvals }
  } finally {
    await runtime.close({ deadlineMs: 0 })
  }
}

/** A person approves a proposed call when it is the one expected at that point of the case. */
const approverOf =
  (expected: readonly ExpectedCall[]): Approver =>
  (request, calls) =>
    expected[calls.length]?.capability === `${request.tool}.${request.capability}`

function matches(expected: Expected, actual: unknown): boolean {
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) {
    if ('$oneOf' in expected) return expected.$oneOf.some((value) => isDeepStrictEqual(value, actual))
    if ('$includes' in expected)
      return typeof actual === 'string' && actual.toLowerCase().includes(expected.$includes.toLowerCase())
  }
  return isDeepStrictEqual(expected, actual)
}

/** Why a call differs from the expectation, or null when it matches. */
export function callProblem(expected: ExpectedCall, call: LoggedCall | undefined, task?: Task): string | null {
  if (!call) return `expected ${expected.capability}, no call (${task ? describe(task) : 'none'})`
  if (call.id !== expected.capability)
    return `expected ${expected.capability}, called ${call.id} ${JSON.stringify(call.input)}`
  const problems: string[] = []
  for (const [name, value] of Object.entries(expected.params)) {
    if (!matches(value, call.input[name]))
      problems.push(`${name}=${JSON.stringify(call.input[name])} (want ${JSON.stringify(value)})`)
  }
  for (const [name, value] of Object.entries(call.input)) {
    if (Object.hasOwn(expected.params, name)) continue
    // The runtime fills schema defaults in; a default is never a wrong extra value.
    if (Object.hasOwn(call.defaults, name) && isDeepStrictEqual(call.defaults[name], value)) continue
    const maybe = expected.maybe?.[name]
    if (maybe === undefined) problems.push(`unexpected ${name}=${JSON.stringify(value)}`)
    else if (!matches(maybe, value))
      problems.push(`${name}=${JSON.stringify(value)} (want ${JSON.stringify(maybe)} or nothing)`)
  }
  return problems.length > 0 ? `${call.id}: ${problems.join(', ')}` : null
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
}

function primitives(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' || typeof value === 'number') out.push(String(value))
  else if (Array.isArray(value)) for (const item of value) primitives(item, out)
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) primitives(item, out)
  return out
}

/**
 * Side-effecting calls that used a value nobody gave: every word of every value must come from the
 * prompt or an earlier call's output, unless the value is exactly what the case expects there
 * (a date or amount the planner normalised). Booleans are not judged.
 */
export function guessedValues(
  prompt: string,
  calls: readonly LoggedCall[],
  expected: readonly ExpectedCall[],
): string[] {
  const guessed: string[] = []
  const known = new Set(wordsOf(prompt))
  const squashed = prompt.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')
  for (const [index, call] of calls.entries()) {
    const want = expected[index]
    if (call.sideEffects) {
      for (const [name, value] of Object.entries(call.input)) {
        const spec = want?.capability === call.id ? (want.params[name] ?? want.maybe?.[name]) : undefined
        if (spec !== undefined && matches(spec, value)) continue
        if (Object.hasOwn(call.defaults, name) && isDeepStrictEqual(call.defaults[name], value)) continue
        for (const part of primitives(value)) {
          const grounded =
            wordsOf(part).every((word) => known.has(word)) ||
            squashed.includes(part.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''))
          if (!grounded) guessed.push(`${call.id}.${name}=${JSON.stringify(part)}`)
        }
      }
    }
    for (const part of primitives(call.output)) for (const word of wordsOf(part)) known.add(word)
  }
  return guessed
}

function describe(task: Task): string {
  if (task.status === 'waiting') return `waiting: ${task.waiting?.message ?? task.waiting?.reason}`
  if (task.status === 'failed') return `failed: ${task.error?.message}`
  return task.status
}

function askProblem(task: Task, fields: readonly string[]): string | null {
  if (task.status !== 'waiting' || task.waiting?.reason !== 'input_required') return `ended ${describe(task)}`
  const named = new Set((task.waiting.fields ?? []).map((field) => field.name))
  const missing = fields.filter((field) => !named.has(field))
  return missing.length > 0 ? `asked for ${[...named].join(', ') || 'nothing'}, not ${missing.join(', ')}` : null
}

export async function evaluateSingle(item: SingleCase, planner?: Planner): Promise<CaseOutcome> {
  const run = await runCase(item.prompt, approverOf([item.call]), planner)
  const first = run.calls[0]
  const problem =
    callProblem(item.call, first, run.task) ??
    (run.calls.length > 1
      ? `then also called ${run.calls
          .slice(1)
          .map((call) => call.id)
          .join(', ')}`
      : null)
  return {
    section: 'single',
    prompt: item.prompt,
    // An ask about the right capability ("To run tracker.set_status I need: key") chose right too.
    selected: first
      ? first.id === item.call.capability
      : run.task.status === 'waiting' && (run.task.waiting?.message ?? '').includes(item.call.capability),
    passed: problem === null,
    guessed: guessedValues(item.prompt, run.calls, [item.call]),
    approvals: run.approvals,
    detail: problem ?? 'ok',
  }
}

export async function evaluateAsk(item: AskCase, planner?: Planner): Promise<CaseOutcome> {
  // An ask case must ask for a value: an approval request is denied, and the case fails.
  const run = await runCase(item.prompt, undefined, planner)
  const writes = run.calls.filter((call) => call.sideEffects)
  const problem =
    writes.length > 0
      ? `called ${writes.map((call) => `${call.id} ${JSON.stringify(call.input)}`).join(', ')}`
      : askProblem(run.task, item.fields)
  return {
    section: 'ask',
    prompt: item.prompt,
    selected: true,
    passed: problem === null,
    guessed: guessedValues(item.prompt, run.calls, []),
    approvals: run.approvals,
    detail: problem ?? 'ok',
  }
}

export async function evaluateChain(item: ChainCase, planner?: Planner): Promise<CaseOutcome> {
  const run = await runCase(item.prompt, approverOf(item.calls), planner)
  let problem: string | null = null
  for (const [index, expected] of item.calls.entries()) {
    problem = callProblem(expected, run.calls[index], run.task)
    if (problem) {
      problem = `step ${index + 1}: ${problem}`
      break
    }
  }
  if (!problem && run.calls.length > item.calls.length)
    problem = `then also called ${run.calls
      .slice(item.calls.length)
      .map((call) => call.id)
      .join(', ')}`
  if (!problem)
    problem = item.ask
      ? askProblem(run.task, item.ask)
      : run.task.status === 'complete'
        ? null
        : `ended ${run.task.status}`
  return {
    section: 'chain',
    prompt: item.prompt,
    selected: true,
    passed: problem === null,
    guessed: guessedValues(item.prompt, run.calls, item.calls),
    approvals: run.approvals,
    detail: problem ?? 'ok',
  }
}
