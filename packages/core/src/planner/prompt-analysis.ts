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
  /** Whether the body asks to change something (send, create, update…), judged by its leading verb. */
  writeIntent: boolean
  /** Root of the verb the request starts with ("clos" for "can you close ENG-77?"), or null. */
  verb: string | null
  /** Whether the body is a question ("which messages did we send…"). */
  question: boolean
  /** Roots of the write verbs anywhere in the body ("leave a *comment*"). */
  writeRoots: Set<string>
  /** Roots that only appear right after a preposition ("on call for *payments*"): likely values. */
  complements: Set<string>
  quotes: Mention[]
  emails: Mention[]
  urls: Mention[]
  ids: Mention[]
  dates: DateMention[]
  numbers: NumberMention[]
  names: NameMention[]
  phones: Mention[]
  /** Paths and object keys (`exports/2025/summary.csv`, `reports/2025/`, `web/app`). */
  paths: Mention[]
  /** Spreadsheet ranges, normalised (`C3:H40`; "D5 through D9" → `D5:D9`). */
  ranges: Mention[]
  /** `label: value` pairs and the text after a bare colon, see {@link LabelledValue}. */
  labelled: LabelledValue[]
  /** The currency a symbol or word names (`€` → EUR), or null. */
  currency: string | null
}

/** Text after a colon, with the words before it ("subject", "reason", or "the design channel"). */
export interface LabelledValue extends Mention {
  label: string
}

const RETURN_CLAUSE =
  /(?:^|[\s,;.(])(?:and\s+)?(?:then\s+)?(?<!\b(?:the|a|an|this|that|my|your|our)\s)(?:return|returning|respond\s+with|include\s+only|only\s+include|give\s+me\s+only)\b(?!\s+(?:for|of|to|on|from|in|policy|policies|label)\b)[:\s]+([^.!?\n]+)/i
const FIELD_SPLIT = /\s*(?:,|;|\/|&|\band\b|\bplus\b|\bas\s+well\s+as\b)\s*/i
const FIELD_LEAD = /^(?:(?:only|just|the|their|its|his|her|a|an|each|every|all|also)\s+)+/i
const FIELD_TAIL =
  /\s+(?:(?:of|for|from|in|on)\s+(?:each|every|all|the|them|it|those|these)\b.*|fields?|columns?|values?|only|as\s+\w+)$/i
const QUOTES = /"([^"\n]+)"|“([^”\n]+)”|‘([^’\n]+)’|`([^`\n]+)`|(?<![\w'])'([^'\n]+)'(?![\w'])/g
const EMAILS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const URLS = /\bhttps?:\/\/[^\s"'<>]+[^\s"'<>.,;:!?)]/g
const IDS =
  /(?<![\w@./-])[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+(?![\w@/-])|(?<![\w@./-])[A-Z]{2,}\d{2,}(?![\w@/-])|(?<![\w@./-])[a-z]{2,}\d+[a-z0-9]*(?![\w@/-])|(?<![\w@./-])[A-Z]\d{3,}(?![\w@/-])|(?<![\w@./-])(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{10,}(?![\w@/-])|#\d+\b|\b(?<=\b(?:[Ii][Dd]|number|no\.?)\s*:?\s*)\d{3,}\b/g
const PHONES = /(?<![\w+])\+\d[\d\s().-]{5,}\d(?![\w])/g
const PATHS = /(?<![\w@:/.-])(?:[\w.-]+\/)+[\w.-]*(?![\w/])/g
const CELL = '[A-Z]{1,3}[1-9]\\d{0,6}'
const RANGES = new RegExp(`(?<![\\w:])(${CELL})(?:\\s*(?::|through|thru|to|-)\\s*(${CELL}))(?![\\w:])`, 'g')
const LABELLED =
  /(?:^|[,;]\s*|\s)((?:[\p{L}\p{N}#_'.-]+\s+){0,4}?[\p{L}\p{N}#_'.-]+)\s*:\s+(.+?)(?=,\s*[\p{L}_ ]{1,20}:\s|$)/gu
const CURRENCIES: Readonly<Record<string, string>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  dollar: 'USD',
  dollars: 'USD',
  usd: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  eur: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  gbp: 'GBP',
}
const CURRENCY = /[$€£¥]|\b(?:dollars?|usd|euros?|eur|pounds?|gbp)\b/i
const DIGIT = /\d/
const NUMBERS =
  /(?<![\w.])([$€£¥])?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|m|bn|b|thousand|million|billion)\b)?(\s?%)?(?![\w])/gi
/** European separators after a currency: `€1.250,50`, `€45,50`. */
const EURO_NUMBER = /(?<![\w.])([$€£¥])\s?(\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+,\d{1,2})(?![\d,.]?\d)/g
const NAMES =
  /(?:\b(in|into|at|near|around|for|from|to|with|about|named|called|of|by)|(:))\s+(?:the\s+)?((?:[A-Z][\p{L}\p{N}&'.-]*)(?:\s+(?:(?:of|de|del|la|le|da|van|von)\s+)?[A-Z][\p{L}\p{N}&'.-]*)*(?:,\s*[A-Z]{2}\b)?)/gu
/** Verbs that, leading a request, ask to change something. */
export const WRITE_VERBS: ReadonlySet<string> = new Set(
  (
    'send create update delete remove post add write schedule book reply notify invite cancel archive upload submit edit modify change assign insert save publish share transfer pay charge refund rename move mark ' +
    'open set escalate text acknowledge ack resolve close reopen append email message dm page file bill invoice comment clear merge start trigger ping tell forward put copy unassign approve reject leave sms wipe erase purge ' +
    'enable disable activate deactivate toggle turn switch roll void hand reassign buy purchase request log record onboard offboard grant revoke suspend block unblock'
  ).split(' '),
)
/**
 * Verbs with a particle that change their meaning: "turn on" enables, "set up" creates, "hand over"
 * reassigns, "back up" is a backup. The pair stands for the root given here; "look up" is not here (a read).
 */
const PHRASAL: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  turn: { on: 'enabl', off: 'disabl' },
  switch: { on: 'enabl', off: 'disabl' },
  set: { up: 'setup' },
  hand: { over: 'hand', off: 'hand' },
  roll: { out: 'roll', back: 'rollback' },
  sign: { up: 'signup' },
  back: { up: 'backup' },
}
/** The particle may come after the object: "roll search-v2 out", "hand deal dl_3009 over". */
const PARTICLE_REACH = 3
/** Words a request may start with before its verb ("can you please close …"). */
const LEAD =
  /^(?:\s*(?:can|could|would|will|you|please|pls|kindly|just|also|then|and|now|quickly|go|ahead|and|i|we|need|want|to|let's|lets|let|us|me|hey|hi|ok|okay|so)\b[\s,]*)*/i
const QUESTION =
  /^(?:what|what's|whats|which|who|who's|whos|whom|where|where's|when|how|any|is|are|was|were|did|do|does|has|have|had|why|whose)\b/i
const SCALE: Readonly<Record<string, number>> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
}

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
  for (const span of spans)
    out = `${out.slice(0, span.start)}${' '.repeat(span.end - span.start)}${out.slice(span.end)}`
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
  for (const match of text.matchAll(EURO_NUMBER)) {
    const [whole, , digits = '0'] = match
    const value = Number(digits.replace(/\./g, '').replace(',', '.'))
    const end = match.index + whole.length
    out.push({
      text: whole.trim(),
      start: match.index,
      end,
      value,
      currency: true,
      integer: Number.isInteger(value),
      before: neighbourWord(text, match.index, -1),
      after: neighbourWord(text, end, 1),
    })
  }
  const rest = out.length > 0 ? mask(text, out) : text
  for (const match of rest.matchAll(NUMBERS)) {
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
  return out.sort((a, b) => a.start - b.start)
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

const COMPLEMENT =
  /\b(?:for|in|on|from|with|to|into|at|under|by|about|of)\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+)?([\p{L}][\p{L}\p{N}'-]*)/giu

/** Lowercase hyphenated names ("the legacy-search flag", "dark-mode"): their words are a value's, not the request's. */
const COMPOUND = /(?<![\p{L}\p{N}_-])([a-z]+(?:-[a-z]+)+)(?![\p{L}\p{N}_-])/gu

/** Roots found only in a preposition's object or a hyphenated name. */
function complementsOf(text: string, roots: ReadonlySet<string>): Set<string> {
  const inside = new Map<string, number>()
  for (const match of text.matchAll(COMPLEMENT))
    for (const word of words(match[1] ?? '')) inside.set(root(word), (inside.get(root(word)) ?? 0) + 1)
  for (const match of text.matchAll(COMPOUND))
    for (const word of words(match[1] ?? '')) inside.set(root(word), (inside.get(root(word)) ?? 0) + 1)
  const counts = new Map<string, number>()
  for (const word of words(text)) counts.set(root(word), (counts.get(root(word)) ?? 0) + 1)
  const out = new Set<string>()
  for (const [word, n] of inside) if (roots.has(word) && n >= (counts.get(word) ?? 0)) out.add(word)
  return out
}

/** "on call", "on-call" is one word to tools (`get_on_call`) and people alike. */
export function joinPhrases(text: string): string {
  return text.replace(/(?<![a-z])on[\s_-]call(?![a-z])/gi, 'oncall')
}

function rootsOf(text: string): Set<string> {
  const out = new Set<string>()
  for (const word of words(joinPhrases(text))) {
    if (word.length > 1 && !isStopword(word) && !/^\d+$/.test(word)) out.add(root(word))
  }
  return out
}

function rangesOf(text: string): Mention[] {
  const out: Mention[] = []
  for (const match of text.matchAll(RANGES)) {
    out.push({ text: `${match[1]}:${match[2]}`, start: match.index, end: match.index + match[0].length })
  }
  return out
}

/** `subject: Contract, body: Signed copy attached` → two values; a colon inside a quote does not count. */
function labelledOf(body: string, quotes: readonly Mention[]): LabelledValue[] {
  if (!body.includes(':')) return []
  const text = mask(
    body,
    quotes.map((quote) => ({ ...quote, start: quote.start - 1, end: quote.end + 1 })),
  )
  const out: LabelledValue[] = []
  for (const match of text.matchAll(LABELLED)) {
    const label = match[1] ?? ''
    const raw = match[2] ?? ''
    const start = match.index + match[0].length - raw.length
    const value = body
      .slice(start, start + raw.length)
      .replace(/[\s.!?]+$/, '')
      .replace(/^["'“`]|["'”`]$/g, '')
    if (/^\d/.test(raw) && /\d$/.test(label)) continue
    if (value.length > 0) out.push({ label: label.toLowerCase(), text: value, start, end: start + raw.length })
  }
  return out
}

/** The root a leading phrasal verb stands for ("turn on" → `enabl`), or undefined. */
function phrasalRoot(leadWords: readonly string[]): string | undefined {
  const particles = PHRASAL[leadWords[0]?.toLowerCase() ?? '']
  if (!particles) return undefined
  for (const word of leadWords.slice(1, 1 + PARTICLE_REACH)) {
    const meant = particles[word.toLowerCase()]
    if (meant !== undefined) return meant
  }
  return undefined
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
  const paths = body.includes('/')
    ? mentionsOf(rest, PATHS).filter((path) => /[\p{L}\p{N}]\/|\/[\p{L}\p{N}]/u.test(path.text))
    : []
  rest = mask(rest, paths)
  const phones =
    hasDigit && body.includes('+')
      ? mentionsOf(rest, PHONES).filter((phone) => phone.text.replace(/\D/g, '').length >= 7)
      : []
  rest = mask(rest, phones)
  const ranges = hasDigit ? rangesOf(rest) : []
  rest = mask(rest, ranges)
  const dates = findDatePhrases(rest)
  rest = mask(rest, dates)
  const ids =
    hasDigit || body.includes('_')
      ? mentionsOf(rest, IDS)
          .filter((id) => DIGIT.test(id.text) || /^[a-z][a-z0-9]*_[a-z0-9_]+$/i.test(id.text))
          .map((id) => (id.text.startsWith('#') ? { text: id.text.slice(1), start: id.start + 1, end: id.end } : id))
      : []
  rest = mask(rest, ids)
  const numbers = hasDigit ? numbersOf(rest) : []
  const names = namesOf(mask(rest, numbers))
  const bare = mask(body, [...quotes, ...emails, ...urls, ...ids, ...paths, ...phones, ...ranges])
  const roots = rootsOf(bare)
  const lower = words(bare)
  const lead = body.replace(LEAD, '')
  const question = QUESTION.test(lead) || (/\?\s*$/.test(body) && !WRITE_VERBS.has(words(lead)[0] ?? ''))
  const leadWords = words(lead)
  // "squash-merge PR 482": the verb may be the second half of a hyphenated first word.
  const hyphenated =
    /^\s*[a-z]+-[a-z]+\b/i.test(lead) && !WRITE_VERBS.has(leadWords[0] ?? '') && WRITE_VERBS.has(leadWords[1] ?? '')
  const first = hyphenated ? (leadWords[1] ?? '') : (leadWords[0] ?? '')
  const phrasal = hyphenated ? undefined : phrasalRoot(leadWords)
  const verb = question ? null : (phrasal ?? (first.length > 0 ? root(first) : null))
  const currency = CURRENCY.exec(body)?.[0]?.toLowerCase()
  return {
    body,
    requested,
    roots,
    fieldRoots: rootsOf(requested.join(' ')),
    writeIntent: !question && WRITE_VERBS.has(first),
    writeRoots: new Set(lower.filter((word) => WRITE_VERBS.has(word)).map(root)),
    complements: complementsOf(joinPhrases(bare), roots),
    verb,
    question,
    phones,
    paths,
    ranges,
    labelled: labelledOf(body, quotes),
    currency: currency === undefined ? null : (CURRENCIES[currency] ?? null),
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
