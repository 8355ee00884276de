import { profileOf } from './capability-profile.js'
import { exampleOf, shapeOf } from './value-shapes.js'
import type { PromptAnalysis } from './prompt-analysis.js'
import type { CapabilityInfo } from './planner.js'

export interface RankedCapability {
  info: CapabilityInfo
  score: number
  /** The request's verb (or a verb meaning the same) names what this capability does. */
  verbMatched: boolean
  /** An identifier in the request is shaped like one of its required parameters' examples. */
  exampleMatched: boolean
}

/** Words in the "return …" clause name output fields; they count, but less than the request itself. */
const FIELD_WEIGHT = 0.25
/** A capability that changes things is a worse guess when the prompt only asks to read … */
const WRITE_PENALTY = 0.5
/** … and a much worse one when the prompt is a question ("which messages did we send?"). */
const QUESTION_PENALTY = 0.25
const WRITE_BONUS = 3
/** Roots a request's verb stands for: "text" is an SMS, "DM" a direct message, "page" triggers an incident. */
const VERB_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  dm: ['direct', 'messag', 'send'],
  text: ['sms', 'text', 'send'],
  sms: ['sms', 'text', 'send'],
  ack: ['acknowledg'],
  fil: ['creat', 'open', 'new'],
  bill: ['invoic', 'creat'],
  invoic: ['invoic', 'creat'],
  pag: ['pag', 'trigger', 'incident'],
  email: ['email', 'send', 'mail'],
  mail: ['email', 'send', 'mail'],
  messag: ['messag', 'send', 'post'],
  ping: ['messag', 'send'],
  tell: ['messag', 'send'],
  notify: ['notify', 'messag', 'send'],
  reopen: ['reopen', 'statu'],
  clos: ['clos', 'statu'],
  resolv: ['resolv', 'statu'],
  mark: ['mark', 'statu', 'set'],
  pay: ['pay', 'payout'],
  post: ['post', 'messag'],
  put: ['creat', 'add'],
  open: ['open', 'creat', 'new'],
  leav: ['comment', 'add', 'post'],
  delet: ['delet', 'remov'],
  remov: ['delet', 'remov'],
  append: ['append'],
  comment: ['comment', 'add'],
  reply: ['reply', 'respond'],
  respond: ['reply', 'respond'],
  schedul: ['schedul', 'creat', 'event'],
  book: ['book', 'creat'],
  add: ['add', 'creat'],
  creat: ['creat', 'add', 'new'],
  start: ['start', 'creat'],
  escalat: ['escalat'],
  trigger: ['trigger', 'creat'],
  updat: ['updat', 'set', 'edit'],
  set: ['set', 'updat'],
  send: ['send'],
  enabl: ['enabl', 'turn', 'set', 'toggl', 'switch'],
  disabl: ['disabl', 'turn', 'set', 'toggl', 'switch'],
  activat: ['activat', 'enabl', 'set'],
  deactivat: ['deactivat', 'disabl', 'set'],
  toggl: ['toggl', 'turn', 'set'],
  roll: ['roll', 'rollout', 'percentag'],
  void: ['void', 'cancel', 'delet'],
  hand: ['assign', 'giv', 'owner'],
  giv: ['giv', 'assign', 'grant'],
  reassign: ['assign', 'owner'],
  buy: ['buy', 'purchas', 'creat'],
  purchas: ['purchas', 'buy', 'creat'],
  request: ['request', 'submit', 'creat'],
  log: ['log', 'record', 'add'],
  record: ['record', 'log', 'add'],
  onboard: ['onboard', 'start', 'hire'],
  setup: ['setup', 'creat', 'schedul', 'add'],
  mov: ['mov', 'stag', 'statu', 'set'],
  wip: ['clear', 'delet'],
  eras: ['clear', 'delet'],
  purg: ['delet', 'clear'],
}

/** Words people use for what tools call otherwise ("DM", "PR", "db", "ticket"). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  dm: ['direct', 'messag'],
  sms: ['text', 'sms'],
  text: ['sms'],
  pr: ['pull', 'request'],
  db: ['databas'],
  doc: ['document'],
  repo: ['repository'],
  ticket: ['issu'],
  bug: ['issu'],
  mail: ['email'],
  link: ['url'],
  msg: ['messag'],
  say: ['messag'],
  said: ['messag'],
  chat: ['messag'],
  note: ['comment'],
  fil: ['object'],
  folder: ['prefix'],
  sheet: ['spreadsheet'],
}
/** Synonyms and aliases are hints, weaker than the words themselves. */
const ALIAS_WEIGHT = 0.5
/** Words right after "for", "in", "from"… are usually values ("on call for payments"), not the request. */
const COMPLEMENT_WEIGHT = 0.5

interface Terms {
  own: ReadonlySet<string>
  hints: ReadonlySet<string>
}

const expanded = new WeakMap<PromptAnalysis, Terms>()

/** The request's roots, and the hints its verb and aliases add. */
function termsOf(analysis: PromptAnalysis): Terms {
  let terms = expanded.get(analysis)
  if (!terms) {
    const hints = new Set<string>()
    for (const word of analysis.verb === null ? [] : (VERB_SYNONYMS[analysis.verb] ?? []))
      if (!analysis.roots.has(word)) hints.add(word)
    for (const word of analysis.roots)
      for (const alias of ALIASES[word] ?? []) if (!analysis.roots.has(alias)) hints.add(alias)
    terms = { own: analysis.roots, hints }
    expanded.set(analysis, terms)
  }
  return terms
}

/** One capability's weight for a root, by the capability's position in its set. */
interface Posting {
  at: number
  weight: number
}

/**
 * Root → the capabilities that weigh it, built once per capability set (the runtime hands every
 * task of a subagent the same array): a prompt's score against all of them is one pass over the
 * prompt's roots instead of one pass per capability.
 */
const postingsBySet = new WeakMap<readonly CapabilityInfo[], ReadonlyMap<string, readonly Posting[]>>()

function postingsOf(capabilities: readonly CapabilityInfo[]): ReadonlyMap<string, readonly Posting[]> {
  let postings = postingsBySet.get(capabilities)
  if (!postings) {
    const built = new Map<string, Posting[]>()
    capabilities.forEach((info, at) => {
      for (const [word, weight] of profileOf(info).weights) {
        let list = built.get(word)
        if (!list) built.set(word, (list = []))
        list.push({ at, weight })
      }
    })
    postings = built
    postingsBySet.set(capabilities, postings)
  }
  return postings
}

/** Every capability's keyword score, in the order of the set (the same sums, in the same order, as one capability at a time). */
function keywordScores(capabilities: readonly CapabilityInfo[], analysis: PromptAnalysis): Float64Array {
  const scores = new Float64Array(capabilities.length)
  const postings = postingsOf(capabilities)
  const { own, hints } = termsOf(analysis)
  const add = (word: string, factor: number): void => {
    for (const posting of postings.get(word) ?? []) scores[posting.at]! += posting.weight * factor
  }
  for (const word of own) add(word, analysis.complements.has(word) ? COMPLEMENT_WEIGHT : 1)
  for (const word of hints) add(word, ALIAS_WEIGHT)
  for (const word of analysis.fieldRoots) if (!own.has(word)) add(word, FIELD_WEIGHT)
  return scores
}

const exampleShapes = new WeakMap<CapabilityInfo, readonly string[]>()
const promptShapes = new WeakMap<PromptAnalysis, ReadonlySet<string>>()

/** Shapes of the examples (with a digit) in the descriptions of a capability's required parameters, built once. */
function exampleShapesOf(info: CapabilityInfo): readonly string[] {
  let shapes = exampleShapes.get(info)
  if (!shapes) {
    const found: string[] = []
    for (const param of profileOf(info).params) {
      if (!param.required) continue
      const example = exampleOf(param)
      if (example !== null && /\d/.test(example)) found.push(shapeOf(example))
    }
    shapes = found
    exampleShapes.set(info, shapes)
  }
  return shapes
}

/** Shapes of the prompt's identifiers and paths, built once per prompt rather than per capability. */
function promptShapesOf(analysis: PromptAnalysis): ReadonlySet<string> {
  let shapes = promptShapes.get(analysis)
  if (!shapes) {
    shapes = new Set([
      ...analysis.ids.map((id) => shapeOf(id.text)),
      ...analysis.paths.map((path) => shapeOf(path.text)),
    ])
    promptShapes.set(analysis, shapes)
  }
  return shapes
}

/** An identifier shaped like a parameter's example ("ENG-77" for "Issue key such as ENG-42") names the capability. */
function exampleFit(info: CapabilityInfo, analysis: PromptAnalysis): number {
  const shapes = exampleShapesOf(info)
  if (shapes.length === 0) return 0
  const seen = promptShapesOf(analysis)
  return shapes.some((shape) => seen.has(shape)) ? 2 : 0
}

/** A quoted value that reads as a query or statement ("`SELECT …`"). */
const CODE_START = /^\s*(?:select|with|insert|update|delete|explain)\b/i

/** Values found in the prompt that this capability has a parameter for: a small nudge, never a match alone. */
function valueFit(info: CapabilityInfo, analysis: PromptAnalysis): number {
  const { kinds } = profileOf(info)
  let fit = 0
  if (analysis.emails.length > 0 && kinds.has('email')) fit += 1
  if (analysis.dates.length > 0 && kinds.has('date')) fit += 1
  if (analysis.names.length > 0 && (kinds.has('location') || kinds.has('entity'))) fit += 0.5
  if (analysis.ids.length > 0 && kinds.has('id')) fit += 0.5
  if (analysis.phones.length > 0 && kinds.has('phone')) fit += 1
  if (analysis.paths.length > 0 && kinds.has('path')) fit += 1
  if (analysis.ranges.length > 0 && kinds.has('range')) fit += 1
  if (
    kinds.has('code') &&
    analysis.quotes.some((quote) => analysis.body[quote.start - 1] === '`' || CODE_START.test(quote.text))
  )
    fit += 1
  return fit
}

/**
 * How directly the request's verb names what the capability does: in its name (3), in its
 * description (2), only through a synonym ("text" → sms, 1.5), or not at all (0). Another write
 * verb of the request ("leave a comment") counts as a synonym.
 */
function verbFit(info: CapabilityInfo, analysis: PromptAnalysis): number {
  const verb = analysis.verb
  if (verb === null) return 0
  const profile = profileOf(info)
  if ((profile.weights.get(verb) ?? 0) >= 3) return WRITE_BONUS
  if (profile.ownRoots.has(verb)) return 2
  for (const word of VERB_SYNONYMS[verb] ?? []) if (profile.ownRoots.has(word)) return 1.5
  for (const word of analysis.writeRoots) if (word !== verb && (profile.weights.get(word) ?? 0) >= 3) return 1.5
  return 0
}

/**
 * Whether an instruction's leading verb is the capability's own name ("restart the payments
 * service" for `restart_service`, "export all contacts" for `export_contacts`): a request for that
 * action even when the verb is not one the planner knows as a write.
 */
function namesAction(info: CapabilityInfo, analysis: PromptAnalysis): boolean {
  return !analysis.question && analysis.verb !== null && profileOf(info).nameRoots.has(analysis.verb)
}

function rank(info: CapabilityInfo, analysis: PromptAnalysis, keyword: number): RankedCapability {
  const example = exampleFit(info, analysis)
  const base = keyword + example
  if (base <= 0) return { info, score: 0, verbMatched: false, exampleMatched: false }
  let total = base + valueFit(info, analysis)
  const writes = analysis.writeIntent || (info.sideEffects && namesAction(info, analysis))
  const fit = info.sideEffects && writes ? verbFit(info, analysis) : 0
  if (!info.sideEffects) total = analysis.writeIntent ? total * 0.8 : total
  else if (!writes) total *= analysis.question ? QUESTION_PENALTY : WRITE_PENALTY
  else total += fit
  return { info, score: Math.round(total * 100) / 100, verbMatched: fit > 0, exampleMatched: example > 0 }
}

/**
 * Capabilities ordered by how well they fit the prompt: weighted keyword overlap with the tool and
 * capability names, tags, descriptions, parameter names and enum values, preferring capabilities
 * without side effects unless the request starts with a verb that changes something ("close",
 * "text", "page"…); a verb inside a question does not count. Ties keep the given order; capabilities
 * sharing no word with the prompt are left out.
 */
export function rankCapabilities(
  capabilities: readonly CapabilityInfo[],
  analysis: PromptAnalysis,
): RankedCapability[] {
  const ranked: RankedCapability[] = []
  const keywords = keywordScores(capabilities, analysis)
  capabilities.forEach((info, at) => {
    const entry = rank(info, analysis, keywords[at]!)
    if (entry.score > 0) ranked.push(entry)
  })
  return ranked.sort((a, b) => b.score - a.score)
}

/** The best capability for the prompt, or null when none shares a meaningful word with it. */
export function bestCapability(
  capabilities: readonly CapabilityInfo[],
  analysis: PromptAnalysis,
): RankedCapability | null {
  return rankCapabilities(capabilities, analysis)[0] ?? null
}
