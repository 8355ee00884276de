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
  /** The capabilities it may call (`tool.capability`), sorted; omitted from list items. */
  capabilities: string[]
  status: 'deployed' | 'deleted'
  created_at: string
  updated_at: string
  deleted_at?: string
}

export type SubagentListItem = Omit<Subagent, 'prompt' | 'capabilities'>

/** Internal record; capability ids are what the executor enforces. */
export interface SubagentRecord {
  id: string
  /** The scope it belongs to; null for unscoped and prebuilt subagents. */
  account: string | null
  prompt: string
  type: 'custom' | 'prebuilt'
  explicitTools: readonly string[] | null
  capabilityIds: ReadonlySet<string>
  status: 'deployed' | 'deleted'
  createdAt: number
  updatedAt: number
  deletedAt: number | null
  /** When it was first stored, across every scope: the listing order. */
  seq: number
}

export function toSubagent(record: SubagentRecord): Subagent {
  const tools = [...new Set([...record.capabilityIds].map((id) => id.slice(0, id.indexOf('.'))))]
  return {
    id: record.id,
    prompt: record.prompt,
    type: record.type,
    tools,
    tools_available: record.capabilityIds.size,
    capabilities: [...record.capabilityIds].sort(),
    status: record.status,
    created_at: isoTime(record.createdAt),
    updated_at: isoTime(record.updatedAt),
    ...(record.deletedAt === null ? {} : { deleted_at: isoTime(record.deletedAt) }),
  }
}

export interface DeployOptions {
  name: string
  /** The scope to deploy into; null for unscoped (and prebuilt) subagents. */
  account: string | null
  prompt: string
  tools?: readonly string[] | undefined
  type?: 'custom' | 'prebuilt'
  /** Replace a deployed subagent of the same name (prebuilt subagents at every start). */
  replace?: boolean
}

const notFound = (id: string): InboardError =>
  new InboardError('subagent_not_found', `No subagent with id "${id}"`, { param: 'sub_agent' })

/**
 * Deployed subagents by scope and name, newest first in lists. Each account has its own names;
 * the unscoped subagents (account null) are one more scope, and the prebuilt ones among them are
 * visible from every scope, read-only there. Deleted subagents stay readable for running tasks.
 */
export class SubagentRegistry {
  readonly #scopes = new Map<string | null, Map<string, SubagentRecord>>()
  readonly #index: CapabilityIndex
  readonly #clock: Clock
  #seq = 0

  constructor(index: CapabilityIndex, clock: Clock) {
    this.#index = index
    this.#clock = clock
  }

  deploy(options: DeployOptions): SubagentRecord {
    const existing = this.own(options.account, options.name)
    if (existing && existing.status === 'deployed' && options.replace !== true) {
      throw new InboardError('subagent_already_exists', `A subagent named "${options.name}" is already deployed`, {
        param: 'name',
      })
    }
    // A prebuilt name is taken in every scope: a task naming it must not find another subagent.
    if (options.account !== null && this.#prebuilt(options.name)?.status === 'deployed') {
      throw new InboardError(
        'subagent_already_exists',
        `A prebuilt subagent is named "${options.name}"; choose another name`,
        { param: 'name' },
      )
    }
    const now = this.#clock.now()
    return this.#set({
      id: options.name,
      account: options.account,
      prompt: options.prompt,
      type: options.type ?? 'custom',
      explicitTools: options.tools ? [...options.tools] : null,
      capabilityIds: this.#resolve(options.prompt, options.tools ?? null),
      status: 'deployed',
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      seq: ++this.#seq,
    })
  }

  /** A deployed subagent visible from `account` (its own, or a prebuilt one), or `subagent_not_found`. */
  get(account: string | null, id: string): SubagentRecord {
    const own = this.own(account, id)
    if (own?.status === 'deployed') return own
    const prebuilt = account === null ? undefined : this.#prebuilt(id)
    if (prebuilt?.status === 'deployed') return prebuilt
    throw notFound(id)
  }

  /** The record a task of `account` runs with, deleted included: running tasks keep their subagent's capabilities. */
  peek(account: string | null, id: string): SubagentRecord | undefined {
    return this.own(account, id) ?? (account === null ? undefined : this.#prebuilt(id))
  }

  /** The scope's own record of that name, deleted included; never a prebuilt one seen from another scope. */
  own(account: string | null, id: string): SubagentRecord | undefined {
    return this.#scopes.get(account)?.get(id)
  }

  /** Deployed subagents visible from `account`, oldest first. */
  deployed(account: string | null): SubagentRecord[] {
    const isDeployed = (record: SubagentRecord): boolean => record.status === 'deployed'
    const own = [...(this.#scopes.get(account)?.values() ?? [])].filter(isDeployed)
    const prebuilt =
      account === null
        ? []
        : [...(this.#scopes.get(null)?.values() ?? [])].filter(
            (record) => record.type === 'prebuilt' && isDeployed(record),
          )
    return [...own, ...prebuilt].sort((a, b) => a.seq - b.seq)
  }

  list(
    account: string | null,
    filter: { type: 'custom' | 'prebuilt' | undefined; limit: number; offset: number },
  ): Page<SubagentRecord> {
    const { type, limit, offset } = filter
    const matching = this.deployed(account)
      .filter((record) => type === undefined || record.type === type)
      .reverse()
    return { data: matching.slice(offset, offset + limit), has_more: matching.length > offset + limit }
  }

  update(account: string | null, id: string, prompt: string): SubagentRecord {
    const record = this.#writable(account, id)
    record.prompt = prompt
    record.capabilityIds = this.#resolve(prompt, record.explicitTools)
    record.updatedAt = this.#clock.now()
    return record
  }

  delete(account: string | null, id: string): SubagentRecord {
    const record = this.#writable(account, id)
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
      const ids =
        subagent.tools === null
          ? new Set(matchCapabilities(subagent.prompt, this.#index))
          : new Set(capabilitiesOfTools(subagent.tools, this.#index).ids)
      this.#set({
        id: subagent.id,
        account: subagent.account,
        prompt: subagent.prompt,
        type: subagent.type,
        explicitTools: subagent.tools,
        capabilityIds: ids,
        status: subagent.status,
        createdAt: subagent.createdAt,
        updatedAt: subagent.updatedAt,
        deletedAt: subagent.deletedAt,
        seq: ++this.#seq,
      })
    }
  }

  /** Recomputes every subagent's tools, e.g. after a tool was registered. */
  refresh(): void {
    for (const scope of this.#scopes.values()) {
      for (const record of scope.values()) {
        if (record.status === 'deployed') record.capabilityIds = this.#resolve(record.prompt, record.explicitTools)
      }
    }
  }

  #set(record: SubagentRecord): SubagentRecord {
    let scope = this.#scopes.get(record.account)
    if (!scope) this.#scopes.set(record.account, (scope = new Map<string, SubagentRecord>()))
    scope.set(record.id, record)
    return record
  }

  #prebuilt(id: string): SubagentRecord | undefined {
    const record = this.#scopes.get(null)?.get(id)
    return record?.type === 'prebuilt' ? record : undefined
  }

  /** A subagent the caller may change: prebuilt ones are changed only without a scope (by the app itself). */
  #writable(account: string | null, id: string): SubagentRecord {
    const record = this.get(account, id)
    if (record.account !== account) {
      throw new InboardError(
        'subagent_read_only',
        `Subagent "${id}" is prebuilt: it ships with the app and cannot be changed or deleted through an API key`,
        {
          param: 'sub_agent',
          suggestion: 'Deploy a subagent of your own under another name',
        },
      )
    }
    return record
  }

  #resolve(prompt: string, tools: readonly string[] | null): Set<string> {
    if (tools === null) return new Set(matchCapabilities(prompt, this.#index))
    const { ids, unknown } = capabilitiesOfTools(tools, this.#index)
    if (unknown.length > 0) {
      throw new InboardError('invalid_request', `Unknown tool${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
        param: 'tools',
      })
    }
    return new Set(ids)
  }
}
