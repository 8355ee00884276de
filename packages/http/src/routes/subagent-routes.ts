import type { Runtime, TaskScope } from '@inboard/core'
import { reply } from '../request/reply.js'
import { readJsonBody } from '../request/read-json-body.js'
import { readQuery } from '../request/read-query.js'
import { callerOf, scopeOf, type RouteContext, type RouteHandler } from './route-context.js'
import type { OperationId } from './route-specs.js'

type SubagentOperation = Extract<
  OperationId,
  'deploySubagent' | 'listSubagents' | 'getSubagent' | 'updateSubagent' | 'deleteSubagent'
>

/**
 * Handlers of the subagent endpoints, each in the key's scope (account and environment): another
 * scope's subagents answer `subagent_not_found`, prebuilt ones `subagent_read_only` to a change. A
 * malformed id is the runtime's `subagent_not_found`, as any unknown one.
 */
export function subagentRoutes(runtime: Runtime, maxBodyBytes: number): Record<SubagentOperation, RouteHandler> {
  const subagentId = (context: RouteContext): string => context.params.subagent_id ?? ''
  const scope = (context: RouteContext): TaskScope => scopeOf(callerOf(context))
  return {
    async deploySubagent(context) {
      const body = await readJsonBody(context.request, maxBodyBytes)
      return reply(201, await runtime.subagents.deploy(body.value as { name: string; prompt: string }, scope(context)))
    },
    listSubagents: async (context) =>
      reply(
        200,
        await runtime.subagents.list(
          readQuery(context.url, ['type', 'limit', 'offset'], ['limit', 'offset']),
          scope(context),
        ),
      ),
    getSubagent: async (context) => reply(200, await runtime.subagents.get(subagentId(context), scope(context))),
    async updateSubagent(context) {
      const id = subagentId(context)
      // Unknown subagents are refused before the body is read.
      await runtime.subagents.get(id, scope(context))
      const body = await readJsonBody(context.request, maxBodyBytes)
      return reply(200, await runtime.subagents.update(id, body.value as { prompt: string }, scope(context)))
    },
    deleteSubagent: async (context) => reply(200, await runtime.subagents.delete(subagentId(context), scope(context))),
  }
}
