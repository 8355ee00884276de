import type { CapabilityInfo } from '@inboard/core'
import type { ModelFunctionTool } from './model-types.js'

/** The built-in tool the model calls when it needs something only a person can supply. */
export const ASK_USER = 'ask_user'

const ASK_USER_TOOL: ModelFunctionTool = {
  type: 'function',
  name: ASK_USER,
  description:
    'Ask the person who gave the task for information you need and cannot find with the other tools. The task waits until they answer; never guess a value you should ask for.',
  inputSchema: {
    type: 'object',
    properties: {
      message: { type: 'string', description: 'What to ask, in one or two sentences' },
      fields: {
        type: 'array',
        description: 'The values you need, one entry per value',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            type: { type: 'string', description: 'string, number, boolean, date…' },
          },
          required: ['name'],
        },
      },
    },
    required: ['message', 'fields'],
  },
}

/** Function names providers accept (OpenAI: `^[a-zA-Z0-9_-]{1,64}$`). */
function functionName(info: CapabilityInfo): string {
  return `${info.tool}__${info.capability}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)
}

/**
 * The tools the model sees: one function per capability the task may call, named
 * `<tool>__<capability>`, plus `ask_user`. Built once per capability list (the runtime reuses the
 * list for every task of a subagent).
 */
export class ToolCatalogue {
  readonly tools: ModelFunctionTool[]
  readonly #byName = new Map<string, CapabilityInfo>()
  readonly #names = new Map<string, string>()

  constructor(capabilities: readonly CapabilityInfo[]) {
    this.tools = []
    for (const info of capabilities) {
      let name = functionName(info)
      // Two ids that sanitise to one name stay apart.
      for (let n = 2; this.#byName.has(name) || name === ASK_USER; n++) name = `${functionName(info).slice(0, 60)}_${n}`
      this.#byName.set(name, info)
      this.#names.set(info.id, name)
      const flags = [
        info.sideEffects ? 'has side effects' : 'read-only',
        ...(info.requiresApproval ? ['needs approval before it runs'] : []),
      ]
      this.tools.push({
        type: 'function',
        name,
        description: `${info.description} (${info.tool}: ${info.toolDescription}; ${flags.join(', ')})`.slice(0, 1024),
        inputSchema: info.inputSchema,
      })
    }
    this.tools.push(ASK_USER_TOOL)
  }

  /** The capability a function name stands for. */
  capability(name: string): CapabilityInfo | undefined {
    return this.#byName.get(name)
  }

  /** The function name of a capability id (`tool.capability`); ids outside the list keep a readable name. */
  nameOf(tool: string, capability: string): string {
    return (
      this.#names.get(`${tool}.${capability}`) ?? `${tool}__${capability}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)
    )
  }
}
