import type { WaitingField } from '../task/task-types.js'
import { carriedValue, composeText, linkValue } from './chain-links.js'
import { profileOf } from './capability-profile.js'
import type { ParamKind, ParamProfile } from './capability-profile.js'
import { findDatePhrases } from './date-phrases.js'
import { dateValue, pickValue } from './parameter-values.js'
import type { PickContext } from './parameter-values.js'
import { analyzePrompt } from './prompt-analysis.js'
import type { Mention, PromptAnalysis } from './prompt-analysis.js'
import { isTextual } from './parameter-text.js'
import type { CallRecord, CapabilityInfo, TaskInput } from './planner.js'

export interface FillOptions {
  analysis: PromptAnalysis
  now: number
  input: TaskInput
  userId: string | null
  /** Earlier calls of this task: later steps of a chain take values from their results. */
  history?: readonly CallRecord[]
  /** Roots of the whole request, which name the earlier results' keys ("the owner", "the total"). */
  promptRoots?: ReadonlySet<string>
  /** Roots of the words this step refers back with ("post its link" → `link`). */
  stepRoots?: ReadonlySet<string>
  /** A side effect: best guesses are not values, so a required one is asked for instead. */
  strict?: boolean
}

/** Where a value came from, for the trace: the prompt, an earlier result, the person's input… */
export interface ValueSource {
  name: string
  source: 'prompt' | 'input' | 'result' | 'user'
  detail: string
  weak: boolean
}

export interface FillResult {
  input: Record<string, unknown>
  /** Required parameters without a default that nothing supplied. */
  missing: ParamProfile[]
  sources: ValueSource[]
}

/** Specific kinds first, so a vague one (a free-text query) cannot take a date or an email. */
const ORDER: readonly ParamKind[] = [
  'enum',
  'email',
  'url',
  'date',
  'id',
  'amount',
  'count',
  'number',
  'boolean',
  'location',
  'entity',
  'title',
  'text',
  'query',
  'string',
  'list',
  'other',
]
const ordered = new WeakMap<CapabilityInfo, readonly ParamProfile[]>()

function paramsInOrder(info: CapabilityInfo): readonly ParamProfile[] {
  let params = ordered.get(info)
  if (!params) {
    params = [...profileOf(info).params].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
    ordered.set(info, params)
  }
  return params
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

function suppliedValue(param: ParamProfile, values: Readonly<Record<string, unknown>>): unknown {
  if (Object.hasOwn(values, param.name)) return values[param.name]
  const wanted = normalName(param.name)
  for (const [key, value] of Object.entries(values)) if (normalName(key) === wanted) return value
  return undefined
}

function parseBoolean(text: string): boolean | undefined {
  if (/^(?:true|yes|y|on|1|enabled?)$/i.test(text)) return true
  if (/^(?:false|no|n|off|0|disabled?)$/i.test(text)) return false
  return undefined
}

/**
 * Brings a value a person typed into the parameter's type: "5k" → 5000, "yes" → true,
 * "yesterday" → a date, "negotiation" → "Negotiation". Anything unrecognised passes through for
 * the runtime's schema check to judge.
 */
export function coerce(param: ParamProfile, raw: unknown, now: number): unknown {
  if (param.enumValues) {
    const text = String(raw).trim().toLowerCase()
    const exact = param.enumValues.find((value) => String(value).toLowerCase() === text)
    if (exact !== undefined) return exact
    if (typeof raw === 'string') {
      const index = param.enumPatterns.findIndex((pattern) => pattern.test(raw))
      if (index >= 0) return param.enumValues[index]
    }
    return raw
  }
  if (typeof raw !== 'string') {
    if (param.type === 'string' && (typeof raw === 'number' || typeof raw === 'boolean')) return String(raw)
    return raw
  }
  const text = raw.trim()
  if (param.kind === 'date') {
    if (
      (param.format === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) ||
      (param.type === 'string' && param.format !== 'date' && /^\d{4}-\d{2}-\d{2}T/.test(text))
    )
      return text
    const range = findDatePhrases(text)[0]?.resolve(now)
    const ms = range ? (param.bound === 'to' ? (range.to ?? range.from) : (range.from ?? range.to)) : null
    return ms === null ? text : dateValue(param, ms)
  }
  if (param.type === 'number' || param.type === 'integer') {
    const number = analyzePrompt(text).numbers[0]
    return number ? number.value : raw
  }
  if (param.type === 'boolean') return parseBoolean(text) ?? raw
  if (param.type === 'array') {
    const parts = text.split(/\s*(?:,|;|\band\b)\s*/).filter((part) => part.length > 0)
    return param.items ? parts.map((part) => coerce(param.items ?? param, part, now)) : parts
  }
  return text
}

function pickList(param: ParamProfile, context: PickContext): unknown[] | undefined {
  const item = param.items
  if (!item) return undefined
  if (item.kind === 'email') {
    const emails = context.analysis.emails.filter((email) => !context.used.has(email))
    for (const email of emails) context.used.add(email)
    return emails.length > 0 ? emails.map((email) => email.text) : undefined
  }
  if (item.kind === 'enum' && item.enumValues) {
    const values = item.enumValues.filter((_, i) => item.enumPatterns[i]?.test(context.analysis.body) === true)
    return values.length > 0 ? values : undefined
  }
  if (item.kind === 'id') {
    const ids = context.analysis.ids.filter((id) => !context.used.has(id))
    for (const id of ids) context.used.add(id)
    return ids.length > 0 ? ids.map((id) => id.text) : undefined
  }
  if (item.type === 'string') {
    // "with Acme, Berlin, 42": two or more plain values after "with" or a colon.
    const tail = LIST_TAIL.exec(context.analysis.body)?.[1]
    const parts =
      tail
        ?.split(/\s*(?:,|;|\band\b)\s*/)
        .map((part) => part.trim().replace(/^["'“]|["'”.]$/g, ''))
        .filter((part) => part.length > 0) ?? []
    return parts.length >= 2 ? parts : undefined
  }
  return undefined
}

const LIST_TAIL = /(?:\bwith|\bvalues?|:)\s+(.+?)\s*[.!?]?$/i

function capabilityRoots(info: CapabilityInfo): Set<string> {
  const roots = new Set<string>()
  for (const [word, weight] of profileOf(info).weights) if (weight >= 2) roots.add(word)
  return roots
}
const capabilityRootCache = new WeakMap<CapabilityInfo, Set<string>>()

function rootsOf(info: CapabilityInfo): Set<string> {
  let roots = capabilityRootCache.get(info)
  if (!roots) {
    roots = capabilityRoots(info)
    capabilityRootCache.set(info, roots)
  }
  return roots
}

function fromPrompt(
  param: ParamProfile,
  context: PickContext,
  strict: boolean,
): { value: unknown; detail: string; weak: boolean } | undefined {
  if (param.kind === 'list') {
    const list = pickList(param, context)
    return list === undefined ? undefined : { value: list, detail: 'prompt list', weak: false }
  }
  const picked = pickValue(param, context, param.required && !param.hasDefault)
  if (picked === undefined || picked.value === undefined) return undefined
  // A side effect never runs on a guess: the leftover words of a request are not a value.
  if (strict && picked.weak === true) return undefined
  if (picked.mention) context.used.add(picked.mention)
  const span = picked.mention ? `"${picked.mention.text}"` : (picked.how ?? 'prompt')
  return {
    value: picked.value,
    detail: picked.how && picked.mention ? `${span} (${picked.how})` : span,
    weak: picked.weak === true,
  }
}

/** The first required text parameter takes the request's unlabelled text (a bare colon, "that …"). */
function mainTextOf(params: readonly ParamProfile[]): string | null {
  // A message body outranks a subject: "email X that it's fixed, subject …" puts the clause in the body.
  const order = [
    (param: ParamProfile) => param.kind === 'text' && param.required,
    (param: ParamProfile) => isTextual(param) && param.required,
    (param: ParamProfile) => isTextual(param),
  ]
  for (const test of order) {
    const found = params.find(test)
    if (found) return found.name
  }
  return null
}

/**
 * Fills a capability's input: values the person supplied by name first, then values read from the
 * prompt, then from the person's messages. Parameters with a schema default may stay unset.
 */
export function fillParameters(info: CapabilityInfo, options: FillOptions): FillResult {
  const input: Record<string, unknown> = {}
  const missing: ParamProfile[] = []
  const sources: ValueSource[] = []
  const used = new Set<Mention>()
  const roots = rootsOf(info)
  const params = profileOf(info).params
  const strict = options.strict === true
  const history = options.history ?? []
  const context: PickContext = {
    analysis: options.analysis,
    now: options.now,
    used,
    capabilityRoots: roots,
    userId: options.userId,
    params,
    mainText: mainTextOf(params),
  }
  for (const param of paramsInOrder(info)) {
    const supplied = suppliedValue(param, options.input.values)
    if (supplied !== undefined) {
      input[param.name] = coerce(param, supplied, options.now)
      sources.push({ name: param.name, source: 'input', detail: 'sendInput value', weak: false })
      continue
    }
    const picked = fromPrompt(param, context, strict)
    if (picked !== undefined) {
      input[param.name] = picked.value
      sources.push({
        name: param.name,
        source: picked.detail === "the task's user" ? 'user' : 'prompt',
        detail: picked.detail,
        weak: picked.weak,
      })
      continue
    }
    const needed = param.required && !param.hasDefault
    if (needed && history.length > 0) {
      // Free text is never another field's value: it is composed from the results the words name.
      const link = isTextual(param)
        ? composeText(history, options.stepRoots ?? options.analysis.roots)
        : linkValue(param, history, options.promptRoots ?? options.analysis.roots)
      if (link) {
        input[param.name] = coerce(param, link.value, options.now)
        sources.push({ name: param.name, source: 'result', detail: link.from, weak: false })
        continue
      }
    }
    if (needed) missing.push(param)
    else if (history.length > 0 && param.kind === 'id' && BACK_REFERENCE.test(options.analysis.body)) {
      const carried = carriedValue(param, history)
      if (carried) {
        input[param.name] = coerce(param, carried.value, options.now)
        sources.push({ name: param.name, source: 'result', detail: carried.from, weak: false })
      }
    }
  }
  if (missing.length === 0 || options.input.messages.length === 0) return { input, missing, sources }
  const answers = options.input.messages.join('\n')
  const answerContext: PickContext = { ...context, analysis: analyzePrompt(answers), used: new Set() }
  const stillMissing = missing.filter((param) => {
    const picked = pickValue(param, answerContext, true)
    if (picked === undefined) return true
    if (picked.mention) answerContext.used.add(picked.mention)
    input[param.name] = picked.value
    sources.push({ name: param.name, source: 'input', detail: 'input message', weak: false })
    return false
  })
  const last = options.input.messages
    .at(-1)
    ?.trim()
    .replace(/^["'“]|["'”.!]$/g, '')
  const only = stillMissing[0]
  if (stillMissing.length === 1 && only && last !== undefined && last.length > 0) {
    input[only.name] = coerce(only, last, options.now)
    sources.push({ name: only.name, source: 'input', detail: 'input message', weak: false })
    return { input, missing: [], sources }
  }
  return { input, missing: stillMissing, sources }
}

/** A step that speaks of what an earlier step found: "their pending time off", "its owner". */
const BACK_REFERENCE = /\b(?:their|its|his|her)\b/i

/** The fields an `ask` decision lists for the parameters nothing could fill. */
export function waitingFields(missing: readonly ParamProfile[]): WaitingField[] {
  return missing.map((param) => {
    const allowed = param.enumValues ? `One of: ${param.enumValues.map(String).join(', ')}.` : null
    const description = [param.description, allowed]
      .filter((part): part is string => part !== null && part.length > 0)
      .join(' ')
    return {
      name: param.name,
      description: description.length > 0 ? description : null,
      type:
        param.format === 'date' || param.format === 'date-time' || param.format === 'email' ? param.format : param.type,
    }
  })
}
