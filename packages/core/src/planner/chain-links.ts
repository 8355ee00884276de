import { root, words } from '../text/tokens.js'
import type { ParamProfile } from './capability-profile.js'
import type { CallRecord } from './planner.js'

/**
 * Links a later step's parameter to a value an earlier step returned (or was called with), by the
 * parameter's name and description, the key's name, the value's type and the words of the prompt:
 * `order_id` ← `orders[0].order_id`, an SMS `to` ← `customer_phone` when the prompt says "the
 * customer", a `user` ← `owner` when it says "the owner". Lists give their first row (the newest,
 * the first result). No link is made on type alone.
 */

export interface Link {
  value: unknown
  /** Where it came from, for the trace: `step 1 output orders[0].order_id`. */
  from: string
  score: number
}

interface Leaf {
  path: string[]
  value: unknown
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+?[\d\s().-]{7,}$/
const URL = /^https?:\/\//i
const PERSON = new Set([
  'user',
  'owner',
  'assignee',
  'reporter',
  'author',
  'customer',
  'member',
  'lead',
  'login',
  'username',
  'recipient',
  'person',
  'contact',
  'requester',
  'manager',
  'oncall',
])
const PERSON_PARAMS = new Set([
  'user',
  'username',
  'assignee',
  'recipient',
  'to',
  'member',
  'person',
  'contact',
  'owner',
  'reviewer',
])
/** Words that name the same thing under different keys. */
const KEY_SYNONYMS: Readonly<Record<string, string>> = {
  link: 'url',
  href: 'url',
  mobil: 'phon',
  cell: 'phon',
  tel: 'phon',
  mail: 'email',
  titl: 'subject',
}
const MAX_LEAVES = 200

function fold(word: string): string {
  const rooted = root(word)
  return KEY_SYNONYMS[rooted] ?? rooted
}

function leavesOf(value: unknown, path: string[] = [], out: Leaf[] = []): Leaf[] {
  if (out.length >= MAX_LEAVES || path.length > 4) return out
  if (Array.isArray(value)) {
    // The first row stands for "the first one", "the newest", "the top result".
    if (value.length > 0) leavesOf(value[0], [...path, '0'], out)
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) leavesOf(item, [...path, key], out)
  } else if (value !== null && value !== undefined) out.push({ path, value })
  return out
}

function typeFits(param: ParamProfile, value: unknown): boolean {
  const text = typeof value === 'string' ? value : null
  switch (param.kind) {
    case 'email':
      return text !== null && EMAIL.test(text)
    case 'phone':
      return text !== null && PHONE.test(text) && text.replace(/\D/g, '').length >= 7
    case 'url':
      return text !== null && URL.test(text)
    case 'amount':
    case 'count':
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'date':
    case 'enum':
    case 'list':
    case 'other':
      return false
    default:
      if (param.type === 'integer' || param.type === 'number') return typeof value === 'number'
      return text !== null && text.length > 0 && text.length < 200 && !URL.test(text)
  }
}

function keyWords(path: readonly string[]): string[] {
  return path
    .filter((part) => !/^\d+$/.test(part))
    .flatMap((part) => words(part))
    .map(fold)
}

function score(param: ParamProfile, path: readonly string[], promptRoots: ReadonlySet<string>): number {
  const key = path.filter((part) => !/^\d+$/.test(part)).at(-1) ?? ''
  const keyRoots = keyWords([key])
  const nameRoots = param.nameRoots.map(fold)
  let total = 0
  if (key.toLowerCase() === param.name.toLowerCase()) total += 6
  else if (nameRoots.length > 0 && nameRoots.every((word) => keyRoots.includes(word))) total += 4
  // `order_id` in a row of `orders`: the container names the thing, the key says "id".
  const container = keyWords(path.slice(0, -1))
  if (
    nameRoots.includes('id') &&
    keyRoots.includes('id') &&
    nameRoots.some((word) => word !== 'id' && container.includes(word))
  )
    total += 4
  if (param.kind === 'email' && keyRoots.includes('email')) total += 3
  if (param.kind === 'phone' && keyRoots.includes('phon')) total += 3
  if (param.kind === 'url' && keyRoots.includes('url')) total += 3
  const person = nameRoots.some((word) => PERSON_PARAMS.has(word)) || param.kind === 'email' || param.kind === 'phone'
  if (person && keyRoots.some((word) => PERSON.has(word))) total += 2
  // The prompt's words only sharpen a link the names already make: a mention alone links nothing.
  if (total === 0) return 0
  for (const word of keyRoots) if (word !== 'id' && promptRoots.has(word)) total += 2
  if (param.roots.size > 0) for (const word of keyRoots) if (word !== 'id' && param.roots.has(word)) total += 1
  return total
}

/** The best value earlier steps offer for a parameter, or null when none links by more than its type. */
export function linkValue(
  param: ParamProfile,
  history: readonly CallRecord[],
  promptRoots: ReadonlySet<string>,
): Link | null {
  let best: Link | null = null
  for (let i = history.length - 1; i >= 0; i--) {
    const record = history[i]
    if (!record || record.status !== 'complete') continue
    const step = i + 1
    // The same parameter of an earlier call carries over ("the finance-exports bucket" for every step).
    const earlier = record.input[param.name]
    if (earlier !== undefined && typeFits(param, earlier)) {
      const candidate = { value: earlier, from: `step ${step} input ${param.name}`, score: 5 }
      if (!best || candidate.score > best.score) best = candidate
    }
    for (const leaf of leavesOf(record.output)) {
      if (!typeFits(param, leaf.value)) continue
      const value = score(param, leaf.path, promptRoots) - (history.length - 1 - i) * 0.5
      if (value >= 3 && (!best || value > best.score))
        best = {
          value: leaf.value,
          from: `step ${step} output ${leaf.path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}`,
          score: value,
        }
    }
  }
  return best
}

/**
 * For an optional parameter of a step that refers back to what an earlier one found ("find *their*
 * pending time off"): the value an earlier step returned or was called with under exactly the
 * parameter's name (`employee_id`), nearest step first, or null. Nothing looser: an optional value
 * only narrows the request, and a wrong one would narrow it to the wrong thing.
 */
export function carriedValue(param: ParamProfile, history: readonly CallRecord[]): Link | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const record = history[i]
    if (!record || record.status !== 'complete') continue
    const output = record.output
    const found =
      typeof output === 'object' && output !== null && !Array.isArray(output)
        ? (output as Record<string, unknown>)[param.name]
        : undefined
    if (found !== undefined && typeFits(param, found))
      return { value: found, from: `step ${i + 1} output ${param.name}`, score: 5 }
    const earlier = record.input[param.name]
    if (earlier !== undefined && typeFits(param, earlier))
      return { value: earlier, from: `step ${i + 1} input ${param.name}`, score: 5 }
  }
  return null
}

/**
 * Text made of the earlier values a step's words name ("email the total" → `total: 1432.5`,
 * "post its link" → the URL). Only keys the words name count: a bare "email them" composes nothing.
 */
export function composeText(history: readonly CallRecord[], stepRoots: ReadonlySet<string>): Link | null {
  const parts: Array<{ key: string; value: unknown; from: string }> = []
  for (let i = history.length - 1; i >= 0 && parts.length === 0; i--) {
    const record = history[i]
    if (!record || record.status !== 'complete') continue
    for (const leaf of leavesOf(record.output)) {
      const key = leaf.path.filter((part) => !/^\d+$/.test(part)).at(-1) ?? ''
      const roots = keyWords([key])
      if (
        roots.length > 0 &&
        roots.every(
          (word) => stepRoots.has(word) || (word === 'url' && (stepRoots.has('url') || stepRoots.has('link'))),
        )
      ) {
        parts.push({ key, value: leaf.value, from: `step ${i + 1} output ${leaf.path.join('.')}` })
      }
    }
  }
  if (parts.length === 0) return null
  const only = parts.length === 1 ? parts[0] : undefined
  const value = only ? String(only.value) : parts.map((part) => `${part.key}: ${String(part.value)}`).join(', ')
  return { value, from: parts.map((part) => part.from).join(' + '), score: 3 }
}
