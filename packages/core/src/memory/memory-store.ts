import Keyv from 'keyv'
import type { Clock } from '../clock.js'
import { MEMORY_SCHEMA_VERSION, memoryEntrySchema, type MemoryEntry } from './memory-entry.js'

/** Whose memory: a subagent (null for tasks without one), a tool, and an account (null when none). */
export interface MemoryScope {
  subagent: string | null
  tool: string
  account: string | null
}

/** The stored document of one scope. */
interface ScopeDocument {
  version: number
  sub_agent: string | null
  tool: string
  account: string | null
  entries: MemoryEntry[]
}

const INDEX_KEY = 'memory:index'
/** Uses are counted in-process and written at most this often, so replays do not write per task. */
const TOUCH_DELAY_MS = 1_000

const keys = new Map<string, Map<string, Map<string, string>>>()

/** The in-process key of a scope (also the suffix of its keyv key); cached, so hot paths allocate nothing. */
export function scopeKey(scope: MemoryScope): string {
  return keyOf(scope.subagent, scope.tool, scope.account)
}

export function keyOf(subagent: string | null, tool: string, account: string | null): string {
  let byTool = keys.get(subagent ?? '')
  if (!byTool) keys.set(subagent ?? '', (byTool = new Map()))
  let byAccount = byTool.get(tool)
  if (!byAccount) byTool.set(tool, (byAccount = new Map()))
  let key = byAccount.get(account ?? '')
  if (key === undefined) {
    key = `${subagent ?? ''}\u001f${tool}\u001f${account ?? ''}`
    if (byAccount.size < 10_000) byAccount.set(account ?? '', key)
  }
  return key
}

const storageKey = (key: string): string => `memory:v${MEMORY_SCHEMA_VERSION}:${key.split('\u001f').map(encodeURIComponent).join(':')}`

/**
 * Execution memory on any keyv backend, behind an in-process cache: reads are synchronous map
 * lookups once {@link MemoryStore.ready} has loaded what the backend holds, and every change is
 * written through. Entries older than `maxAgeMs` (since learned or last used) are dropped.
 */
export class MemoryStore {
  readonly #keyv: Keyv
  readonly #clock: Clock
  readonly #maxAgeMs: number
  readonly #docs = new Map<string, Map<string, MemoryEntry>>()
  readonly #scopes = new Map<string, MemoryScope>()
  readonly #pending = new Set<Promise<unknown>>()
  /** Entries whose use counts changed since the last write. */
  readonly #dirty = new Set<MemoryEntry>()
  readonly #lastUsed = new Map<MemoryEntry, number>()
  #touchTimer: unknown = null
  #tail: Promise<unknown> = Promise.resolve()
  #loading: Promise<void> | null = null
  #ready = false
  /** Called after an entry is stored (learned, revised or imported). */
  onPut: ((entry: MemoryEntry) => void) | null = null
  /** Called after an entry is removed (found stale, or reset). */
  onRemove: ((entry: MemoryEntry) => void) | null = null

  constructor(options: { keyv?: Keyv | undefined; clock: Clock; maxAgeMs: number }) {
    this.#keyv = options.keyv ?? new Keyv()
    this.#clock = options.clock
    this.#maxAgeMs = options.maxAgeMs
  }

  get isReady(): boolean {
    return this.#ready
  }

  /** Loads every stored scope once; later calls return the same promise. */
  ready(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#ready = true
    })
    return this.#loading
  }

  async #load(): Promise<void> {
    const index = ((await this.#keyv.get<string[]>(INDEX_KEY)) ?? []).filter((key) => typeof key === 'string')
    const docs = await Promise.all(index.map((key) => this.#keyv.get<ScopeDocument>(storageKey(key))))
    for (const doc of docs) {
      if (doc?.version !== MEMORY_SCHEMA_VERSION || !Array.isArray(doc.entries)) continue
      for (const raw of doc.entries) {
        const parsed = memoryEntrySchema.safeParse(raw)
        if (parsed.success && !this.#expired(parsed.data) && !this.#has(parsed.data)) this.#insert(parsed.data)
      }
    }
  }

  #has(entry: MemoryEntry): boolean {
    return this.#docs.get(scopeKey(scopeOf(entry)))?.has(entry.id) === true
  }

  /** Formats pending use times into their entries. */
  #settle(): void {
    for (const [entry, at] of this.#lastUsed) entry.last_used_at = new Date(at).toISOString()
    this.#lastUsed.clear()
  }

  #expired(entry: MemoryEntry): boolean {
    const last = Math.max(Date.parse(entry.provenance.learned_at), entry.last_used_at === null ? 0 : Date.parse(entry.last_used_at))
    return this.#clock.now() - last > this.#maxAgeMs
  }

  #insert(entry: MemoryEntry): string {
    const scope = scopeOf(entry)
    const key = scopeKey(scope)
    let doc = this.#docs.get(key)
    if (!doc) {
      doc = new Map()
      this.#docs.set(key, doc)
      this.#scopes.set(key, scope)
    }
    doc.set(entry.id, entry)
    this.onPut?.(entry)
    return key
  }

  /** The entries of one scope (synchronous; empty before {@link ready} resolves). */
  scope(key: string): ReadonlyMap<string, MemoryEntry> | undefined {
    return this.#docs.get(key)
  }

  /** Stores a new or revised entry and writes its scope through. */
  put(entry: MemoryEntry): void {
    const key = this.#insert(entry)
    this.#write(key, true)
  }

  /** Removes one entry (a fact found stale). */
  remove(entry: MemoryEntry): void {
    const key = scopeKey(scopeOf(entry))
    if (!this.#docs.get(key)?.delete(entry.id)) return
    this.onRemove?.(entry)
    this.#write(key, false)
  }

  /** Counts a use; written lazily (the timestamp is formatted only when read or written). */
  touch(entry: MemoryEntry): void {
    entry.uses++
    this.#lastUsed.set(entry, this.#clock.now())
    this.#dirty.add(entry)
    if (this.#touchTimer === null) {
      this.#touchTimer = this.#clock.setTimeout(() => {
        this.#touchTimer = null
        this.#writeDirty()
      }, TOUCH_DELAY_MS)
    }
  }

  /** Every live entry, optionally of one subagent (`undefined` = all, `null` = tasks without one). */
  entries(subagent?: string | null): MemoryEntry[] {
    this.#settle()
    const out: MemoryEntry[] = []
    for (const [key, doc] of this.#docs) {
      if (subagent !== undefined && this.#scopes.get(key)?.subagent !== subagent) continue
      for (const entry of doc.values()) if (!this.#expired(entry)) out.push(entry)
    }
    return out
  }

  /** Forgets a subagent's entries (or one tool's, or one account's); returns what was removed. */
  reset(subagent: string | null, tool?: string, account?: string): MemoryEntry[] {
    const removed: MemoryEntry[] = []
    for (const [key, scope] of this.#scopes) {
      if (scope.subagent !== subagent || (tool !== undefined && scope.tool !== tool) || (account !== undefined && scope.account !== account)) continue
      const doc = this.#docs.get(key)
      if (!doc || doc.size === 0) continue
      removed.push(...doc.values())
      doc.clear()
      for (const entry of removed) this.onRemove?.(entry)
      this.#write(key, false)
    }
    return removed
  }

  /** Resolves when every write has reached the backend. */
  async flush(): Promise<void> {
    if (this.#touchTimer !== null) {
      this.#clock.clearTimeout(this.#touchTimer)
      this.#touchTimer = null
    }
    this.#writeDirty()
    while (this.#pending.size > 0) await Promise.all([...this.#pending])
  }

  #writeDirty(): void {
    const scopes = new Set([...this.#dirty].map((entry) => scopeKey(scopeOf(entry))))
    this.#dirty.clear()
    for (const key of scopes) if (this.#scopes.has(key)) this.#write(key, false)
  }

  #write(key: string, maybeNew: boolean): void {
    this.#settle()
    const scope = this.#scopes.get(key)!
    const doc: ScopeDocument = { version: MEMORY_SCHEMA_VERSION, sub_agent: scope.subagent, tool: scope.tool, account: scope.account, entries: [...(this.#docs.get(key)?.values() ?? [])] }
    // Writes are chained so a later state never lands before an earlier one, nor two index updates race.
    const write = this.#tail.then(async () => {
      await this.#keyv.set(storageKey(key), doc)
      if (maybeNew) {
        const index = (await this.#keyv.get<string[]>(INDEX_KEY)) ?? []
        if (!index.includes(key)) await this.#keyv.set(INDEX_KEY, [...index, key])
      }
    })
    this.#tail = write.catch(() => undefined)
    this.#pending.add(write)
    void write.finally(() => this.#pending.delete(write))
  }
}

/** The scope an entry belongs to. */
export function scopeOf(entry: Pick<MemoryEntry, 'sub_agent' | 'tool' | 'account'>): MemoryScope {
  return { subagent: entry.sub_agent, tool: entry.tool, account: entry.account }
}
