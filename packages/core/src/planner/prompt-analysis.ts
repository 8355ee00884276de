import { isStopword, root, words } from '../text/tokens.js'
import { findDatePhrases } from './date-phrases.js'
import type { DateMention } from './date-phrases.js'

/** A piece of the prompt body, with its position so a value is used at most once. */
export interface Mention {
  text: string
  start: number
  end: number
}

export interface NumberMention extends Mention {
  value: number
  currency: boolean
  integer: boolean
  /** Lowercase words just before and after the number, e.g. `["over"]`, `["contacts"]`. */
  before: string
  after: string
}

export interface NameMention extends Mention {
  /** The lowercase preposition that introduced it (`in`, `for`, `from`…), or `:` after a colon. */
  preposition: string
}

/** What the planner reads out of a prompt once; everything is independent of the clock. */
export interface PromptAnalysis {
  /** The prompt without its "return …" clause; all spans index into it. */
  body: string
  /** Output fields the prompt asks for, e.g. `["deal name", "amount", "close date"]`. */
  requested: string[]
  /** Roots of the body's meaningful words. */
  roots: Set<string>
  /** Roots of the requested field phrases. */
  fieldRoots: Set<string>
  /** Whether the body asks to change something (send, create, update…). */
  writeIntent: boolean
  quotes: Mention[]
  emails: Mention[]
  urls: Mention[]
  ids: Mention[]
  dates: DateMention[]
  numbers: NumberMention[]
  names: NameMention[]
}

const RETURN_CLAUSE =
  /(?:^|[\s,;.(])(?:and\s+)?(?:then\s+)?(?<!\b(?:the|a|an|this|that|my|your|our)\s)(?:return|returning|respond\s+with|include\s+only|only\s+include|give\s+me\s+only)\b(?!\s+(?:for|of|to|on|from|in|policy|policies|label)\b)[:\s]+([^.!?\n]+)/i
const FIELD_SPLIT = /\s*(?:,|;|\/|&|\band\b|\bplus\b|\bas\s+well\s+as\b)\s*/i
const FIELD_LEAD = /^(?:(?:only|just|the|their|its|his|her|a|an|each|every|all|also)\s+)+/i
const FIELD_TAIL = /\s+(?:(?:of|for|from|in|on)\s+(?:each|every|all|the|them|it|those|these)\b.*|fields?|columns?|values?|only|as\s+\w+)$/i
const QUOTES = /"([^"\n]+)"|“([^”\n]+)”|‘([^’\n]+)’|(?<![\w'])'([^'\n]+)'(?![\w'])/g
const EMAILS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const URLS = /\bhttps?:\/\/[^\s"'<>]+[^\s"'<>.,;:!?)]/g
const IDS = /(?<![\w@./-])[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+(?![\w@-])|#\d+\b|\b(?<=\b(?:[Ii][Dd]|number|no\.?)\s*:?\s*)\d{3,}\b/g
const DIGIT = /\d/
const NUMBERS =
  /(?<![\w.])([$€£¥])?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|m|bn|b|thousand|million|billion)\b)?(\s?%)?(?![\w])/gi
const NAMES =
  /(?:\b(in|at|near|around|for|from|to|with|about|named|called|of|by)|(:))\s+(?:the\s+)?((?:[A-Z][\p{L}\p{N}&'.-]*)(?:\s+(?:(?:of|de|del|la|le|da|van|von)\s+)?[A-Z][\p{L}\p{N}&'.-]*)*(?:,\s*[A-Z]{2}\b)?)/gu
const WRITE_VERBS = new Set(
  'send create update delete remove post add write schedule book reply notify invite cancel archive upload submit edit modify change assign insert save publish share transfer pay charge refund rename move mark'.split(
    ' ',
  ),
)
const SCALE: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 }

function splitReturnClause(prompt: string): { body: string; requested: string[] } {
  const match = RETURN_CLAUSE.exec(prompt)
  if (!match) return { body: prompt, requested: [] }
  const clause = match[1] ?? ''
  const clauseStart = match.index + match[0].length - clause.length
  const verbStart = match.index + (match[0].length - match[0].trimStart().length)
  const body = `${prompt.slice(0, verbStart).replace(/[\s,;]*(?:and\s*)?(?:then\s*)?$/i, '')}${prompt.slice(clauseStart + clause.length)}`
  const requested: string[] = []
  for (const part of clause.split(FIELD_SPLIT)) {
    const field = part.replace(FIELD_LEAD, '').replace(FIELD_TAIL, '').trim()
    if (field.length > 0 && words(field).some((word) => !isStopword(word))) requested.push(field)
  }
  return { body, requested }
}

/** Blanks spans out with spaces, keeping every index where it was. */
function mask(text: string, spans: readonly Mention[]): string {
  let out = text
  for (const span of spans) out = `${out.slice(0, span.start)}${' '.repeat(span.end - span.start)}${out.slice(span.end)}`
  return out
}

/** Matches of `pattern`; with `inner`, the first capture group that matched (a quote's content). */
function mentionsOf(text: string, pattern: RegExp, inner = false): Mention[] {
  const out: Mention[] = []
  for (const match of text.matchAll(pattern)) {
    const value = (inner ? match.slice(1).find((part) => part !== undefined) : undefined) ?? match[0]
    const start = match.index + match[0].indexOf(value)
    out.push({ text: value, start, end: start + value.length })
  }
  return out
}

function neighbourWord(text: string, index: number, direction: -1 | 1): string {
  const slice = direction < 0 ? text.slice(Math.max(0, index - 30), index) : text.slice(index, index + 30)
  const found = direction < 0 ? /([A-Za-z]+)\W*$/.exec(slice) : /^\W*([A-Za-z]+)/.exec(slice)
  return found?.[1]?.toLowerCase() ?? ''
}

function numbersOf(text: string): NumberMention[] {
  const out: NumberMention[] = []
  for (const match of text.matchAll(NUMBERS)) {
    const [whole, currency, digits = '0', fraction = '', scale] = match
    const base = Number(`${digits.replace(/,/g, '')}${fraction}`)
    const value = scale === undefined ? base : Math.round(base * (SCALE[scale.toLowerCase()] ?? 1) * 100) / 100
    const end = match.index + whole.length
    out.push({
      text: whole.trim(),
      start: match.index,
      end,
      value,
      currency: currency !== undefined,
      integer: Number.isInteger(value),
      before: neighbourWord(text, match.index, -1),
      after: neighbourWord(text, end, 1),
    })
  }
  return out
}

function namesOf(text: string): NameMention[] {
  const out: NameMention[] = []
  for (const match of text.matchAll(NAMES)) {
    const preposition = (match[1] ?? match[2] ?? '').toLowerCase()
    const name = (match[3] ?? '').replace(/(?:'s|’s|[.'])$/, '')
    if (name.length === 0) continue
    const start = match.index + match[0].lastIndexOf(match[3] ?? '')
    out.push({ text: name, start, end: start + name.length, preposition })
  }
  return out
}

function rootsOf(text: string): Set<string> {
  const out = new Set<string>()
  for (const word of words(text)) {
    if (word.length > 1 && !isStopword(word) && !/^\d+$/.test(word)) out.add(root(word))
  }
  return out
}

/** Reads quoted text, emails, URLs, ids, dates, numbers and capitalised names out of a prompt. */
export function analyzePrompt(prompt: string): PromptAnalysis {
  const { body, requested } = splitReturnClause(prompt)
  const quotes = mentionsOf(body, QUOTES, true)
  // Cheap guards first: most prompts hold no email, URL or digit, and these patterns scan every position.
  const hasDigit = DIGIT.test(body)
  const emails = body.includes('@') ? mentionsOf(mask(body, quotes), EMAILS) : []
  const urls = body.includes('://') ? mentionsOf(mask(body, quotes), URLS) : []
  let rest = mask(body, [...quotes, ...emails, ...urls])
  const dates = findDatePhrases(rest)
  rest = mask(rest, dates)
  const ids = hasDigit
    ? mentionsOf(rest, IDS)
        .filter((id) => DIGIT.test(id.text))
        .map((id) => (id.text.startsWith('#') ? { text: id.text.slice(1), start: id.start + 1, end: id.end } : id))
    : []
  rest = mask(rest, ids)
  const numbers = hasDigit ? numbersOf(rest) : []
  const names = namesOf(mask(rest, numbers))
  const bare = mask(body, [...quotes, ...emails, ...urls, ...ids])
  const lower = words(bare)
  return {
    body,
    requested,
    roots: rootsOf(bare),
    fieldRoots: rootsOf(requested.join(' ')),
    writeIntent: lower.some((word) => WRITE_VERBS.has(word)),
    quotes,
    emails,
    urls,
    ids,
    dates,
    numbers,
    names,
  }
}

/** A small least-recently-added cache, so replanning the same prompt reads it only once. */
export class AnalysisCache {
  readonly #entries = new Map<string, PromptAnalysis>()
  readonly #limit: number

  constructor(limit = 256) {
    this.#limit = limit
  }

  get(prompt: string): PromptAnalysis {
    let analysis = this.#entries.get(prompt)
    if (analysis) return analysis
    analysis = analyzePrompt(prompt)
    if (this.#entries.size >= this.#limit) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(prompt, analysis)
    return analysis
  }
}
