import { InboardError, type Runtime } from '@inboard/core'
import { memoryResetQuerySchema } from '../openapi/response-schemas.js'
import { reply } from '../request/reply.js'
import { readQuery } from '../request/read-query.js'
import { callerOf, scopeOf, type RouteContext, type RouteHandler } from './route-context.js'
import type { OperationId } from './route-specs.js'
import { firstIssue } from '@inboard/tools/internal'

type MemoryOperation = Extract<OperationId, 'getSubagentMemory' | 'resetSubagentMemory'>

/**
 * Handlers of a subagent's execution memory. A caller sees and resets only what its own account's
 * tasks taught (and what tasks without an account taught, for reading).
 */
export function memoryRoutes(runtime: Runtime): Record<MemoryOperation, RouteHandler> {
  // Only a deployed subagent has memory to show; get() rejects with subagent_not_found otherwise.
  const subagent = async (context: RouteContext): Promise<string> =>
    (await runtime.subagents.get(context.params.subagent_id ?? '', scopeOf(callerOf(context)))).id
  const account = (context: RouteContext): string => scopeOf(callerOf(context)).account ?? ''
  return {
    async getSubagentMemory(context) {
      const id = await subagent(context)
      return reply(200, { sub_agent: id, entries: await runtime.memory.get(id, { account: account(context) }) })
    },
    async resetSubagentMemory(context) {
      const id = await subagent(context)
      const parsed = memoryResetQuerySchema.safeParse(readQuery(context.url, ['tool']))
      if (!parsed.success)
        throw new InboardError('invalid_request', `Invalid tool: ${firstIssue(parsed.error).message}`, {
          param: 'tool',
        })
      const { deleted } = await runtime.memory.reset(id, {
        account: account(context),
        ...(parsed.data.tool === undefined ? {} : { tool: parsed.data.tool }),
      })
      return reply(200, { sub_agent: id, deleted })
    },
  }
}
