import { z } from 'zod'

/** Version of the stored memory format; documents with another version are ignored on load. */
export const MEMORY_SCHEMA_VERSION = 1

/** What one memory entry records. */
export type MemoryKind = 'oauth_scopes' | 'rate_limit' | 'field_rename' | 'page_size' | 'retry_pattern' | 'plan'

/** Where a fact came from: the task that taught it, when, and what it saw. */
export interface MemoryProvenance {
  task_id: string
  /** ISO-8601 UTC. */
  learned_at: string
  /** The facts observed: status code, headers, field names, sizes, delays. */
  evidence: Record<string, unknown>
}

/** The value of each kind of entry. */
export interface MemoryValues {
  oauth_scopes: { scopes: string[] }
  rate_limit: { limit: number; window_ms: number }
  field_rename: { path: string; from: string; to: string }
  page_size: { field: string; largest_ok: number | null; smallest_rejected: number | null }
  retry_pattern: { code: string; seen: number; recovered: number; recovery_ms: number; attempts: number }
  plan: {
    shape: string
    decisions: PlanDecisionTemplate[]
    finish: 'last_output' | 'planner'
    observed?: ObservedPlan | undefined
  }
}

/**
 * What an `'observed'` plan (a model planner's) saw when it was learned: a digest of each call's
 * output in order, and the result the planner finished with. A replay goes on only while the
 * outputs match, and reuses the result only when all of them did.
 */
export interface ObservedPlan {
  outputs: string[]
  result: unknown
}

/** One call of a remembered plan; `{name}` strings in `input` are filled from the prompt. */
export interface PlanCallTemplate {
  tool: string
  capability: string
  input: Record<string, unknown>
}

export interface PlanDecisionTemplate {
  calls: PlanCallTemplate[]
}

/** One learned fact, as returned by `runtime.memory.get()` and `GET /v1/subagents/:id/memory`. */
export type MemoryEntry = {
  [K in MemoryKind]: {
    /** Stable within a scope: `tool.capability:kind:key`. */
    id: string
    kind: K
    /** The subagent, or null for tasks that ran without one. */
    sub_agent: string | null
    tool: string
    /** The account the fact was learned for, or null. */
    account: string | null
    capability: string | null
    value: MemoryValues[K]
    provenance: MemoryProvenance
    /** Times a later task applied this fact. */
    uses: number
    /** ISO-8601 UTC of the last use, or null. */
    last_used_at: string | null
  }
}[MemoryKind]

export type MemoryEntryOf<K extends MemoryKind> = Extract<MemoryEntry, { kind: K }>

/** The JSON document of `runtime.memory.export()`. */
export interface MemoryExport {
  version: number
  exported_at: string
  entries: MemoryEntry[]
}

const provenanceSchema = z.object({
  task_id: z.string(),
  learned_at: z.string(),
  evidence: z.record(z.string(), z.unknown()),
})
const base = {
  id: z.string().min(1),
  sub_agent: z.string().nullable(),
  tool: z.string().min(1),
  account: z.string().nullable(),
  capability: z.string().nullable(),
  provenance: provenanceSchema,
  uses: z.number().int().min(0),
  last_used_at: z.string().nullable(),
}
const callTemplate = z.object({ tool: z.string(), capability: z.string(), input: z.record(z.string(), z.unknown()) })
const size = z.number().int().positive().nullable()

/** Validates imported entries. */
export const memoryEntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('oauth_scopes'), value: z.object({ scopes: z.array(z.string()) }) }),
  z.object({
    ...base,
    kind: z.literal('rate_limit'),
    value: z.object({ limit: z.number().int().positive(), window_ms: z.number().int().positive() }),
  }),
  z.object({
    ...base,
    kind: z.literal('field_rename'),
    value: z.object({ path: z.string(), from: z.string().min(1), to: z.string().min(1) }),
  }),
  z.object({
    ...base,
    kind: z.literal('page_size'),
    value: z.object({ field: z.string(), largest_ok: size, smallest_rejected: size }),
  }),
  z.object({
    ...base,
    kind: z.literal('retry_pattern'),
    value: z.object({
      code: z.string(),
      seen: z.number().int().min(0),
      recovered: z.number().int().min(0),
      recovery_ms: z.number().min(0),
      attempts: z.number().int().min(0),
    }),
  }),
  z.object({
    ...base,
    kind: z.literal('plan'),
    value: z.object({
      shape: z.string(),
      decisions: z.array(z.object({ calls: z.array(callTemplate) })),
      finish: z.enum(['last_output', 'planner']),
      observed: z.object({ outputs: z.array(z.string()), result: z.unknown() }).optional(),
    }),
  }),
])

export const memoryExportSchema = z.object({
  version: z.literal(MEMORY_SCHEMA_VERSION),
  exported_at: z.string(),
  entries: z.array(memoryEntrySchema),
})
