import { WRITE_VERBS } from './prompt-analysis.js'

/**
 * Splits a request into the actions it names, in order: "find the newest order of c_9 and start a
 * return for it" is two steps. A new step starts only where a separator (`and`, `then`, a comma,
 * `;`, the end of a sentence) is followed by a verb that starts a request, so lists ("with kim@x.io
 * and lee@y.io", "Acme, Berlin, 42") and clauses such as "and say …" stay inside their step.
 */

/** Verbs that start a request: the reads here, and every write verb. */
const STEP_VERBS: ReadonlySet<string> = new Set([
  ...'get grab find look list show check search fetch pull read retrieve lookup count download see run track query review inspect verify'.split(
    ' ',
  ),
  ...WRITE_VERBS,
])
const QUESTION_WORDS = new Set([
  'who',
  "who's",
  'whos',
  'what',
  "what's",
  'whats',
  'which',
  'where',
  'when',
  'how',
  'any',
  'is',
  'are',
  'did',
  'does',
  'do',
])
const SEPARATOR =
  /(?:\s*,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?(?:also\s+)?|\s+then\s+|\s*;\s*(?:then\s+)?|[?!.]\s+(?:and\s+)?(?:then\s+)?)(?:please\s+)?/gi
const LEAD = /^\s*(?:(?:can|could|would|will)\s+you\s+|please\s+|pls\s+|also\s+|then\s+|now\s+)*/i
/** Quotes, emails, URLs and paths hold separators that never split a request. */
const OPAQUE = /"[^"\n]*"|“[^”\n]*”|`[^`\n]*`|[^\s,;]+@[^\s,;]+|https?:\/\/[^\s,;]+|[^\s,;]*\/[^\s,;]*/g

export interface PromptStep {
  text: string
  start: number
}

function firstWord(text: string): string {
  return /^[\p{L}']+/u.exec(text.replace(LEAD, ''))?.[0]?.toLowerCase() ?? ''
}

function startsStep(text: string, sentence: boolean): boolean {
  const word = firstWord(text)
  return STEP_VERBS.has(word) || (sentence && QUESTION_WORDS.has(word))
}

/** The actions of a request body, in order; a body naming one action is one step. */
export function splitSteps(body: string): PromptStep[] {
  const masked = body.replace(OPAQUE, (match) => 'x'.repeat(match.length))
  const cuts: Array<{ at: number; next: number }> = []
  for (const match of masked.matchAll(SEPARATOR)) {
    const next = match.index + match[0].length
    const rest = body.slice(next)
    if (rest.trim().length === 0) continue
    if (startsStep(rest, /[?!.]/.test(match[0]))) cuts.push({ at: match.index, next })
  }
  if (cuts.length === 0) return [{ text: body, start: 0 }]
  // A leading part that is no request of its own ("in the warehouse database, run: …") belongs to the next.
  if (!startsStep(body, true)) cuts.shift()
  const steps: PromptStep[] = []
  let start = 0
  for (const cut of cuts) {
    steps.push({ text: body.slice(start, cut.at), start })
    start = cut.next
  }
  steps.push({ text: body.slice(start), start })
  return steps.filter((step) => step.text.trim().length > 0)
}
