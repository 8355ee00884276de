import type { WaitingField } from '../task/task-types.js'
import { profileOf } from './capability-profile.js'
import type { ParamKind, ParamProfile } from './capability-profile.js'
import { findDatePhrases } from './date-phrases.js'
import { dateValue, pickValue } from './parameter-values.js'
import type { PickContext } from './parameter-values.js'
import { analyzePrompt } from './prompt-analysis.js'
import type { Mention, PromptAnalysis } from './prompt-analysis.js'
import type { CapabilityInfo, TaskInput } from './planner.js'

export interface FillOptions {
  analysis: PromptAnalysis
  now: number
  input: TaskInput
  userId: string | null
}

export interface FillResult {
  input: Record<string, unknown>
  /** Required parameters without a default that nothing supplied. */
  missing: ParamProfile[]
}

/** Specific kinds first, so a vague one (a free-text query) cannot take a date or an email. */
const ORDER: readonly ParamKind[] = ['enum', 'email', 'url', 'date', 'id', 'amount', 'count', 'number', 'boolean', 'location', 'entity', 'title', 'text', 'query', 'string', 'list', 'other']
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
    if ((param.format === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) || (param.type === 'string' && param.format !== 'date' && /^\d{4}-\d{2}-\d{2}T/.test(text))) return text
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
  return undefined
}

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

function fromPrompt(param: ParamProfile, context: PickContext): unknown {
  if (param.kind === 'list') return pickList(param, context)
  const picked = pickValue(param, context, param.required && !param.hasDefault)
  if (picked?.mention) context.used.add(picked.mention)
  return picked?.value
}

/**
 * Fills a capability's input: values the person supplied by name first, then values read from the
 * prompt, then from the person's messages. Parameters with a schema default may stay unset.
 */
export function fillParameters(info: CapabilityInfo, options: FillOptions): FillResult {
  const input: Record<string, unknown> = {}
  const missing: ParamProfile[] = []
  const used = new Set<Mention>()
  const roots = rootsOf(info)
  const context: PickContext = { analysis: options.analysis, now: options.now, used, capabilityRoots: roots, userId: options.userId }
  for (const param of paramsInOrder(info)) {
    const supplied = suppliedValue(param, options.input.values)
    const value = supplied === undefined ? fromPrompt(param, context) : coerce(param, supplied, options.now)
    if (value !== undefined) input[param.name] = value
    else if (param.required && !param.hasDefault) missing.push(param)
  }
  if (missing.length === 0 || options.input.messages.length === 0) return { input, missing }
  const answers = options.input.messages.join('\n')
  const answerContext: PickContext = { ...context, analysis: analyzePrompt(answers), used: new Set() }
  const stillMissing = missing.filter((param) => {
    const picked = pickValue(param, answerContext, true)
    if (picked === undefined) return true
    if (picked.mention) answerContext.used.add(picked.mention)
    input[param.name] = picked.value
    return false
  })
  const last = options.input.messages.at(-1)?.trim().replace(/^["'“]|["'”.!]$/g, '')
  const only = stillMissing[0]
  if (stillMissing.length === 1 && only && last !== undefined && last.length > 0) {
    input[only.name] = coerce(only, last, options.now)
    return { input, missing: [] }
  }
  return { input, missing: stillMissing }
}

/** The fields an `ask` decision lists for the parameters nothing could fill. */
export function waitingFields(missing: readonly ParamProfile[]): WaitingField[] {
  return missing.map((param) => {
    const allowed = param.enumValues ? `One of: ${param.enumValues.map(String).join(', ')}.` : null
    const description = [param.description, allowed].filter((part): part is string => part !== null && part.length > 0).join(' ')
    return {
      name: param.name,
      description: description.length > 0 ? description : null,
      type: param.format === 'date' || param.format === 'date-time' || param.format === 'email' ? param.format : param.type,
    }
  })
}
