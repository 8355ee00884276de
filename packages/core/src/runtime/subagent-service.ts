import { InboardError } from '../errors/inboard-error.js'
import type { StoredSubagent, SubagentStorage } from '../storage/subagent-storage.js'
import {
  toSubagent,
  type Subagent,
  type SubagentListItem,
  type SubagentRecord,
  type SubagentRegistry,
} from '../subagents/subagent-registry.js'
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
import type { SubagentApi } from './subagent-api.js'
import type { TaskScope } from './task-api.js'
import { validate } from './validate.js'

/** A malformed id names no subagent: `subagent_not_found`, in-process as on the wire. */
function checkId(id: string): void {
  if (!subagentIdSchema.safeParse(id).success)
    throw new InboardError('subagent_not_found', `No subagent with id "${String(id).slice(0, 100)}"`, {
      param: 'sub_agent',
    })
}

function listItem(subagent: Subagent): SubagentListItem {
  const { prompt: _prompt, capabilities: _capabilities, ...item } = subagent
  return item
}

/** The stored form of a subagent: its capabilities are recomputed from the tools when loaded. */
export function toStoredSubagent(record: SubagentRecord): StoredSubagent {
  return {
    id: record.id,
    account: record.account,
    prompt: record.prompt,
    type: record.type,
    tools: record.explicitTools === null ? null : [...record.explicitTools],
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deletedAt: record.deletedAt,
  }
}

/** `runtime.subagents`: the registry in this process, written through to the storage. */
export class SubagentService implements SubagentApi {
  readonly #registry: SubagentRegistry
  readonly #storage: SubagentStorage
  readonly #ready: () => Promise<void>

  constructor(registry: SubagentRegistry, storage: SubagentStorage, ready: () => Promise<void>) {
    this.#registry = registry
    this.#storage = storage
    this.#ready = ready
  }

  async deploy(input: SubagentDeployInput, scope: TaskScope = {}): Promise<Subagent> {
    await this.#ready()
    const account = scope.account ?? null
    const body = validate(subagentDeploySchema, input, 'subagent')
    const replaced = this.#registry.own(account, body.name) !== undefined
    const record = this.#registry.deploy({ name: body.name, account, prompt: body.prompt, tools: body.tools })
    // A deleted name deployed again is a new subagent: it lists as the newest.
    if (replaced) await this.#storage.remove({ account, id: record.id })
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }

  async get(id: string, scope: TaskScope = {}): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    return toSubagent(this.#registry.get(scope.account ?? null, id))
  }

  async list(query: SubagentListQuery = {}, scope: TaskScope = {}): Promise<Page<SubagentListItem>> {
    await this.#ready()
    const filter = validate(subagentListSchema, query, 'query')
    const page = this.#registry.list(scope.account ?? null, {
      type: filter.type,
      limit: filter.limit ?? 20,
      offset: filter.offset ?? 0,
    })
    return { data: page.data.map((record) => listItem(toSubagent(record))), has_more: page.has_more }
  }

  async update(id: string, input: SubagentUpdateInput, scope: TaskScope = {}): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    const body = validate(subagentUpdateSchema, input, 'subagent')
    const record = this.#registry.update(scope.account ?? null, id, body.prompt)
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }

  async delete(id: string, scope: TaskScope = {}): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    const record = this.#registry.delete(scope.account ?? null, id)
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }
}
