import type { CapabilitySpec, Tool } from '@inboard/tools'
import { z } from 'zod'
import { InboardError } from '../errors/inboard-error.js'
import type { CapabilityInfo, JsonSchema } from '../planner/planner.js'

/** A registered capability: its spec plus what planners see. */
export interface IndexedCapability {
  info: CapabilityInfo
  spec: CapabilitySpec
  tool: Tool
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  } catch {
    return {}
  }
}

/** Every registered tool's capabilities, by `tool.capability` id, with JSON schemas computed once. */
export class CapabilityIndex {
  readonly #tools = new Map<string, Tool>()
  readonly #capabilities = new Map<string, IndexedCapability>()

  constructor(tools: readonly Tool[]) {
    for (const tool of tools) this.add(tool)
  }

  add(tool: Tool): void {
    if (this.#tools.has(tool.name)) {
      throw new InboardError('invalid_request', `A tool named "${tool.name}" is already registered`, { param: 'tools' })
    }
    this.#tools.set(tool.name, tool)
    for (const [name, spec] of Object.entries(tool.capabilities)) {
      const info: CapabilityInfo = {
        id: `${tool.name}.${name}`,
        tool: tool.name,
        capability: name,
        description: spec.description,
        toolDescription: tool.description,
        tags: tool.tags,
        inputSchema: jsonSchemaOf(spec.input, 'input'),
        outputSchema: spec.output ? jsonSchemaOf(spec.output, 'output') : null,
        sideEffects: spec.sideEffects === true,
        requiresApproval: spec.requiresApproval === true,
      }
      this.#capabilities.set(info.id, { info, spec, tool })
    }
  }

  tool(name: string): Tool | undefined {
    return this.#tools.get(name)
  }

  tools(): IterableIterator<Tool> {
    return this.#tools.values()
  }

  get(id: string): IndexedCapability | undefined {
    return this.#capabilities.get(id)
  }

  all(): IterableIterator<IndexedCapability> {
    return this.#capabilities.values()
  }
}
