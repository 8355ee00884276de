import type { ToolError } from '@inboard/tools'

/** Input fields that set how many items one request carries (tuning them never changes the result). */
const SIZE_FIELD = /^(page_?size|per_?page|batch_?size|page_?limit|chunk_?size)$/i

/** What memory knows about one size field of a capability. */
export interface SizeFact {
  largest_ok: number | null
  smallest_rejected: number | null
}

/** Size fields of an input with their positive integer values. */
export function sizeFields(input: unknown): Array<[field: string, size: number]> {
  if (typeof input !== 'object' || input === null) return NONE
  let out: Array<[string, number]> | null = null
  for (const key in input) {
    const value = (input as Record<string, unknown>)[key]
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && SIZE_FIELD.test(key))
      (out ??= []).push([key, value])
  }
  return out ?? NONE
}
const NONE: Array<[string, number]> = []

/**
 * Whether a failure looks like the upstream refusing the size: 413, or a 400/422/invalid input
 * whose message names the field or a size limit, or a timeout of a call without side effects.
 */
export function isSizeRejection(error: ToolError, sideEffects: boolean, fields: readonly string[]): boolean {
  if (error.code === 'timeout') return !sideEffects
  const status = error.details?.status
  if (status === 413) return true
  if (error.code !== 'invalid_input' && !(error.code === 'upstream_error' && (status === 400 || status === 422)))
    return false
  const text = `${error.message} ${JSON.stringify(error.details?.body ?? '')}`.toLowerCase()
  return (
    fields.some((field) => text.includes(field.toLowerCase())) ||
    /\b(page size|too large|too many|maximum|at most|exceeds?)\b/.test(text)
  )
}

/**
 * The size to use instead of `planned`, or null to keep it. A size at or above one that was refused
 * drops to the midpoint between it and the largest that worked until the two are adjacent, so the
 * best size is found by bisection over successive runs (a refused probe costs one extra request). A size below the largest that
 * worked is raised to it (fewer requests for the same result).
 */
export function chooseSize(fact: SizeFact, planned: number): { size: number; probe: boolean } | null {
  const { largest_ok: ok, smallest_rejected: rejected } = fact
  if (rejected !== null && planned >= rejected) {
    if (ok === null) return { size: Math.max(1, Math.floor(rejected / 2)), probe: true }
    const probe = Math.floor((ok + rejected) / 2)
    if (probe > ok) return { size: probe, probe: true }
    return ok === planned ? null : { size: ok, probe: false }
  }
  if (ok !== null && planned < ok) return { size: ok, probe: false }
  return null
}

/** The next size to try after `size` was refused. */
export function smallerSize(fact: SizeFact | undefined, size: number): number {
  const ok = fact?.largest_ok ?? null
  return ok !== null && ok < size ? ok : Math.floor(size / 2)
}

/** Folds one observation into a fact. */
export function observeSize(fact: SizeFact | undefined, size: number, accepted: boolean): SizeFact {
  const next: SizeFact = { largest_ok: fact?.largest_ok ?? null, smallest_rejected: fact?.smallest_rejected ?? null }
  if (accepted) {
    if (next.largest_ok === null || size > next.largest_ok) next.largest_ok = size
    // An accepted size at or above the refused one means the upstream raised its maximum.
    if (next.smallest_rejected !== null && size >= next.smallest_rejected) next.smallest_rejected = null
  } else {
    if (next.smallest_rejected === null || size < next.smallest_rejected) next.smallest_rejected = size
    if (next.largest_ok !== null && next.largest_ok >= size) next.largest_ok = null
  }
  return next
}
