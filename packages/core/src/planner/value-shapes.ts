import { isStopword, root } from '../text/tokens.js'
import type { ParamProfile } from './capability-profile.js'
import type { Mention, PromptAnalysis } from './prompt-analysis.js'

/**
 * Evidence for identifiers and names that no fixed pattern covers: the example a parameter's
 * description gives ("Order id such as ord_1234"), the noun next to a value ("the media-archive
 * bucket", "bucket acct-docs", "case #9910") and the person right after a messaging verb ("DM kofi").
 */

const EXAMPLE =
  /\b(?:e\.g\.?|eg|such\s+as|like|for\s+example|for\s+instance|example:?)\s*[:,]?\s*["'`“]?([^\s"'`”,;)]+)/i
const TOKENS = /[^\s,;()"'`“”!?]+/g
/** Words that are never a value, whatever follows them. */
const NOT_VALUES = new Set([
  'the',
  'a',
  'an',
  'this',
  'that',
  'these',
  'those',
  'them',
  'him',
  'her',
  'it',
  'its',
  'their',
  'his',
  'my',
  'our',
  'your',
  'some',
  'any',
  'someone',
  'somebody',
  'everyone',
  'everybody',
  'anyone',
  'all',
  'each',
  'every',
  'new',
  'old',
  'other',
  'same',
  'me',
  'us',
  'you',
  'one',
  'first',
  'last',
  'latest',
  'newest',
  'next',
  'right',
  'please',
  'and',
  'or',
  'with',
  'to',
  'in',
  'on',
  'of',
  'for',
  'from',
  'at',
  'by',
  'about',
])
/** Name words too generic to place a value by adjacency ("the … id"). */
const GENERIC_NOUNS = new Set([
  'id',
  'ids',
  'key',
  'name',
  'names',
  'value',
  'values',
  'text',
  'number',
  'no',
  'code',
  'type',
  'data',
  'content',
  'body',
  'message',
  'item',
  'string',
  'to',
  'from',
  'in',
  'of',
])
const NOUN_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  database: ['db'],
  repo: ['repository', 'repo'],
  repository: ['repo'],
  spreadsheet: ['sheet', 'spreadsheet', 'workbook'],
  document: ['doc', 'document'],
  pull: ['pr'],
  number: [],
  schedule: ['rotation'],
  workspace: ['space'],
}

/** Verbs whose object is a person: "DM kofi", "assign … to priya.s". */
const PERSON_VERBS = new Set([
  'dm',
  'text',
  'messag',
  'email',
  'ping',
  'tell',
  'assign',
  'notify',
  'invit',
  'remind',
  'shar',
  'pag',
  'cc',
  'mention',
  'reassign',
  'add',
  'hand',
  'giv',
  'grant',
])

export interface Token extends Mention {
  /** Token with `#` or `@` handles kept, as typed. */
  raw: string
}

const tokenCache = new WeakMap<PromptAnalysis, Token[]>()

/** Whitespace-separated tokens of the body, trailing punctuation dropped. */
export function tokensOf(analysis: PromptAnalysis): Token[] {
  let tokens = tokenCache.get(analysis)
  if (!tokens) {
    tokens = []
    for (const match of analysis.body.matchAll(TOKENS)) {
      const raw = match[0].replace(/[.:]+$/, '')
      if (raw.length > 0) tokens.push({ raw, text: raw, start: match.index, end: match.index + raw.length })
    }
    tokenCache.set(analysis, tokens)
  }
  return tokens
}

/** `ord_1234` → `a_9`, `ENG-42` → `A-9`, `VND88213` → `A9`: the shape an example promises. */
export function shapeOf(text: string): string {
  return text
    .replace(/[A-Z]+/g, 'A')
    .replace(/[a-z]+/g, 'a')
    .replace(/\d+/g, '9')
}

const examples = new WeakMap<ParamProfile, string | null>()

/** The example a parameter's description gives, if any. */
export function exampleOf(param: ParamProfile): string | null {
  let example = examples.get(param)
  if (example === undefined) {
    const found = EXAMPLE.exec(param.description ?? '')?.[1]?.replace(/[.:]+$/, '') ?? null
    example = found !== null && /[\p{L}\p{N}]/u.test(found) ? found : null
    examples.set(param, example)
  }
  return example
}

function overlaps(token: Mention, used: ReadonlySet<Mention>): boolean {
  for (const mention of used) if (token.start < mention.end && token.end > mention.start) return true
  return false
}

/** Whether a value contradicts the description's example (`doc_4471` for "Issue key such as ENG-42"). */
export function contradictsExample(param: ParamProfile, text: string): boolean {
  const example = exampleOf(param)
  if (example === null) return false
  const shape = shapeOf(example)
  return !/^[Aa]$/.test(shape) && /\d/.test(example) && shapeOf(text) !== shape
}

/**
 * A token with the same shape as the description's example; one sharing the example's letter
 * prefix (`pay_` of `pay_123`) wins. A bare word (`ENG`, shape `A`) must stand next to the
 * parameter's noun or after "in"/"to", since most capitalised words are not keys.
 */
export function byExample(
  param: ParamProfile,
  analysis: PromptAnalysis,
  used: ReadonlySet<Mention>,
): Token | undefined {
  const example = exampleOf(param)
  if (example === null) return undefined
  const shape = shapeOf(example)
  const prefix = /^[A-Za-z]+(?=[_-])/.exec(example)?.[0]
  const bare = /^[Aa]$/.test(shape)
  const fitting = tokensOf(analysis).filter(
    (token) => shapeOf(token.text) === shape && !overlaps(token, used) && !isStopword(token.text.toLowerCase()),
  )
  const candidates = bare
    ? fitting.filter(
        (token) =>
          token.text.length >= 2 &&
          token.text === token.text.toUpperCase() &&
          /(?:\b(?:in|to|into|for|under|project|space|team|board)\s+(?:the\s+)?)$/i.test(
            analysis.body.slice(Math.max(0, token.start - 16), token.start),
          ),
      )
    : fitting
  if (prefix) {
    const same = candidates.find(
      (token) =>
        token.text.toLowerCase().startsWith(`${prefix.toLowerCase()}_`) ||
        token.text.toLowerCase().startsWith(`${prefix.toLowerCase()}-`),
    )
    if (same) return same
  }
  return candidates[0]
}

const nounCache = new WeakMap<ParamProfile, string[]>()

/** Nouns that name the parameter's value in a sentence: its name's words and its description's first word. */
export function nounsOf(param: ParamProfile): string[] {
  let nouns = nounCache.get(param)
  if (!nouns) {
    const set = new Set<string>()
    const parts = param.name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
    for (const part of parts) if (part.length > 1 && !GENERIC_NOUNS.has(part)) set.add(part)
    const first = /^[A-Za-z]+/.exec(param.description ?? '')?.[0]?.toLowerCase()
    if (
      first !== undefined &&
      first.length > 2 &&
      !GENERIC_NOUNS.has(first) &&
      !isStopword(first) &&
      !['only', 'optional', 'the', 'an', 'one', 'when', 'if', 'whether'].includes(first)
    )
      set.add(first)
    for (const noun of [...set]) for (const synonym of NOUN_SYNONYMS[noun] ?? []) set.add(synonym)
    nouns = [...set]
    nounCache.set(param, nouns)
  }
  return nouns
}

function isValueToken(text: string): boolean {
  const lower = text.toLowerCase()
  return /[\p{L}\p{N}]/u.test(text) && !NOT_VALUES.has(lower) && !isStopword(lower)
}

/** "the media-archive bucket", "bucket acct-docs", "in #releases": the token next to one of the parameter's nouns. */
export function byNoun(param: ParamProfile, analysis: PromptAnalysis, used: ReadonlySet<Mention>): Token | undefined {
  const nouns = nounsOf(param)
  if (nouns.length === 0) return undefined
  const tokens = tokensOf(analysis)
  for (const [i, token] of tokens.entries()) {
    const word = token.text.toLowerCase()
    if (!nouns.some((noun) => word === noun || root(word) === root(noun))) continue
    const before = tokens[i - 1]
    const after = tokens[i + 1]
    const afterNamed = after && /^(?:named|called)$/i.test(after.text) ? tokens[i + 2] : after
    // "bucket acct-docs" reads only when the next token looks like a name, not a verb or a word.
    if (
      afterNamed &&
      isValueToken(afterNamed.text) &&
      /[\d_#./-]|^[A-Z]/.test(afterNamed.raw) &&
      !overlaps(afterNamed, used)
    )
      return strip(afterNamed)
    if (
      before &&
      isValueToken(before.text) &&
      !overlaps(before, used) &&
      !/[,:]$/.test(analysis.body.slice(before.end, before.end + 1))
    )
      return strip(before)
  }
  return undefined
}

function strip(token: Token): Token {
  if (!token.text.startsWith('#')) return token
  return { ...token, text: token.text.slice(1), start: token.start + 1 }
}

/** A `#channel` in the prompt, without its `#`. */
export function hashtag(analysis: PromptAnalysis, used: ReadonlySet<Mention>): Token | undefined {
  const token = tokensOf(analysis).find(
    (candidate) => /^#[\p{L}][\p{L}\p{N}_.-]*$/u.test(candidate.text) && !overlaps(candidate, used),
  )
  return token ? strip(token) : undefined
}

/** The person right after the request's verb ("DM kofi …", "assign … to priya.s"). */
export function recipient(analysis: PromptAnalysis, used: ReadonlySet<Mention>): Token | undefined {
  if (analysis.verb === null || !PERSON_VERBS.has(analysis.verb)) return undefined
  const tokens = tokensOf(analysis)
  const verbAt = tokens.findIndex((token) => analysis.verb !== null && root(token.text.toLowerCase()) === analysis.verb)
  const next = verbAt >= 0 ? tokens[verbAt + 1] : undefined
  // "reassign deal dl_501": a word before an identifier is that identifier's noun, not a person.
  const nounOfId =
    next !== undefined &&
    analysis.ids.some((id) => id.start > next.end && analysis.body.slice(next.end, id.start).trim() === '')
  if (
    next &&
    !nounOfId &&
    isValueToken(next.text) &&
    /^[a-z][\p{L}\p{N}._-]*$/u.test(next.text) &&
    !overlaps(next, used) &&
    !/[,:]$/.test(analysis.body.slice(next.end, next.end + 1))
  )
    return next
  // "DM its owner: contract is ready to sign": the text after a colon is the message, not a recipient.
  const said = new Set<Mention>(analysis.labelled)
  const to = tokens.find(
    (token, i) =>
      i > 0 &&
      tokens[i - 1]?.text.toLowerCase() === 'to' &&
      isValueToken(token.text) &&
      /[._]|^[a-z]+$/.test(token.text) &&
      !overlaps(token, used) &&
      !overlaps(token, said),
  )
  return to
}
