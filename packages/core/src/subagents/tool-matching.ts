import { keywords, stem } from '../text/tokens.js'
import type { CapabilityIndex } from '../runtime/capability-index.js'

function mentions(promptWords: ReadonlySet<string>, phrase: string): boolean {
  const wanted = keywords(phrase)
  if (wanted.size === 0) return false
  for (const word of wanted) if (!promptWords.has(word)) return false
  return true
}

/**
 * The capability ids a domain prompt gives access to: every capability of a tool whose name or a tag
 * the prompt names, plus single capabilities whose operation words it names ("pull contacts" →
 * `crm.fetch_contacts`).
 */
export function matchCapabilities(prompt: string, index: CapabilityIndex): string[] {
  const promptWords = keywords(prompt)
  const matched: string[] = []
  for (const tool of index.tools()) {
    const wholeTool =
      promptWords.has(stem(tool.name.toLowerCase())) ||
      mentions(promptWords, tool.name) ||
      tool.tags.some((tag) => mentions(promptWords, tag))
    for (const name of Object.keys(tool.capabilities)) {
      if (wholeTool || mentions(promptWords, name)) matched.push(`${tool.name}.${name}`)
    }
  }
  return matched
}

/** Capability ids of the named tools; unknown names are reported. */
export function capabilitiesOfTools(
  names: readonly string[],
  index: CapabilityIndex,
): { ids: string[]; unknown: string[] } {
  const ids: string[] = []
  const unknown: string[] = []
  for (const name of names) {
    const tool = index.tool(name)
    if (!tool) unknown.push(name)
    else for (const capability of Object.keys(tool.capabilities)) ids.push(`${name}.${capability}`)
  }
  return { ids, unknown }
}

/** How strongly a task prompt relates to a set of capabilities: shared keywords, weighted. */
export function relevance(
  promptWords: ReadonlySet<string>,
  capabilityIds: readonly string[],
  index: CapabilityIndex,
): number {
  let score = 0
  const seenTools = new Set<string>()
  for (const id of capabilityIds) {
    const entry = index.get(id)
    if (!entry) continue
    const { info } = entry
    if (!seenTools.has(info.tool)) {
      seenTools.add(info.tool)
      for (const word of keywords(`${info.tool} ${info.tags.join(' ')}`)) if (promptWords.has(word)) score += 3
      for (const word of keywords(info.toolDescription)) if (promptWords.has(word)) score += 1
    }
    for (const word of keywords(info.capability)) if (promptWords.has(word)) score += 2
    for (const word of keywords(info.description)) if (promptWords.has(word)) score += 1
  }
  return score
}
