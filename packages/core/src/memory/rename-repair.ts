import { ToolError } from '@inboard/tools'
import type { z } from 'zod'
import type { CallSite } from '../runner/call-middleware.js'
import type { ExecutionMemory } from './execution-memory.js'
import { applyRenames, describeRename, discoverRenames, type FieldRename } from './field-renames.js'
import type { MemoryEntry } from './memory-entry.js'
import type { MemoryScope } from './memory-store.js'

/**
 * Repairs an output that failed its schema because fields were renamed or moved: discovers the
 * mapping, checks the repaired output passes, and learns each rename with its evidence. Throws
 * `field_mapping_ambiguous` rather than guess, and the original error when nothing maps.
 */
export function repairOutput(
  memory: ExecutionMemory,
  site: CallSite,
  { scope, error }: { scope: MemoryScope; error: ToolError },
): unknown {
  const schema = site.spec.output
  let output = error.details?.output
  let issues = error.details?.issues as readonly z.core.$ZodIssue[] | undefined
  if (!schema || output === undefined || !issues) throw error
  const found: Array<{ rename: FieldRename; evidence: unknown }> = []
  for (let round = 0; round < 3; round++) {
    const discovery = discoverRenames(schema, output, issues)
    if (discovery.type === 'ambiguous') {
      const field = `${discovery.path === '' ? '' : `${discovery.path}.`}${discovery.to}`
      throw new ToolError(
        'field_mapping_ambiguous',
        `Output of ${site.tool}.${site.capability} lacks ${field}, and ${discovery.candidates.join(', ')} could each be its new name; not guessing`,
        {
          recoverable: false,
          suggestion: `Update the output schema of ${site.tool}.${site.capability} to the upstream's new field name.`,
          details: { field, candidates: discovery.candidates },
          cause: error,
        },
      )
    }
    if (discovery.type === 'none') throw error
    for (const rename of discovery.renames)
      found.push({ rename, evidence: discovery.evidence[`${rename.path === '' ? '' : `${rename.path}.`}${rename.to}`] })
    output = applyRenames(output, discovery.renames).output
    const parsed = schema.safeParse(output)
    if (parsed.success) {
      for (const { rename, evidence } of found) {
        memory.learn(scope, 'field_rename', {
          capability: site.capability,
          key: `${rename.path}.${rename.to}`,
          value: { ...rename },
          taskId: site.task.id,
          evidence: { code: 'invalid_output', ...(evidence as object) },
        })
        site.note(`mapped renamed field ${describeRename(rename)} and learned it`)
      }
      return parsed.data
    }
    issues = parsed.error.issues
  }
  throw error
}

/** Applies known renames to a raw output before it is validated; forgets those upstream undid. */
export function applyKnownRenames(
  memory: ExecutionMemory,
  site: CallSite,
  { key, raw }: { key: string; raw: unknown },
): unknown {
  const facts = memory.store.scope(key)
  if (!facts || !site.spec.output) return raw
  const known: Array<{ rename: FieldRename; entry: MemoryEntry }> = []
  for (const entry of facts.values())
    if (entry.kind === 'field_rename' && entry.capability === site.capability)
      known.push({ rename: entry.value, entry })
  if (known.length === 0) return raw
  const result = applyRenames(
    raw,
    known.map((item) => item.rename),
  )
  for (const { rename, entry } of known) {
    if (result.applied.includes(rename)) {
      memory.used(entry)
      site.note(`mapped renamed field ${describeRename(rename)} (learned from ${entry.provenance.task_id})`)
    } else if (result.undone.includes(rename)) {
      memory.forget(entry)
      site.note(`rename ${describeRename(rename)} undone upstream; forgot it`)
    }
  }
  return result.output
}
