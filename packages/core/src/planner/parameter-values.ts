import { isStopword, root } from '../text/tokens.js'
import type { ParamProfile } from './capability-profile.js'
import type { DateRange } from './date-phrases.js'
import { formatDate, formatDateTime } from './date-phrases.js'
import { pickText } from './parameter-text.js'
import type { Mention, NameMention, NumberMention, PromptAnalysis } from './prompt-analysis.js'
import { byExample, byNoun, contradictsExample, hashtag, nounsOf, recipient } from './value-shapes.js'

/** What a value picker may read, and which mentions earlier parameters already took. */
export interface PickContext {
  analysis: PromptAnalysis
  now: number
  used: Set<Mention>
  /** Roots that name the capability itself ("crm", "deal"): never a parameter value. */
  capabilityRoots: ReadonlySet<string>
  userId: string | null
  /** Every parameter of the capability, so a label naming another one is left to it. */
  params: readonly ParamProfile[]
  /** The parameter that takes the request's unlabelled text (a bare colon, a "that …" clause). */
  mainText: string | null
}

/**
 * A value for a parameter, or undefined when the prompt holds none. `weak` marks a best guess
 * (the prompt's leftover words as a search phrase): fine for a read, never for a side effect.
 */
export type Picked = { value: unknown; mention: Mention | null; weak?: boolean; how?: string } | undefined

const COUNT_BEFORE = new Set([
  'top',
  'first',
  'last',
  'limit',
  'max',
  'maximum',
  'to',
  'most',
  'only',
  'latest',
  'recent',
  'newest',
])
const COUNT_AFTER = new Set([
  'results',
  'result',
  'items',
  'item',
  'records',
  'record',
  'rows',
  'row',
  'entries',
  'entry',
])
const ABOVE = new Set(['over', 'above', 'exceeding', 'than', 'least', 'min', 'minimum', 'from'])
const BELOW = new Set(['under', 'below', 'most', 'max', 'maximum', 'upto', 'to'])
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'near', 'around', 'for', 'to', 'from'])
const ENTITY_PREPOSITIONS = new Set(['for', 'from', 'into', 'at', 'with', 'about', 'named', 'called', 'of', 'by', ':'])
/** An organisation is named "at Acme" or "from Acme" even when the prompt never says "company". */
const ORGANISATION_ROOTS = new Set([
  'company',
  'organization',
  'organisation',
  'org',
  'employer',
  'vendor',
  'client',
  'customer',
  'brand',
  'account',
])
const ORGANISATION_PREPOSITIONS = new Set(['at', 'from'])
const PERSON_PARAMS = new Set([
  'user',
  'usernam',
  'assign',
  'assigne',
  'recipient',
  'member',
  'person',
  'owner',
  'review',
  'reviewer',
  'login',
  'handl',
])
const CURRENCY_CODES = new Set(['usd', 'eur', 'gbp', 'jpy', 'chf', 'cad', 'aud'])
/** "reopen" sets "open", "unassign" … : a verb's root without its prefix. */
const VERB_PREFIX = /^(?:re|un)(?=[a-z]{3})/
const NEGATIONS = /\b(?:no|not|without|exclude|excluding|except|don't|dont|never|skip)\s+(?:\w+\s+)?$/i
const TOPIC =
  /\b(?:for|about|matching|containing|mentioning|regarding|on|titled|called|named|saying|says)\s+(.+?)(?=\s+(?:and|then|from|in|since|before|after|with|by)\b|[.,;:!?]|$)/i

const namePatterns = new WeakMap<ParamProfile, RegExp>()

/** Where the prompt names the parameter itself ("subject", "created after", "company"). */
function namePattern(param: ParamProfile): RegExp {
  let pattern = namePatterns.get(param)
  if (!pattern) {
    const parts = param.name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((part) => part.length > 0)
    const phrases = [parts.join('[\\s_-]*')]
    const first = parts[0]
    if (parts.length > 1 && first !== undefined && first.length > 2 && !isStopword(first)) phrases.push(first)
    pattern = new RegExp(`\\b(?:${phrases.join('|')})s?\\b\\s*(?:[:=]|\\bis\\b|\\bof\\b|\\bas\\b|\\bto\\b)?\\s*`, 'gi')
    namePatterns.set(param, pattern)
  }
  return pattern
}

function afterName(param: ParamProfile, analysis: PromptAnalysis): number[] {
  const ends: number[] = []
  for (const match of analysis.body.matchAll(namePattern(param))) ends.push(match.index + match[0].length)
  return ends
}

function firstFree<T extends Mention>(
  mentions: readonly T[],
  used: ReadonlySet<Mention>,
  accept: (mention: T) => boolean = () => true,
): T | undefined {
  return mentions.find((mention) => !used.has(mention) && accept(mention))
}

function named<T extends Mention>(
  param: ParamProfile,
  mentions: readonly T[],
  { context, slack = 2 }: { context: PickContext; slack?: number | undefined },
): T | undefined {
  const ends = afterName(param, context.analysis)
  if (ends.length === 0) return undefined
  return firstFree(mentions, context.used, (mention) =>
    ends.some((end) => mention.start >= end && mention.start - end <= slack),
  )
}

function isCapabilityWord(text: string, context: PickContext): boolean {
  const parts = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part.length > 0)
  return parts.length > 0 && parts.every((part) => context.capabilityRoots.has(root(part)) || isStopword(part))
}

function pickEnum(param: ParamProfile, context: PickContext): Picked {
  let best: { value: unknown; index: number; length: number } | null = null
  for (const [i, pattern] of param.enumPatterns.entries()) {
    const match = pattern.exec(context.analysis.body)
    const value = param.enumValues?.[i]
    if (!match || value === undefined) continue
    if (!best || match[0].length > best.length || (match[0].length === best.length && match.index < best.index)) {
      best = { value, index: match.index, length: match[0].length }
    }
  }
  if (best) return { value: best.value, mention: null, how: 'enum word' }
  const values = param.enumValues ?? []
  const currency = context.analysis.currency
  if (currency !== null) {
    const code = values.find((value) => String(value).toUpperCase() === currency)
    if (code !== undefined && values.every((value) => CURRENCY_CODES.has(String(value).toLowerCase())))
      return { value: code, mention: null, how: 'currency symbol' }
  }
  // "close ENG-77" sets status `closed`, "reopen" sets `open`, "ack" …: the request's own verb.
  const verb = context.analysis.verb
  if (verb !== null && verb.length > 2) {
    const bare = verb.replace(VERB_PREFIX, '')
    const hit =
      values.find((value) => typeof value === 'string' && root(value.toLowerCase()) === verb) ??
      values.find(
        (value) => typeof value === 'string' && value.length > 2 && bare !== verb && root(value.toLowerCase()) === bare,
      )
    if (hit !== undefined) return { value: hit, mention: null, how: `verb "${verb}"` }
  }
  return undefined
}

function pickDate(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  const mention = firstFree(context.analysis.dates, context.used)
  if (!mention) return undefined
  const range: DateRange = mention.resolve(context.now)
  let ms: number | null
  if (param.bound === 'to') {
    // An optional "until" gains nothing from the end of a window that stops now.
    ms = range.to === context.now && !greedy ? null : range.to
    // "before June 15" is `*_before: June 15` (exclusive), not June 14.
    if (ms !== null && mention.anchor === 'before' && /\b(?:before|lt)\b/.test(param.name.replace(/_/g, ' '))) ms += 1
  } else if (param.bound === 'from') {
    ms = range.from
  } else {
    ms = range.from ?? range.to
  }
  if (ms === null) return undefined
  // A range fills both its "since" and its "until" parameter, so its first end does not consume it.
  const shared = param.bound !== null && range.from !== null && range.to !== null
  return { value: dateValue(param, ms), mention: shared ? null : mention }
}

/** A timestamp in the shape the parameter's schema wants. */
export function dateValue(param: ParamProfile, ms: number): string | number {
  if (param.type === 'number' || param.type === 'integer') {
    return /milli|\bms\b/i.test(param.description ?? '') ? ms : Math.floor(ms / 1000)
  }
  if (param.format === 'date-time' || /time|timestamp|iso/i.test(`${param.name} ${param.description ?? ''}`))
    return formatDateTime(ms)
  return formatDate(ms)
}

function fits(param: ParamProfile, value: number): boolean {
  if (param.type === 'integer' && !Number.isInteger(value)) return false
  return (param.minimum === null || value >= param.minimum) && (param.maximum === null || value <= param.maximum)
}

/** "case #9910", "invoice no. 3320": digits the id pattern took are numbers for a numeric parameter. */
function numberMentions(analysis: PromptAnalysis): NumberMention[] {
  const digits = analysis.ids.filter((id) => /^\d+$/.test(id.text))
  if (digits.length === 0) return analysis.numbers
  const extra = digits.map((id) => ({
    ...id,
    value: Number(id.text),
    currency: false,
    integer: true,
    before: /([A-Za-z]+)\W*$/.exec(analysis.body.slice(Math.max(0, id.start - 30), id.start))?.[1]?.toLowerCase() ?? '',
    after: '',
  }))
  return [...analysis.numbers, ...extra].sort((a, b) => a.start - b.start)
}

function insideOtherLabel(param: ParamProfile, context: PickContext, number: Mention): boolean {
  return context.analysis.labelled.some(
    (entry) =>
      number.start >= entry.start &&
      number.end <= entry.end &&
      !entry.label.includes(param.name.toLowerCase()) &&
      !param.nameRoots.some((word) => entry.label.split(/\s+/).map(root).includes(word)),
  )
}

function pickNumber(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  const numbers = numberMentions(context.analysis).filter(
    (number) => !context.used.has(number) && fits(param, number.value) && !insideOtherLabel(param, context, number),
  )
  const byName =
    named(param, numbers, { context, slack: 8 }) ??
    numbers.find((number) => param.nameRoots.includes(root(number.after)))
  if (byName) return { value: byName.value, mention: byName }
  let pick: NumberMention | undefined
  if (param.kind === 'amount') {
    const side = param.bound === 'to' ? BELOW : param.bound === 'from' ? ABOVE : null
    pick =
      numbers.find((number) => number.currency && (side === null || side.has(number.before))) ??
      numbers.find((number) => side?.has(number.before) === true)
    if (!pick && greedy) pick = numbers.find((number) => number.currency)
  } else if (param.kind === 'count') {
    pick = numbers.find(
      (number) =>
        number.integer &&
        (COUNT_BEFORE.has(number.before) ||
          COUNT_AFTER.has(number.after) ||
          context.capabilityRoots.has(root(number.after))),
    )
  }
  if (!pick && param.kind === 'amount' && greedy) pick = numbers.find((number) => number.currency)
  if (!pick && greedy && numbers.length === 1) pick = numbers[0]
  return pick ? { value: pick.value, mention: pick } : undefined
}

function pickId(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  const example = byExample(param, context.analysis, context.used)
  if (example) return { value: example.text, mention: example, how: 'shaped like the example' }
  const ids = context.analysis.ids
  const prefixed = firstFree(ids, context.used, (id) => {
    const prefix = /^[A-Za-z]+/.exec(id.text)?.[0]?.toLowerCase()
    return (
      prefix !== undefined &&
      param.nameRoots.some(
        (word) => word !== 'id' && (root(prefix) === word || word.startsWith(prefix) || prefix.startsWith(word)),
      )
    )
  })
  const id =
    prefixed ??
    named(param, ids, { context }) ??
    (greedy
      ? firstFree(
          ids,
          context.used,
          (candidate) =>
            /^\d|^[a-z]+[_-]|^[A-Z]{2,}\d/i.test(candidate.text) &&
            ids.filter((other) => !context.used.has(other)).length === 1 &&
            !contradictsExample(param, candidate.text),
        )
      : undefined)
  if (id) return { value: id.text, mention: id }
  const noun = byNoun(param, context.analysis, context.used)
  if (noun && /\d|[_-]/.test(noun.text)) return { value: noun.text, mention: noun, how: 'next to its noun' }
  if (context.userId !== null && param.nameRoots.includes('user'))
    return { value: context.userId, mention: null, how: "the task's user" }
  return undefined
}

function pickPhone(param: ParamProfile, context: PickContext): Picked {
  const phone = firstFree(context.analysis.phones, context.used)
  if (!phone) return undefined
  // E.164 is "+" and digits only; a plain phone field keeps the number as written.
  const e164 = /e\.?164/i.test(param.description ?? '')
  return { value: e164 ? `+${phone.text.replace(/\D/g, '')}` : phone.text, mention: phone }
}

function pickPath(param: ParamProfile, context: PickContext): Picked {
  const example = byExample(param, context.analysis, context.used)
  const paths = context.analysis.paths.filter((path) => !context.used.has(path))
  const text = `${param.name} ${param.description ?? ''}`.toLowerCase()
  let pick: Mention | undefined
  if (example && paths.some((path) => path.start === example.start))
    pick = paths.find((path) => path.start === example.start)
  else if (/prefix|folder|directory/.test(text)) pick = paths.find((path) => path.text.endsWith('/')) ?? paths[0]
  else if (/owner\/name|repo/.test(text))
    pick = paths.find((path) => (path.text.match(/\//g) ?? []).length === 1 && !/\.\w+$/.test(path.text))
  else
    pick =
      paths.find((path) => !path.text.endsWith('/') && !/^[\w-]+\/[\w-]+$/.test(path.text)) ??
      paths.find((path) => !path.text.endsWith('/'))
  if (pick) return { value: pick.text, mention: pick }
  const noun = byNoun(param, context.analysis, context.used)
  return noun && /[./_-]/.test(noun.text) ? { value: noun.text, mention: noun, how: 'next to its noun' } : undefined
}

function isPerson(param: ParamProfile): boolean {
  return param.nameRoots.some((word) => PERSON_PARAMS.has(word))
}

function pickName(
  param: ParamProfile,
  context: PickContext,
  prepositions: ReadonlySet<string>,
): NameMention | undefined {
  return (
    named(param, context.analysis.names, { context }) ??
    firstFree(
      context.analysis.names,
      context.used,
      (name) => prepositions.has(name.preposition) && !isCapabilityWord(name.text, context),
    )
  )
}

const LOWER_PLACE =
  /\b(?:in|at|near|around)\s+(?:the\s+)?([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2}?)(?=\s+(?:and|then|today|tomorrow|tonight|now|this|next|for|on|at|with|right)\b|[.,;:!?]|$)/
function pickLocation(param: ParamProfile, context: PickContext): Picked {
  const name = pickName(param, context, PLACE_PREPOSITIONS)
  if (name) return { value: name.text, mention: name }
  const lower = LOWER_PLACE.exec(context.analysis.body)
  const text = lower?.[1]
  if (text === undefined || isCapabilityWord(text, context)) return undefined
  return { value: text, mention: null }
}

function pickQuoted(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  const quote =
    named(param, context.analysis.quotes, { context, slack: 3 }) ??
    (greedy ? firstFree(context.analysis.quotes, context.used) : undefined)
  return quote ? { value: quote.text, mention: quote } : undefined
}

/** The prompt's key phrase: what follows "for"/"about", or its words minus the capability's own. */
function keyPhrase(context: PickContext): string | undefined {
  let body = context.analysis.body
  for (const mention of [...context.used, ...context.analysis.dates])
    body = `${body.slice(0, mention.start)}${' '.repeat(mention.end - mention.start)}${body.slice(mention.end)}`
  const topic = TOPIC.exec(body)?.[1]?.trim()
  if (topic !== undefined && topic.length > 0 && !isCapabilityWord(topic, context)) return topic
  const kept = body
    .split(/[^\p{L}\p{N}'_-]+/u)
    .filter(
      (word) =>
        word.length > 1 && !isStopword(word.toLowerCase()) && !context.capabilityRoots.has(root(word.toLowerCase())),
    )
  return kept.length > 0 ? kept.join(' ') : undefined
}

/** Verbs that switch something on or off, and boolean parameters that say whether it is on. */
const SWITCH_ON = new Set(['enabl', 'activat'])
const SWITCH_OFF = new Set(['disabl', 'deactivat'])
const ON_STATE = new Set(['enabl', 'activ', 'on'])
const OFF_STATE = new Set(['disabl', 'inactiv', 'off'])

function pickBoolean(param: ParamProfile, context: PickContext): Picked {
  const body = context.analysis.body
  const match = body.matchAll(namePattern(param)).next().value
  if (match === undefined) {
    // "turn on new-checkout", "disable dark-mode": the verb sets `enabled` (or clears `disabled`).
    const verb = context.analysis.verb
    const on = verb !== null && SWITCH_ON.has(verb) ? true : verb !== null && SWITCH_OFF.has(verb) ? false : null
    if (on === null) return undefined
    if (param.nameRoots.some((word) => ON_STATE.has(word))) return { value: on, mention: null, how: `verb "${verb}"` }
    if (param.nameRoots.some((word) => OFF_STATE.has(word))) return { value: !on, mention: null, how: `verb "${verb}"` }
    return undefined
  }
  const negated = NEGATIONS.test(body.slice(Math.max(0, match.index - 24), match.index))
  return { value: !negated, mention: null }
}

function pickGeneric(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  const quoted = pickQuoted(param, context, false)
  if (quoted) return quoted
  const example = byExample(param, context.analysis, context.used)
  if (example) return { value: example.text, mention: example, how: 'shaped like the example' }
  const labelled = pickText(param, context.analysis, {
    used: context.used,
    options: { main: false, params: context.params },
  })
  if (labelled) return { value: labelled.value, mention: labelled.mention, how: labelled.how }
  if (nounsOf(param).some((noun) => /^(?:channel|room|tag|topic)$/.test(noun))) {
    const tag = hashtag(context.analysis, context.used)
    if (tag) return { value: tag.text, mention: tag, how: 'a #name' }
  }
  const noun = byNoun(param, context.analysis, context.used)
  if (noun) return { value: noun.text, mention: noun, how: 'next to its noun' }
  if (isPerson(param)) {
    const person = recipient(context.analysis, context.used)
    if (person && !isCapabilityWord(person.text, context))
      return { value: person.text, mention: person, how: 'the person after the verb' }
  }
  const id = named(param, context.analysis.ids, { context })
  if (id) return { value: id.text, mention: id }
  const name = named(param, context.analysis.names, { context })
  if (name) return { value: name.text, mention: name }
  for (const end of afterName(param, context.analysis)) {
    const token = /^[#@]?([\p{L}\p{N}][\p{L}\p{N}_./-]*)/u.exec(context.analysis.body.slice(end))?.[1]
    if (token !== undefined && [...context.used].some((mention) => mention.start <= end + 1 && mention.end > end))
      continue
    if (
      token !== undefined &&
      !isStopword(token.toLowerCase()) &&
      !context.capabilityRoots.has(root(token.toLowerCase()))
    )
      return { value: token, mention: null, weak: true }
  }
  if (!greedy) return undefined
  const lower = FOR_WORD.exec(context.analysis.body)
  const word = lower?.[1]
  if (word !== undefined && !isStopword(word.toLowerCase()) && !context.capabilityRoots.has(root(word.toLowerCase())))
    return { value: word, mention: null, weak: true, how: `after "for"` }
  return undefined
}

const FOR_WORD = /\b(?:for|in|on)\s+(?:the\s+)?([\p{L}\p{N}][\p{L}\p{N}_.-]*)\s*[?!.]?\s*$/u

/**
 * Reads a value for one parameter out of the analysed prompt. `greedy` (for required parameters)
 * accepts weaker evidence, such as the only number in the prompt or its first quoted text.
 */
export function pickValue(param: ParamProfile, context: PickContext, greedy: boolean): Picked {
  switch (param.kind) {
    case 'enum':
      return pickEnum(param, context)
    case 'email': {
      const email =
        named(param, context.analysis.emails, { context, slack: 4 }) ?? firstFree(context.analysis.emails, context.used)
      return email ? { value: email.text, mention: email } : undefined
    }
    case 'url': {
      const url = firstFree(context.analysis.urls, context.used)
      return url ? { value: url.text, mention: url } : undefined
    }
    case 'date':
      return pickDate(param, context, greedy)
    case 'amount':
    case 'count':
    case 'number':
      return pickNumber(param, context, greedy)
    case 'boolean':
      return pickBoolean(param, context)
    case 'id':
      return pickId(param, context, greedy)
    case 'phone':
      return pickPhone(param, context)
    case 'path':
      return pickPath(param, context)
    case 'range': {
      const range = firstFree(context.analysis.ranges, context.used)
      return range ? { value: range.text, mention: range } : undefined
    }
    case 'location':
      return pickLocation(param, context)
    case 'entity': {
      const example = byExample(param, context.analysis, context.used) ?? byNoun(param, context.analysis, context.used)
      if (example) return { value: example.text, mention: example, how: 'next to its noun' }
      if (isPerson(param)) {
        const person = recipient(context.analysis, context.used)
        if (person && !isCapabilityWord(person.text, context))
          return { value: person.text, mention: person, how: 'the person after the verb' }
      }
      const organisation = param.nameRoots.some((word) => ORGANISATION_ROOTS.has(word))
      const name = greedy
        ? pickName(param, context, ENTITY_PREPOSITIONS)
        : (named(param, context.analysis.names, { context }) ??
          (organisation ? pickName(param, context, ORGANISATION_PREPOSITIONS) : undefined))
      // A quote belongs to the capability's text when it has some ("open a ticket titled …").
      return name
        ? { value: name.text, mention: name }
        : pickQuoted(param, context, greedy && context.mainText === null)
    }
    case 'query': {
      const quoted = pickQuoted(param, context, true)
      if (quoted || !greedy) return quoted
      const phrase = keyPhrase(context)
      return phrase === undefined ? undefined : { value: phrase, mention: null, weak: true, how: 'key phrase' }
    }
    case 'title':
    case 'text':
    case 'code': {
      const text = pickText(param, context.analysis, {
        used: context.used,
        options: { main: context.mainText === param.name, params: context.params },
      })
      return text ? { value: text.value, mention: text.mention, weak: text.weak, how: text.how } : undefined
    }
    case 'string':
      return pickGeneric(param, context, greedy)
    case 'list':
    case 'other':
      return undefined
  }
}
