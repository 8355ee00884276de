import { profileOf } from './capability-profile.js'
import type { PromptAnalysis } from './prompt-analysis.js'
import type { CapabilityInfo } from './planner.js'

export interface RankedCapability {
  info: CapabilityInfo
  score: number
}

/** Words in the "return …" clause name output fields; they count, but less than the request itself. */
const FIELD_WEIGHT = 0.25
/** A capability that changes things is a worse guess when the prompt only asks to read. */
const WRITE_PENALTY = 0.6
const WRITE_BONUS = 3
const VERBS = new Set(['send', 'creat', 'updat', 'delet', 'remov', 'post', 'add', 'writ', 'schedul', 'book', 'reply', 'notify', 'invit', 'cancel', 'archiv', 'upload', 'submit', 'edit', 'modify', 'chang', 'assign', 'insert', 'sav', 'publish', 'shar', 'transfer', 'pay', 'charg', 'refund', 'renam', 'mov', 'mark'])

function keywordScore(weights: ReadonlyMap<string, number>, analysis: PromptAnalysis): number {
  let score = 0
  for (const word of analysis.roots) score += weights.get(word) ?? 0
  for (const word of analysis.fieldRoots) if (!analysis.roots.has(word)) score += (weights.get(word) ?? 0) * FIELD_WEIGHT
  return score
}

/** Values found in the prompt that this capability has a parameter for: a small nudge, never a match alone. */
function valueFit(info: CapabilityInfo, analysis: PromptAnalysis): number {
  const { kinds } = profileOf(info)
  let fit = 0
  if (analysis.emails.length > 0 && kinds.has('email')) fit += 1
  if (analysis.dates.length > 0 && kinds.has('date')) fit += 1
  if (analysis.names.length > 0 && (kinds.has('location') || kinds.has('entity'))) fit += 0.5
  if (analysis.ids.length > 0 && kinds.has('id')) fit += 0.5
  return fit
}

function score(info: CapabilityInfo, analysis: PromptAnalysis): number {
  const profile = profileOf(info)
  const base = keywordScore(profile.weights, analysis)
  if (base <= 0) return 0
  let total = base + valueFit(info, analysis)
  if (!info.sideEffects) return analysis.writeIntent ? total * 0.8 : total
  if (!analysis.writeIntent) return total * WRITE_PENALTY
  for (const word of analysis.roots) {
    if (VERBS.has(word) && profile.ownRoots.has(word)) {
      total += WRITE_BONUS
      break
    }
  }
  return total
}

/**
 * Capabilities ordered by how well they fit the prompt: weighted keyword overlap with the tool and
 * capability names, tags, descriptions, parameter names and enum values, preferring capabilities
 * without side effects unless the prompt asks to send, create, update…. Ties keep the given order.
 */
export function rankCapabilities(capabilities: readonly CapabilityInfo[], analysis: PromptAnalysis): RankedCapability[] {
  const ranked = capabilities.map((info) => ({ info, score: Math.round(score(info, analysis) * 100) / 100 }))
  return ranked.sort((a, b) => b.score - a.score)
}

/** The best capability for the prompt, or null when none shares a meaningful word with it. */
export function bestCapability(capabilities: readonly CapabilityInfo[], analysis: PromptAnalysis): RankedCapability | null {
  let best: RankedCapability | null = null
  for (const info of capabilities) {
    const value = Math.round(score(info, analysis) * 100) / 100
    if (value > 0 && (best === null || value > best.score)) best = { info, score: value }
  }
  return best
}
