import type { CallRecord, PlannedCall } from '../planner/planner.js'
import type { PlanDecisionTemplate } from './memory-entry.js'
import { isLink, OutputIndex, resolveLink } from './plan-links.js'

/** A value a replay fills in: from the prompt (`{name}` in the shape) or the task's user. */
export interface PlanParameter {
  $param: string
  type: 'string' | 'number' | 'user'
}

const isParameter = (value: unknown): value is PlanParameter =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PlanParameter).$param === 'string' &&
  typeof (value as PlanParameter).type === 'string'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const boundary = (text: string, at: number, length: number): boolean =>
  !/\w/.test(text[at - 1] ?? ' ') && !/\w/.test(text[at + length] ?? ' ')

function find(prompt: string, text: string, taken: ReadonlyArray<readonly [number, number, ...unknown[]]>): number {
  for (let at = prompt.indexOf(text); at >= 0; at = prompt.indexOf(text, at + 1)) {
    if (boundary(prompt, at, text.length) && taken.every(([start, end]) => at + text.length <= start || at >= end))
      return at
  }
  return -1
}

export interface AbstractOptions {
  userId: string | null
  /** The outputs of the calls, in order. */
  outputs: readonly unknown[]
  /** Whether a parameter takes one of a fixed set of values (an enum), which is never a link. */
  chosen: (call: PlannedCall, key: string) => boolean
}

/** What a replay fills a plan's inputs from. */
export interface PlanFill {
  /** The prompt's values by placeholder name. */
  values: Readonly<Record<string, string>>
  userId: string | null
  /** This task's calls so far, which links read. */
  history: readonly CallRecord[]
}

/**
 * Turns the calls a task made into a replayable plan: input values found in the prompt become
 * `{name}` placeholders in its shape (`pull deals in stage {stage}`), the task's user id becomes a
 * user parameter, an input equal to a value of an earlier call's output becomes a link to where it
 * sat there (a chain: `order_id` ← call 1's `orders[0].order_id`), anything else stays constant.
 * Returns null when the plan cannot be replayed safely: text composed from an earlier output, or a
 * date not written in the prompt nor copied from an output (it was computed from the current time).
 */
export function abstractPlan(
  prompt: string,
  decisions: ReadonlyArray<readonly PlannedCall[]>,
  options: AbstractOptions,
): { shape: string; decisions: PlanDecisionTemplate[] } | null {
  const { userId, outputs, chosen } = options
  const taken: Array<[number, number, string]> = []
  const names = new Map<string, string>()
  const earlier = new OutputIndex()
  let callIndex = 0
  const templates: PlanDecisionTemplate[] = []
  for (const calls of decisions) {
    const template: PlanDecisionTemplate = { calls: [] }
    for (const call of calls) {
      const input: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(call.input)) {
        if (userId !== null && value === userId) {
          input[key] = { $param: 'user', type: 'user' } satisfies PlanParameter
          continue
        }
        if (typeof value !== 'string' && typeof value !== 'number') {
          input[key] = value
          continue
        }
        const text = String(value)
        const existing = names.get(text)
        if (existing !== undefined) {
          input[key] = {
            $param: existing,
            type: typeof value === 'number' ? 'number' : 'string',
          } satisfies PlanParameter
          continue
        }
        const at = text.trim() === '' ? -1 : find(prompt, text, taken)
        if (at < 0) {
          // An enum value the planner chose ("reopen" → `open`) stays what it chose, even if an output says the same.
          const link = chosen(call, key) ? undefined : earlier.linkOf(value)
          if (link) {
            input[key] = link
            continue
          }
          if (typeof value === 'string' && (earlier.composedFrom(value) || ISO_DATE.test(value))) return null
          input[key] = value
          continue
        }
        const name = [...names.values()].includes(key) ? `${key}_${names.size + 1}` : key
        names.set(text, name)
        taken.push([at, at + text.length, name])
        input[key] = { $param: name, type: typeof value === 'number' ? 'number' : 'string' } satisfies PlanParameter
      }
      template.calls.push({ tool: call.tool, capability: call.capability, input })
    }
    templates.push(template)
    // Calls of one decision run together: only earlier decisions' outputs can feed an input.
    for (let i = 0; i < calls.length; i++, callIndex++) earlier.add(outputs[callIndex], callIndex)
  }
  let shape = prompt
  for (const [start, end, name] of [...taken].sort((a, b) => b[0] - a[0]))
    shape = `${shape.slice(0, start)}{${name}}${shape.slice(end)}`
  return { shape, decisions: templates }
}

interface CompiledShape {
  /** Built on the first prompt that gets past the literal checks. */
  regex: RegExp | null
  parts: string[]
  names: string[]
  /** Literal text before the first and after the last placeholder, and the literal length. */
  prefix: string
  suffix: string
  literal: number
}

const compiled = new Map<string, CompiledShape | null>()

function compile(shape: string): CompiledShape | null {
  const names: string[] = []
  const parts = shape.split(/(\{[A-Za-z0-9_$]+\})/)
  let literal = 0
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) names.push(part.slice(1, -1))
    else literal += part.length
  }
  if (names.length === 0) return null
  return { regex: null, parts, names, prefix: parts[0]!, suffix: parts.at(-1)!, literal }
}

function compiledOf(shape: string): CompiledShape | null {
  let pattern = compiled.get(shape)
  if (pattern === undefined) {
    pattern = compile(shape)
    if (compiled.size > 5_000) compiled.clear()
    compiled.set(shape, pattern)
  }
  return pattern
}

/** A shape's literal text before its first and after its last placeholder; null without placeholders. */
export function shapeEnds(shape: string): Pick<CompiledShape, 'prefix' | 'suffix' | 'literal'> | null {
  return compiledOf(shape)
}

/**
 * Matches a prompt against a shape; returns the placeholder values, or null. The literal ends and
 * length are checked first: with hundreds of learned shapes and prompts that never repeat, almost
 * every shape is ruled out by them without running its regex.
 */
export function matchShape(shape: string, prompt: string): Record<string, string> | null {
  const pattern = compiledOf(shape)
  if (pattern === null) return shape === prompt ? {} : null
  if (
    prompt.length < pattern.literal + pattern.names.length ||
    !prompt.startsWith(pattern.prefix) ||
    !prompt.endsWith(pattern.suffix)
  )
    return null
  pattern.regex ??= new RegExp(
    `^${pattern.parts.map((part, index) => (index % 2 === 1 ? '(.+?)' : escape(part))).join('')}$`,
    's',
  )
  const match = pattern.regex.exec(prompt)
  if (!match) return null
  const values: Record<string, string> = {}
  for (const [index, name] of pattern.names.entries()) values[name] = match[index + 1]!
  return values
}

/** Decisions without parameters, filled once: replaying them allocates nothing. */
const constant = new WeakMap<PlanDecisionTemplate, readonly PlannedCall[] | false>()

/** Whether a decision has parameters, so its filled input must be validated again. */
export function isParameterised(decision: PlanDecisionTemplate): boolean {
  return (
    constant.get(decision) === false ||
    decision.calls.some((call) => Object.values(call.input).some((value) => isParameter(value) || isLink(value)))
  )
}

/**
 * Fills a plan's inputs for a new prompt and, for links, from what this task's earlier calls
 * returned (`history`); null when a number placeholder got something else or a link points at
 * nothing: the caller falls back to planning rather than guess.
 */
export function fillPlan(decision: PlanDecisionTemplate, fill: PlanFill): readonly PlannedCall[] | null {
  const { values, userId, history } = fill
  const cached = constant.get(decision)
  if (cached) return cached
  if (cached === undefined && !isParameterised(decision)) {
    const calls = decision.calls.map((call) => ({ tool: call.tool, capability: call.capability, input: call.input }))
    constant.set(decision, calls)
    return calls
  }
  constant.set(decision, false)
  const calls: PlannedCall[] = []
  for (const call of decision.calls) {
    const input: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(call.input)) {
      if (isLink(value)) {
        const resolved = resolveLink(value, history)
        if (resolved === undefined) return null
        input[key] = resolved
        continue
      }
      if (!isParameter(value)) {
        input[key] = value
        continue
      }
      if (value.type === 'user') {
        if (userId === null) return null
        input[key] = userId
        continue
      }
      const raw = values[value.$param]
      if (raw === undefined) return null
      if (value.type === 'number') {
        const number = Number(raw)
        if (!Number.isFinite(number) || raw.trim() === '') return null
        input[key] = number
      } else input[key] = raw
    }
    calls.push({ tool: call.tool, capability: call.capability, input })
  }
  return calls
}
