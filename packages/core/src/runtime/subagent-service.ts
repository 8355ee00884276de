import { InboardError } from '../errors/inboard-error.js'
import type { StoredSubagent, SubagentStorage } from '../storage/subagent-storage.js'
import { toSubagent, type Subagent, type SubagentListItem, type SubagentRecord, type SubagentRegistry } from '../subagents/subagent-registry.js'
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
import { validate } from './validate.js'

/** A malformed id names no subagent: `subagent_not_found`, in-process as on the wire. */
function checkId(id: string): void {
  if (!subagentIdSchema.safeParse(id).success) throw new InboardError('subagent_not_found', `No subagent with id "${String(id).slice(0, 100)}"`, { param: 'sub_agent' })
}

function listItem(subagent: Subagent): SubagentListItem {
  const { prompt: _prompt, ...item } = subagent
  return item
}

/** The stored form of a subagent: its capabilities are recomputed from the tools when loaded. */
export function toStoredSubagent(record: SubagentRecord): StoredSubagent {
  return {
    id: record.id,
    account: null,
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

  async deploy(input: SubagentDeployInput): Promise<Subagent> {
    await this.#ready()
    const body = validate(subagentDeploySchema, input, 'subagent')
    const replaced = this.#registry.peek(body.name) !== undefined
    const record = this.#registry.deploy({ name: body.name, prompt: body.prompt, tools: body.tools })
    // A deleted name deployed again is a new subagent: it lists as the newest.
    if (replaced) await this.#storage.remove({ account: null, id: record.id })
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }

  async get(id: string): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    return toSubagent(this.#registry.get(id))
  }

  async list(query: SubagentListQuery = {}): Promise<Page<SubagentListItem>> {
    await this.#ready()
    const filter = validate(subagentListSchema, query, 'query')
    const page = this.#registry.list(filter.type, filter.limit ?? 20, filter.offset ?? 0)
    return { data: page.data.map((record) => listItem(toSubagent(record))), has_more: page.has_more }
  }

  async update(id: string, input: SubagentUpdateInput): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    const body = validate(subagentUpdateSchema, input, 'subagent')
    const record = this.#registry.update(id, body.prompt)
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }

  async delete(id: string): Promise<Subagent> {
    await this.#ready()
    checkId(id)
    const record = this.#registry.delete(id)
    await this.#storage.put(toStoredSubagent(record))
    return toSubagent(record)
  }
}
