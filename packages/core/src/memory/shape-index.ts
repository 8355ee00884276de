import type { MemoryEntryOf } from './memory-entry.js'
import { matchShape, shapeEnds } from './prompt-shape.js'

type Plan = MemoryEntryOf<'plan'>

/** How many characters of a shape's literal end (or start) key its bucket. */
const KEY = 12

/**
 * The plans of one scope, found by prompt without trying every shape: a shape can only match a
 * prompt that ends with its literal suffix (or, when the suffix is short, starts with its literal
 * prefix), so shapes are bucketed by the last (or first) {@link KEY} characters of those. With
 * prompts that never repeat a scope holds hundreds of shapes, and each prompt looks at a handful.
 */
export class ShapeIndex {
  readonly #bySuffix = new Map<string, Set<Plan>>()
  readonly #byPrefix = new Map<string, Set<Plan>>()
  /** Shapes with both literal ends shorter than the key (`{a} {b}`): few, tried in turn. */
  readonly #rest = new Set<Plan>()

  add(plan: Plan): void {
    const place = this.#place(plan.value.shape)
    if (place === null) return
    if (place === 'rest') {
      this.#rest.add(plan)
      return
    }
    const { map, key } = place
    let set = map.get(key)
    if (!set) map.set(key, (set = new Set()))
    set.add(plan)
  }

  remove(plan: Plan): void {
    const place = this.#place(plan.value.shape)
    if (place === null) return
    if (place === 'rest') {
      this.#rest.delete(plan)
      return
    }
    const { map, key } = place
    const set = map.get(key)
    if (set?.delete(plan) && set.size === 0) map.delete(key)
  }

  /** Where a shape is kept; null for a shape without placeholders (found by the exact lookup instead). */
  #place(shape: string): { map: Map<string, Set<Plan>>; key: string } | 'rest' | null {
    const ends = shapeEnds(shape)
    if (!ends) return null
    if (ends.suffix.length >= KEY) return { map: this.#bySuffix, key: ends.suffix.slice(-KEY) }
    if (ends.prefix.length >= KEY) return { map: this.#byPrefix, key: ends.prefix.slice(0, KEY) }
    return 'rest'
  }

  /** The most specific shape (most literal text) the prompt has, with the values it fills in. */
  match(prompt: string): { entry: Plan; values: Record<string, string> } | null {
    let best: { entry: Plan; values: Record<string, string>; literal: number } | null = null
    const consider = (plans: Iterable<Plan> | undefined): void => {
      if (!plans) return
      for (const entry of plans) {
        const values = matchShape(entry.value.shape, prompt)
        if (!values) continue
        const literal = shapeEnds(entry.value.shape)?.literal ?? 0
        if (!best || literal > best.literal) best = { entry, values, literal }
      }
    }
    if (prompt.length >= KEY) {
      consider(this.#bySuffix.get(prompt.slice(-KEY)))
      consider(this.#byPrefix.get(prompt.slice(0, KEY)))
    }
    consider(this.#rest)
    const found = best as { entry: Plan; values: Record<string, string> } | null
    return found && { entry: found.entry, values: found.values }
  }
}
