import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import type { CapabilityIndex } from '../runtime/capability-index.js'
import type { StoredSubagent } from '../storage/subagent-storage.js'
import type { Page } from '../task/task-types.js'
import { capabilitiesOfTools, matchCapabilities } from './tool-matching.js'
import { isoTime } from '../iso-time.js'

/** A subagent as returned by `runtime.subagents.get()` and `GET /v1/subagents/:id`. */
export interface Subagent {
  id: string
  prompt: string
  type: 'custom' | 'prebuilt'
  /** Names of the tools it may use. */
  tools: string[]
  /** How many capabilities it may call. */
  tools_available: number
  status: 'deployed' | 'deleted'
  created_at: string
  updated_at: string
  deleted_at?: string
}

export type SubagentListItem = Omit<Subagent, 'prompt'>

/** Internal record; capability ids are what the executor enforces. */
export interface SubagentRecord {
  id: string
  prompt: string
  type: 'custom' | 'prebuilt'
  explicitTools: readonly string[] | null
  capabilityIds: ReadonlySet<string>
  status: 'deployed' | 'deleted'
  createdAt: number
  updatedAt: number
  deletedAt: number | null
}


export function toSubagent(record: SubagentRecord): Subagent {
  const tools = [...new Set([...record.capabilityIds].map((id) => id.slice(0, id.indexOf('.'))))]
  return {
    id: record.id,
    prompt: record.prompt,
    type: record.type,
    tools,
    tools_available: record.capabilityIds.size,
    status: record.status,
    created_at: isoTime(record.createdAt),
    updated_at: isoTime(record.updatedAt),
    ...(record.deletedAt === null ? {} : { deleted_at: isoTime(record.deletedAt) }),
  }
}

export interface DeployOptions {
  name: string
  prompt: string
  tools?: readonly string[] | undefined
  type?: 'custom' | 'prebuilt'
  /** Replace a deployed subagent of the same name (prebuilt subagents at every start). */
  replace?: boolean
}

/** Deployed subagents by id, newest first in lists. Deleted ones stay readable for running tasks. */
export class SubagentRegistry {
  readonly #records = new Map<string, SubagentRecord>()
  readonly #index: CapabilityIndex
  readonly #clock: Clock

  constructor(index: CapabilityIndex, clock: Clock) {
    this.#index = index
    this.#clock = clock
  }

  deploy(options: DeployOptions): SubagentRecord {
    const existing = this.#records.get(options.name)
    if (existing && existing.status === 'deployed' && options.replace !== true) {
      throw new InboardError('subagent_already_exists', `A subagent named "${options.name}" is already deployed`, { param: 'name' })
    }
    const now = this.#clock.now()
    const record: SubagentRecord = {
      id: options.name,
      prompt: options.prompt,
      type: options.type ?? 'custom',
      explicitTools: options.tools ? [...options.tools] : null,
      capabilityIds: this.#resolve(options.prompt, options.tools ?? null),
      status: 'deployed',
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    }
    // Re-deploying a deleted name replaces it; Map order keeps insertion, so delete first.
    this.#records.delete(options.name)
    this.#records.set(options.name, record)
    return record
  }

  /** A deployed subagent, or `subagent_not_found`. */
  get(id: string): SubagentRecord {
    const record = this.#records.get(id)
    if (!record || record.status !== 'deployed') {
      throw new InboardError('subagent_not_found', `No subagent with id "${id}"`, { param: 'sub_agent' })
    }
    return record
  }

  /** Any record, deleted included: running tasks keep their subagent's capabilities. */
  peek(id: string): SubagentRecord | undefined {
    return this.#records.get(id)
  }

  deployed(): SubagentRecord[] {
    return [...this.#records.values()].filter((record) => record.status === 'deployed')
  }

  list(type: 'custom' | 'prebuilt' | undefined, limit: number, offset: number): Page<SubagentRecord> {
    const matching = this.deployed()
      .filter((record) => type === undefined || record.type === type)
      .reverse()
    return { data: matching.slice(offset, offset + limit), has_more: matching.length > offset + limit }
  }

  update(id: string, prompt: string): SubagentRecord {
    const record = this.get(id)
    record.prompt = prompt
    record.capabilityIds = this.#resolve(prompt, record.explicitTools)
    record.updatedAt = this.#clock.now()
    return record
  }

  delete(id: string): SubagentRecord {
    const record = this.get(id)
    const now = this.#clock.now()
    record.status = 'deleted'
    record.deletedAt = now
    record.updatedAt = now
    return record
  }

  /**
   * Takes in subagents read from storage (oldest first). Tools named at deploy time that are no
   * longer registered are left out rather than refused: the app may have removed a tool since.
   */
  load(stored: readonly StoredSubagent[]): void {
    for (const subagent of stored) {
      const ids = subagent.tools === null ? new Set(matchCapabilities(subagent.prompt, this.#index)) : new Set(capabilitiesOfTools(subagent.tools, this.#index).ids)
      this.#records.delete(subagent.id)
      this.#records.set(subagent.id, {
        id: subagent.id,
        prompt: subagent.prompt,
        type: subagent.type,
        explicitTools: subagent.tools,
        capabilityIds: ids,
        status: subagent.status,
        createdAt: subagent.createdAt,
        updatedAt: subagent.updatedAt,
        deletedAt: subagent.deletedAt,
      })
    }
  }

  /** Recomputes every subagent's tools, e.g. after a tool was registered. */
  refresh(): void {
    for (const record of this.#records.values()) {
      if (record.status === 'deployed') record.capabilityIds = this.#resolve(record.prompt, record.explicitTools)
    }
  }

  #resolve(prompt: string, tools: readonly string[] | null): Set<string> {
    if (tools === null) return new Set(matchCapabilities(prompt, this.#index))
    const { ids, unknown } = capabilitiesOfTools(tools, this.#index)
    if (unknown.length > 0) {
      throw new InboardError('invalid_request', `Unknown tool${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, { param: 'tools' })
    }
    return new Set(ids)
  }
}
