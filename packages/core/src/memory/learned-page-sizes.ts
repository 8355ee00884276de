import { ToolError } from '@inboard/tools'
import { scopeOf, since, type MemoryCall } from './memory-call.js'
import { chooseSize, isSizeRejection, observeSize, sizeFields, smallerSize } from './page-sizes.js'

/** Size refusals memory works around within one call before giving up. */
const MAX_SHRINKS = 3

/** Whether the call's input has a page-size field (most calls have none, and skip this module). */
export function hasSizeFields({ site }: MemoryCall): boolean {
  return sizeFields(site.input).length > 0
}

/** Replaces planned page sizes with learned ones, or probes above a size that worked. */
export function applyPageSizes({ memory, site, state }: MemoryCall): void {
  for (const [field, planned] of sizeFields(site.input)) {
    const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
    const choice = fact ? chooseSize(fact.value, planned) : null
    if (!fact || !choice) continue
    memory.used(fact)
    site.input = { ...(site.input as Record<string, unknown>), [field]: choice.size }
    const { largest_ok: ok, smallest_rejected: refused } = fact.value
    site.note(
      choice.probe
        ? `probing ${field} ${choice.size} (${ok ?? 'none'} worked, ${refused} refused)`
        : `used learned ${field} ${choice.size} instead of ${planned} (${since(fact.provenance.task_id)})`,
    )
  }
}

function learnSizes(
  { memory, site, state }: MemoryCall,
  { accepted, evidence }: { accepted: boolean; evidence: Record<string, unknown> },
): void {
  for (const [field, size] of sizeFields(site.input)) {
    const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
    const next = observeSize(fact?.value, size, accepted)
    if (fact && next.largest_ok === fact.value.largest_ok && next.smallest_rejected === fact.value.smallest_rejected)
      continue
    memory.learn(scopeOf(site), 'page_size', {
      capability: site.capability,
      key: field,
      value: { field, ...next },
      taskId: site.task.id,
      evidence: { [field]: size, accepted, ...evidence },
    })
  }
}

/** Runs the call, retrying with smaller page sizes while the upstream refuses the size. */
export async function runSized(call: MemoryCall, next: () => Promise<unknown>): Promise<unknown> {
  const { memory, site, state } = call
  for (let shrinks = 0; ; shrinks++) {
    try {
      const output = await next()
      learnSizes(call, { accepted: true, evidence: {} })
      return output
    } catch (thrown) {
      const fields = sizeFields(site.input)
      if (
        !(thrown instanceof ToolError) ||
        fields.length === 0 ||
        shrinks >= MAX_SHRINKS ||
        !isSizeRejection(
          thrown,
          site.spec.sideEffects === true,
          fields.map(([field]) => field),
        )
      )
        throw thrown
      learnSizes(call, {
        accepted: false,
        evidence: { code: thrown.code, status: thrown.details?.status, message: thrown.message.slice(0, 200) },
      })
      const smaller: Record<string, unknown> = { ...(site.input as Record<string, unknown>) }
      for (const [field, size] of fields) {
        const fact = memory.find(state.key, 'page_size', { capability: site.capability, key: field })
        const size2 = smallerSize(fact?.value, size)
        if (size2 < 1) throw thrown
        smaller[field] = size2
        site.note(`${field} ${size} refused (${thrown.code}); retrying with ${size2}`)
      }
      site.input = smaller
    }
  }
}
