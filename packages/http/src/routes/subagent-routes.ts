import { InboardError, type Runtime } from '@inboard/core'
import { reply } from '../request/reply.js'
import { readJsonBody } from '../request/read-json-body.js'
import { readQuery } from '../request/read-query.js'
import { idParam, type RouteContext, type RouteHandler } from './route-context.js'
import type { OperationId } from './route-specs.js'

/** Same shape as the runtime's subagent ids; anything else is a 404 without a lookup. */
const SUBAGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/

type SubagentOperation = Extract<OperationId, 'deploySubagent' | 'listSubagents' | 'getSubagent' | 'updateSubagent' | 'deleteSubagent'>

/** Handlers of the subagent endpoints. */
export function subagentRoutes(runtime: Runtime, maxBodyBytes: number): Record<SubagentOperation, RouteHandler> {
  const subagentId = (context: RouteContext): string => {
    const id = context.params.subagent_id ?? ''
    return idParam(context, 'subagent_id', SUBAGENT_ID, new InboardError('subagent_not_found', `No subagent with id "${id.slice(0, 100)}"`))
  }
  return {
    async deploySubagent(context) {
      const body = await readJsonBody(context.request, maxBodyBytes)
      return reply(201, runtime.subagents.deploy(body.value as { name: string; prompt: string }))
    },
    listSubagents: (context) => reply(200, runtime.subagents.list(readQuery(context.url, ['type', 'limit', 'offset'], ['limit', 'offset']))),
    getSubagent: (context) => reply(200, runtime.subagents.get(subagentId(context))),
    async updateSubagent(context) {
      const id = subagentId(context)
      const body = await readJsonBody(context.request, maxBodyBytes)
      return reply(200, runtime.subagents.update(id, body.value as { prompt: string }))
    },
    deleteSubagent: (context) => reply(200, runtime.subagents.delete(subagentId(context))),
  }
}
