import type { AnyCapabilitySpec, Tool } from '@inboard/tools'
import type { z } from 'zod'

/** One capability call a tool received during an evaluation case. */
export interface LoggedCall {
  id: string
  input: Record<string, unknown>
  output: unknown
  sideEffects: boolean
  /** Parameter → the schema default the runtime filled in when the planner left it out. */
  defaults: Record<string, unknown>
}

export type Output = (input: Record<string, unknown>) => unknown

interface Spec {
  description: string
  input: z.ZodObject
  sideEffects?: boolean
  output: Output
}

/** Tools whose capabilities log every call and answer with fixed, realistic outputs. */
function defaultsOf(schema: z.ZodObject): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = (field as z.ZodType).safeParse(undefined)
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data
  }
  return out
}

export function tool(
  log: LoggedCall[],
  name: string,
  { description, capabilities }: { description: string; capabilities: Record<string, Spec> },
): Tool {
  const entries = Object.entries(capabilities).map(([capability, spec]): [string, AnyCapabilitySpec] => [
    capability,
    {
      description: spec.description,
      input: spec.input,
      sideEffects: spec.sideEffects === true,
      run: async (input: Record<string, unknown>) => {
        const output = spec.output(input)
        log.push({
          id: `${name}.${capability}`,
          input,
          output,
          sideEffects: spec.sideEffects === true,
          defaults: defaultsOf(spec.input),
        })
        return output
      },
    },
  ])
  return { name, description, tags: [], capabilities: Object.fromEntries(entries) }
}

export const ok =
  (id: string): Output =>
  () => ({ ok: true, id })
