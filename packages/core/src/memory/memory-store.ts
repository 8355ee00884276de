import type { Clock } from '../clock.js'
import { MEMORY_SCHEMA_VERSION, memoryEntrySchema, type MemoryEntry } from './memory-entry.js'

/** Whose memory: a subagent (null for tasks without one), a tool, and an account (null when none). */
export interface MemoryScope {
  subagent: string | null
  tool: string
  account: string | null
}

/**
 * What memory needs from its backend: get, set and delete by key (any keyv instance fits). No
 * listing: the store keeps its own count of slots.
 */
export interface MemoryBackend {
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<unknown>
  delete(key: string): Promise<unknown>
}

const NO_BACKEND: MemoryBackend = { get: async () => undefined, set: async () => true, delete: async () => true }

/**
 * Every entry is one key (`memory:entry:<slot>`); `memory:entries` records how many slots exist.
 * Learning a fact writes that fact alone, so its cost does not grow with what a scope holds.
 */
const HEAD_KEY = 'memory:entries'
const slotKey = (slot: number): string => `memory:entry:${slot}`
interface StoredHead {
  version: number
  slots: number
}
interface StoredEntry {
  version: number
  entry: unknown
}

/** The layout before entries were stored one by one: an index of scopes, one document per scope. */
const LEGACY_INDEX_KEY = 'memory:index'
const legacyKey = (key: string): string =>
  `memory:v${MEMORY_SCHEMA_VERSION}:${key.split('\u001f').map(encodeURIComponent).join(':')}`

/** Uses are counted in-process and written at most this often, so replays do not write per task. */
const TOUCH_DELAY_MS = 1_000
/** Writes in flight at once; the rest wait in the (coalescing, so bounded) dirty set. */
const WRITE_BATCH = 64
const LOAD_BATCH = 256

/**
 * Scope keys by subagent, tool and account, so hot paths allocate nothing. Subagents and accounts
 * come and go, so the cache is bounded: past {@link MAX_CACHED_KEYS} entries it starts over (keys
 * are plain strings, so one built again equals the one it replaces).
 */
const keys = new Map<string, Map<string, Map<string, string>>>()
const MAX_CACHED_KEYS = 10_000
let cached = 0

/** The in-process key of a scope; cached, so hot paths allocate nothing. */
export function scopeKey(scope: MemoryScope): string {
  return keyOf(scope.subagent, scope.tool, scope.account)
}

export function keyOf(subagent: string | null, tool: string, account: string | null): string {
  const key = keys
    .get(subagent ?? '')
    ?.get(tool)
    ?.get(account ?? '')
  if (key !== undefined) return key
  if (cached >= MAX_CACHED_KEYS) {
    keys.clear()
    cached = 0
  }
  let byTool = keys.get(subagent ?? '')
  if (!byTool) keys.set(subagent ?? '', (byTool = new Map<string, Map<string, string>>()))
  let byAccount = byTool.get(tool)
  if (!byAccount) byTool.set(tool, (byAccount = new Map<string, string>()))
  const built = `${subagent ?? ''}\u001f${tool}\u001f${account ?? ''}`
  byAccount.set(account ?? '', built)
  cached++
  return built
}

/** Scope keys held by the cache (for tests of its bound). */
export function cachedScopeKeys(): number {
  let count = 0
  for (const byTool of keys.values()) for (const byAccount of byTool.values()) count += byAccount.size
  return count
}

const lastTouched = (entry: MemoryEntry): number =>
  Math.max(Date.parse(entry.provenance.learned_at), entry.last_used_at === null ? 0 : Date.parse(entry.last_used_at))
const slotId = (scope: string, id: string): string => `${scope}\u001e${id}`

/**
 * Execution memory on a key-value backend, behind an in-process cache: reads are synchronous map
 * lookups once {@link MemoryStore.ready} has loaded what the backend holds, and every change is
 * written through, one key per entry. Pending writes coalesce per entry, so the queue never holds
 * more than one write per stored entry however fast tasks learn. Entries older than `maxAgeMs`
 * (since learned or last used) are dropped.
 */
export class MemoryStore {
  readonly #backend: MemoryBackend
  readonly #clock: Clock
  readonly #maxAgeMs: number
  readonly #docs = new Map<string, Map<string, MemoryEntry>>()
  readonly #scopes = new Map<string, MemoryScope>()
  /** Which backend slot holds each entry (by scope and id); freed slots are reused. */
  readonly #slots = new Map<string, number>()
  readonly #free: number[] = []
  #slotCount = 0
  #headDirty = false
  /** Writes not yet sent: the entry to store in a slot, or null to delete it. */
  readonly #queued = new Map<number, MemoryEntry | null>()
  #writing: Promise<void> | null = null
  #failure: { error: unknown } | null = null
  /** Entries whose use counts changed since the last write. */
  readonly #dirty = new Set<MemoryEntry>()
  readonly #lastUsed = new Map<MemoryEntry, number>()
  #touchTimer: unknown = null
  #loading: Promise<void> | null = null
  #ready = false
  /** Called after an entry is stored (learned, revised or imported). */
  onPut: ((entry: MemoryEntry) => void) | null = null
  /** Called after an entry is removed (found stale, or reset). */
  onRemove: ((entry: MemoryEntry) => void) | null = null

  constructor(options: { backend?: MemoryBackend | undefined; clock: Clock; maxAgeMs: number }) {
    // Without a backend the in-process maps are the memory: a second in-memory copy would only cost.
    this.#backend = options.backend ?? NO_BACKEND
    this.#clock = options.clock
    this.#maxAgeMs = options.maxAgeMs
  }

  get isReady(): boolean {
    return this.#ready
  }

  /** Writes waiting to be sent to the backend (at most one per stored entry, plus deletions). */
  get queuedWrites(): number {
    return this.#queued.size
  }

  /** Loads every stored entry once; later calls return the same promise. */
  ready(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#ready = true
    })
    return this.#loading
  }

  async #load(): Promise<void> {
    const head = (await this.#backend.get(HEAD_KEY)) as StoredHead | undefined
    const count =
      head?.version === MEMORY_SCHEMA_VERSION && Number.isSafeInteger(head.slots) && head.slots > 0 ? head.slots : 0
    this.#slotCount = count
    const loaded: Array<[MemoryEntry, number]> = []
    for (let start = 0; start < count; start += LOAD_BATCH) {
      const slots = Array.from({ length: Math.min(LOAD_BATCH, count - start) }, (_, i) => start + i)
      const stored = await Promise.all(
        slots.map(async (slot) => (await this.#backend.get(slotKey(slot))) as StoredEntry | undefined),
      )
      for (const [i, slot] of slots.entries()) {
        const record = stored[i]
        const parsed = record?.version === MEMORY_SCHEMA_VERSION ? memoryEntrySchema.safeParse(record.entry) : null
        if (parsed?.success && !this.#expired(parsed.data)) {
          loaded.push([parsed.data, slot])
          continue
        }
        this.#free.push(slot)
        if (record !== undefined) this.#queued.set(slot, null)
      }
    }
    // Least recently touched first, so whoever keeps entries in insertion order has them by recency.
    loaded.sort(([a], [b]) => lastTouched(a) - lastTouched(b))
    for (const [entry, slot] of loaded) {
      if (this.#has(entry)) {
        this.#free.push(slot)
        this.#queued.set(slot, null)
      } else this.#slots.set(slotId(this.#insert(entry), entry.id), slot)
    }
    this.#free.sort((a, b) => a - b)
    await this.#migrateLegacy()
    this.#drain()
  }

  /** Moves memory kept in the old one-document-per-scope layout into entries, then removes it. */
  async #migrateLegacy(): Promise<void> {
    const index = await this.#backend.get(LEGACY_INDEX_KEY)
    if (!Array.isArray(index)) return
    const scopes = index.filter((key): key is string => typeof key === 'string')
    const docs = (await Promise.all(scopes.map((key) => this.#backend.get(legacyKey(key))))) as Array<
      { version?: unknown; entries?: unknown } | undefined
    >
    for (const doc of docs) {
      if (doc?.version !== MEMORY_SCHEMA_VERSION || !Array.isArray(doc.entries)) continue
      for (const raw of doc.entries) {
        const parsed = memoryEntrySchema.safeParse(raw)
        if (parsed.success && !this.#expired(parsed.data) && !this.#has(parsed.data)) this.put(parsed.data)
      }
    }
    this.#drain()
    await this.#writing
    await Promise.all(scopes.map((key) => this.#backend.delete(legacyKey(key))))
    await this.#backend.delete(LEGACY_INDEX_KEY)
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
    return this.#clock.now() - lastTouched(entry) > this.#maxAgeMs
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

  /** Stores a new or revised entry and writes it (alone) through. */
  put(entry: MemoryEntry): void {
    const id = slotId(this.#insert(entry), entry.id)
    let slot = this.#slots.get(id)
    if (slot === undefined) {
      slot = this.#free.shift() ?? this.#newSlot()
      this.#slots.set(id, slot)
    }
    this.#queue(slot, entry)
  }

  #newSlot(): number {
    this.#headDirty = true
    return this.#slotCount++
  }

  /** Removes one entry (a fact found stale). */
  remove(entry: MemoryEntry): void {
    const key = scopeKey(scopeOf(entry))
    if (!this.#docs.get(key)?.delete(entry.id)) return
    this.#release(key, entry)
    this.onRemove?.(entry)
  }

  #release(key: string, entry: MemoryEntry): void {
    this.#dirty.delete(entry)
    this.#lastUsed.delete(entry)
    const id = slotId(key, entry.id)
    const slot = this.#slots.get(id)
    if (slot === undefined) return
    this.#slots.delete(id)
    this.#free.push(slot)
    this.#queue(slot, null)
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
      if (
        scope.subagent !== subagent ||
        (tool !== undefined && scope.tool !== tool) ||
        (account !== undefined && scope.account !== account)
      )
        continue
      const doc = this.#docs.get(key)
      if (!doc || doc.size === 0) continue
      const entries = [...doc.values()]
      doc.clear()
      for (const entry of entries) {
        this.#release(key, entry)
        this.onRemove?.(entry)
      }
      removed.push(...entries)
    }
    return removed
  }

  /**
   * Resolves when every write has reached the backend, or after `withinMs` (on the runtime's clock)
   * with `false`: what is still queued keeps being written in the background.
   */
  async flush(withinMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.#touchTimer !== null) {
      this.#clock.clearTimeout(this.#touchTimer)
      this.#touchTimer = null
    }
    this.#writeDirty()
    const done = (async () => {
      while (this.#writing) await this.#writing
      const failure = this.#failure
      this.#failure = null
      if (failure) throw failure.error
      return true
    })()
    if (!Number.isFinite(withinMs)) return done
    let timer: unknown
    const late = new Promise<boolean>(
      (resolve) => (timer = this.#clock.setTimeout(() => resolve(false), Math.max(0, withinMs))),
    )
    try {
      return await Promise.race([done, late])
    } finally {
      this.#clock.clearTimeout(timer)
    }
  }

  #writeDirty(): void {
    for (const entry of this.#dirty) {
      const slot = this.#slots.get(slotId(scopeKey(scopeOf(entry)), entry.id))
      if (slot !== undefined) this.#queue(slot, entry)
    }
    this.#dirty.clear()
  }

  #queue(slot: number, entry: MemoryEntry | null): void {
    if (this.#backend === NO_BACKEND) return
    // A later state of the same slot replaces one not yet sent: one pending write per slot at most.
    this.#queued.delete(slot)
    this.#queued.set(slot, entry)
    // Nothing is written before the load: it could overwrite slots it has not read yet.
    if (this.#ready) this.#drain()
  }

  /** One writer at a time sends batches until nothing is queued; slots are written in the order queued. */
  #drain(): void {
    if (this.#writing !== null) return
    this.#writing = (async () => {
      while (this.#queued.size > 0 || this.#headDirty) {
        this.#settle()
        const batch: Array<Promise<unknown>> = []
        if (this.#headDirty) {
          this.#headDirty = false
          batch.push(
            this.#backend.set(HEAD_KEY, {
              version: MEMORY_SCHEMA_VERSION,
              slots: this.#slotCount,
            } satisfies StoredHead),
          )
        }
        for (const [slot, entry] of this.#queued) {
          if (batch.length >= WRITE_BATCH) break
          this.#queued.delete(slot)
          batch.push(
            entry === null
              ? this.#backend.delete(slotKey(slot))
              : this.#backend.set(slotKey(slot), { version: MEMORY_SCHEMA_VERSION, entry } satisfies StoredEntry),
          )
        }
        const results = await Promise.allSettled(batch)
        const rejected = results.find((result) => result.status === 'rejected')
        if (rejected) this.#failure ??= { error: rejected.reason }
      }
    })().finally(() => {
      this.#writing = null
    })
  }
}

/** The scope an entry belongs to. */
export function scopeOf(entry: Pick<MemoryEntry, 'sub_agent' | 'tool' | 'account'>): MemoryScope {
  return { subagent: entry.sub_agent, tool: entry.tool, account: entry.account }
}
