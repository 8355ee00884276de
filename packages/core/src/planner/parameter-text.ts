import type { ParamProfile } from './capability-profile.js'
import type { LabelledValue, Mention, PromptAnalysis } from './prompt-analysis.js'

/**
 * Free text for titles, message bodies, notes and SQL. Which parameter a quoted or colon value
 * fills follows the words around it ("titled", "subject", "saying", "reason:"), not parameter order.
 */

export interface TextPick {
  value: string
  mention: Mention | null
  /** What placed it, for the trace: `"titled"`, `after "reason:"`, `first quote`. */
  how: string
  weak: boolean
}

/** Words that introduce each kind of text. */
const TITLE_ROLE = /\b(?:titled|entitled|called|named|title|headline|heading|subject|summary)\s*:?\s*$/i
const BODY_ROLE =
  /\b(?:saying|says|say|that\s+says|reads|reading|with\s+(?:the\s+)?(?:message|text|body|note|content|comment)|message|text|body|note|content|comment|content)\s*:?\s*$/i
const CODE_ROLE = /\b(?:run|execute|query|sql|statement)\s*:?\s*$/i
const MESSAGE = /\b(?:saying|says|say|that\s+says|tell(?:ing)?\s+(?:them|him|her))\s*:?\s*(.+?)\s*$/i
/** "DM kofi that the standup moved", "email the reporter that it's fixed". */
const THAT = /^\s*(?:[\p{L}\p{N}#@._+-]+\s+){0,4}?(?:that|about\s+how)\s+(.+?)\s*$/iu
const MESSAGING_VERBS = new Set([
  'dm',
  'text',
  'messag',
  'email',
  'tell',
  'ping',
  'notify',
  'remind',
  'sms',
  'send',
  'post',
  'reply',
  'writ',
  'say',
])

function nameParts(param: ParamProfile): string[] {
  return param.name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part.length > 1)
}

function roleOf(param: ParamProfile): RegExp {
  if (param.kind === 'title') return TITLE_ROLE
  if (param.kind === 'code') return CODE_ROLE
  return BODY_ROLE
}

function free(mention: Mention, used: ReadonlySet<Mention>): boolean {
  for (const other of used) if (mention.start < other.end && mention.end > other.start) return false
  return true
}

/** The label words name the parameter ("subject: …", "reason: …", "resolution note: …"). */
function labelNames(param: ParamProfile, label: string): boolean {
  const parts = label.replace(/^(?:the|and|with|a|an)\s+/i, '').split(/\s+/)
  // "reason: …", "resolution note: …" name a parameter; "the design channel: …" introduces the text.
  if (parts.length > 2) return false
  const last = parts.at(-1) ?? ''
  return (
    nameParts(param).some((part) => part === last || `${part}s` === last) ||
    (param.kind === 'title' && /^(?:title|subject)$/.test(last))
  )
}

/** Roles are checked against the text just before the value. */
function before(analysis: PromptAnalysis, mention: Mention, width = 28): string {
  return analysis.body.slice(Math.max(0, mention.start - width), mention.start).replace(/["'“`]$/, '')
}

function ownsRole(param: ParamProfile, analysis: PromptAnalysis, mention: Mention): boolean {
  const text = before(analysis, mention)
  if (roleOf(param).test(text)) return true
  const parts = nameParts(param)
  return (
    parts.length > 0 &&
    new RegExp(`\\b(?:${parts.join('|')})s?\\s*(?::|=|\\bis\\b|\\bof\\b|\\bas\\b)?\\s*$`, 'i').test(text)
  )
}

/** A bare colon ("ENG-77: …", "the design channel: …", "run: …") hands its text to the request's main text. */
function unlabelled(labelled: readonly LabelledValue[], params: readonly ParamProfile[]): LabelledValue[] {
  return labelled.filter((entry) => !params.some((param) => labelNames(param, entry.label)))
}

/**
 * Text for one parameter. `main` says this is the request's main text parameter (the first
 * required text-like one), which alone takes a bare colon value, a "that …" clause or any quote.
 */
export function pickText(
  param: ParamProfile,
  analysis: PromptAnalysis,
  { used, options }: { used: ReadonlySet<Mention>; options: { main: boolean; params: readonly ParamProfile[] } },
): TextPick | undefined {
  for (const quote of analysis.quotes)
    if (free(quote, used) && ownsRole(param, analysis, quote))
      return {
        value: quote.text,
        mention: quote,
        how: `quoted after "${before(analysis, quote, 12).trim()}"`,
        weak: false,
      }
  for (const entry of analysis.labelled)
    if (free(entry, used) && labelNames(param, entry.label))
      return { value: entry.text, mention: entry, how: `after "${entry.label}:"`, weak: false }
  if (param.kind === 'text') {
    const message = MESSAGE.exec(analysis.body)
    const text = message?.[1]?.replace(/^["'“]|["'”]$/g, '').trim()
    if (message && text !== undefined && text.length > 0) {
      const start = (message.index ?? 0) + message[0].lastIndexOf(message[1] ?? '')
      const mention = { text, start, end: start + (message[1]?.length ?? 0) }
      if (free(mention, used)) return { value: text, mention, how: 'after "saying"', weak: false }
    }
  }
  if (!options.main) return undefined
  for (const entry of unlabelled(analysis.labelled, options.params))
    if (free(entry, used)) return { value: entry.text, mention: entry, how: `after "${entry.label}:"`, weak: false }
  if (param.kind !== 'code' && analysis.verb !== null && MESSAGING_VERBS.has(analysis.verb)) {
    const afterVerb = analysis.body.replace(/^\s*(?:(?:can|could|would)\s+you\s+|please\s+)*\S+/i, '')
    const that = THAT.exec(afterVerb)
    // The clause ends where another labelled value starts: `…that it's fixed, subject "…"`.
    const text = that?.[1]?.replace(/,\s*(?:with\s+)?[\p{L} ]{1,20}?\s*["“:].*$/u, '').trim()
    if (that && text !== undefined && text.length > 0) {
      const start = analysis.body.length - afterVerb.length + that.index + that[0].lastIndexOf(that[1] ?? '')
      const mention = { text, start, end: start + text.length }
      if (free(mention, used)) return { value: text, mention, how: 'the "that …" clause', weak: false }
    }
  }
  const quote = analysis.quotes.find((candidate) => free(candidate, used))
  if (quote) return { value: quote.text, mention: quote, how: 'the only quote left', weak: false }
  if (param.kind !== 'code' && param.kind !== 'title') {
    const url = analysis.urls.find((candidate) => free(candidate, used))
    if (url && analysis.verb !== null && MESSAGING_VERBS.has(analysis.verb))
      return { value: url.text, mention: url, how: 'the link in the request', weak: false }
  }
  return undefined
}

/** Whether a parameter holds free text a request's words can fill. */
export function isTextual(param: ParamProfile): boolean {
  return param.kind === 'text' || param.kind === 'title' || param.kind === 'code'
}
