import type { CallRecord } from '../planner/planner.js'

/**
 * An input of a remembered chain that came from an earlier call's output: `call` is the call's
 * position in the plan (0-based, across decisions), `path` the keys and indices to the value. A
 * replay reads it from what that call returned this time.
 */
export interface PlanLink {
  $link: Array<string | number>
  call: number
  type: 'string' | 'number'
}

export const isLink = (value: unknown): value is PlanLink =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as PlanLink).$link) &&
  typeof (value as PlanLink).call === 'number'

/** Numbers below 10 are too common (a limit of 1, a count of 2) to say they were copied. */
const linkable = (value: unknown): value is string | number =>
  (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Math.abs(value) >= 10)

/**
 * Where the primitive values of earlier outputs sit, so that an input equal to one is recorded as
 * a link. A later call's value replaces an earlier one's: a chain links to the step before it.
 */
export class OutputIndex {
  readonly #at = new Map<string | number, PlanLink>()
  #budget = 10_000

  add(output: unknown, call: number): void {
    this.#walk(output, call, [])
  }

  #walk(value: unknown, call: number, path: Array<string | number>): void {
    if (this.#budget-- <= 0) return
    if (linkable(value)) {
      this.#at.set(value, { $link: [...path], call, type: typeof value === 'number' ? 'number' : 'string' })
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => this.#walk(item, call, [...path, index]))
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) this.#walk(item, call, [...path, key])
    }
  }

  /** The link to an earlier output equal to `value`, if any. */
  linkOf(value: unknown): PlanLink | undefined {
    return linkable(value) ? this.#at.get(value) : undefined
  }

  /**
   * Whether text contains an earlier output's value without being it ("Total: 1432.5"): composed
   * from a result, it would go stale in a replay.
   */
  composedFrom(text: string): boolean {
    // Two characters are enough to refuse: a plan not learned is planned again, a stale one is wrong.
    for (const value of this.#at.keys()) if (String(value).length >= 2 && text.includes(String(value))) return true
    return false
  }
}

/** The value a link points at in this task's history; undefined when the call or the value is not there. */
export function resolveLink(link: PlanLink, history: readonly CallRecord[]): string | number | undefined {
  const record = history[link.call]
  if (record?.status !== 'complete') return undefined
  let value: unknown = record.output
  for (const key of link.$link) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string | number, unknown>)[key]
  }
  if (link.type === 'number') return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** `step 1 output orders[0].order_id`, as trace notes write a link. */
export function describeLink(link: PlanLink): string {
  const path = link.$link
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`))
    .join('')
  return `call ${link.call + 1} output ${path === '' ? '(whole)' : path}`
}
