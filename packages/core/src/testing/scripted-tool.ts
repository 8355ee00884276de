import { defineTool, type Tool, type ToolContext } from '@inboard/tools'
import { z } from 'zod'

/**
 * What one scripted call does: a function `(input, ctx) => value` is called (it may throw or wait
 * on `ctx.signal`); any other value is returned as is.
 */
export type ScriptedBehaviour = unknown

export interface ScriptedToolOptions {
  name: string
  description?: string
  tags?: readonly string[]
  /** Capability name → behaviours for successive calls; the last one repeats. */
  capabilities: Record<string, readonly ScriptedBehaviour[]>
}

/** A tool whose capabilities replay scripted answers, recording every call. */
export interface ScriptedTool extends Tool {
  readonly calls: Array<{ capability: string; input: Record<string, unknown> }>
}

/**
 * A tool for tests whose capabilities accept any object and answer from a script: values are
 * returned, functions are called (and may throw or wait on `ctx.signal`).
 */
export function createScriptedTool(options: ScriptedToolOptions): ScriptedTool {
  const calls: ScriptedTool['calls'] = []
  const capabilities: Record<
    string,
    {
      description: string
      input: z.ZodType<Record<string, unknown>>
      run: (input: Record<string, unknown>, ctx: ToolContext) => Promise<unknown>
    }
  > = {}
  for (const [name, behaviours] of Object.entries(options.capabilities)) {
    let count = 0
    capabilities[name] = {
      description: `${name} (scripted)`,
      input: z.record(z.string(), z.unknown()),
      async run(input, ctx) {
        calls.push({ capability: name, input })
        const behaviour = behaviours[Math.min(count++, behaviours.length - 1)]
        return typeof behaviour === 'function'
          ? await (behaviour as (i: Record<string, unknown>, c: ToolContext) => unknown)(input, ctx)
          : behaviour
      },
    }
  }
  const tool = defineTool({
    name: options.name,
    description: options.description ?? `${options.name} (scripted)`,
    tags: options.tags ?? [],
    capabilities,
  })
  return Object.assign(Object.create(null) as object, tool, { calls })
}
