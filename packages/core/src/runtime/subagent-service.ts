import { toSubagent, type Subagent, type SubagentListItem, type SubagentRegistry } from '../subagents/subagent-registry.js'
import type { Page } from '../task/task-types.js'
import {
  subagentDeploySchema,
  subagentIdSchema,
  subagentListSchema,
  subagentUpdateSchema,
  type SubagentDeployInput,
  type SubagentListQuery,
  type SubagentUpdateInput,
} from './schemas.js'
import { validate } from './validate.js'

function listItem(subagent: Subagent): SubagentListItem {
  const { prompt: _prompt, ...item } = subagent
  return item
}

/** `runtime.subagents`: deploy, read, update and delete subagents. */
export class SubagentService {
  readonly #registry: SubagentRegistry

  constructor(registry: SubagentRegistry) {
    this.#registry = registry
  }

  /** Deploys a subagent; its tools are those its prompt names, unless `tools` lists them. */
  deploy(input: SubagentDeployInput): Subagent {
    const body = validate(subagentDeploySchema, input, 'subagent')
    return toSubagent(this.#registry.deploy({ name: body.name, prompt: body.prompt, tools: body.tools }))
  }

  get(id: string): Subagent {
    validate(subagentIdSchema, id, 'subagent id')
    return toSubagent(this.#registry.get(id))
  }

  /** Newest first; `has_more` is exact. */
  list(query: SubagentListQuery = {}): Page<SubagentListItem> {
    const filter = validate(subagentListSchema, query, 'query')
    const page = this.#registry.list(filter.type, filter.limit ?? 20, filter.offset ?? 0)
    return { data: page.data.map((record) => listItem(toSubagent(record))), has_more: page.has_more }
  }

  /** Replaces the prompt and recomputes the subagent's tools. */
  update(id: string, input: SubagentUpdateInput): Subagent {
    validate(subagentIdSchema, id, 'subagent id')
    const body = validate(subagentUpdateSchema, input, 'subagent')
    return toSubagent(this.#registry.update(id, body.prompt))
  }

  /** Deletes a subagent: its running tasks finish, new tasks get `subagent_not_found`. */
  delete(id: string): Subagent {
    validate(subagentIdSchema, id, 'subagent id')
    return toSubagent(this.#registry.delete(id))
  }
}
