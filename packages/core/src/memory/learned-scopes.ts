import type { ToolError } from '@inboard/tools'
import { scopeOf, since, type MemoryCall } from './memory-call.js'

/** Learns the OAuth scopes a capability turned out to need from an `insufficient_scope` failure. */
export function learnScopes({ memory, site, state }: MemoryCall, error: ToolError): void {
  if (!error.scopes || error.scopes.length === 0) return
  const entry = memory.find(state.key, 'oauth_scopes', { capability: null, key: '' })
  const scopes = [...new Set([...(entry?.value.scopes ?? []), ...error.scopes])]
  if (entry && scopes.length === entry.value.scopes.length) return
  const headers = error.details?.headers as Record<string, unknown> | undefined
  memory.learn(scopeOf(site), 'oauth_scopes', {
    capability: null,
    key: '',
    value: { scopes },
    taskId: site.task.id,
    evidence: {
      code: error.code,
      status: error.details?.status ?? 403,
      capability: site.capability,
      scopes: error.scopes,
      'www-authenticate': headers?.['www-authenticate'],
    },
  })
  site.note(`learned that ${site.tool} needs scopes ${scopes.join(' ')}; the next consent asks for them up front`)
}

/** Notes learned scopes a consent link asked for up front (`waiting`: the call ended waiting for consent). */
export function noteScopeUses({ memory, site }: MemoryCall, waiting: boolean): void {
  const scopes = memory.scopeUses.get(site.task.id)
  if (!scopes) return
  memory.scopeUses.delete(site.task.id)
  // Learned scopes are asked for on every call; they matter to the user when a consent link carries them.
  if (!waiting) return
  for (const entry of scopes) {
    // Scopes this very task learned are asked for in its own incremental consent: not a use.
    if (entry.provenance.task_id === site.task.id) continue
    memory.used(entry)
    site.note(`requested learned scopes ${entry.value.scopes.join(' ')} up front (${since(entry.provenance.task_id)})`)
  }
}
