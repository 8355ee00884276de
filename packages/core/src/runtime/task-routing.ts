import type { SubagentRecord } from '../subagents/subagent-registry.js'
import { relevance } from '../subagents/tool-matching.js'
import { keywords } from '../text/tokens.js'
import type { CapabilityIndex } from './capability-index.js'

/** Picks the deployed subagent of the task's scope (or a prebuilt one) whose tools relate most to the prompt, or none. */
export function routeTask(prompt: string, subagents: readonly SubagentRecord[], index: CapabilityIndex): string | null {
  const deployed = subagents
  if (deployed.length === 0) return null
  const promptWords = keywords(prompt)
  let best: string | null = null
  let bestScore = 0
  for (const subagent of deployed) {
    const score = relevance(promptWords, [...subagent.capabilityIds], index)
    if (score > bestScore) {
      best = subagent.id
      bestScore = score
    }
  }
  return best
}
