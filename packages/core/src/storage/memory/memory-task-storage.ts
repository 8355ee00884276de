import { InboardError } from '../../errors/inboard-error.js'
import { Deque } from '../../scheduler/deque.js'
import { isTerminal } from '../../task/task-machine.js'
import type { Page } from '../../task/task-types.js'
import type { StoredTask } from '../stored-task.js'
import type {
  PageRequest,
  StoredTaskFilter,
  TaskClaimOptions,
  TaskPruneOptions,
  TaskStorage,
  TaskUpdateResult,
} from '../task-storage.js'
import { copyTask } from './copy-task.js'
import { jsonLength } from './json-length.js'

interface Row {
  task: StoredTask
  seq: number
  deleted: boolean
  /** Size as JSON once the task is finished (its stored form no longer grows), else 0. */
  bytes: number
}

/** A finished task's size as JSON, in UTF-16 code units: close to its bytes, and what memory holds. */
function sizeOf(task: StoredTask): number {
  try {
    return jsonLength(task)
  } catch {
    return 0
  }
}

function matches(task: StoredTask, filter: StoredTaskFilter): boolean {
  return (
    (filter.status === undefined || task.status === filter.status) &&
    (filter.subAgent === undefined || task.subAgent === filter.subAgent) &&
    (filter.userId === undefined || task.userId === filter.userId) &&
    (filter.account === undefined || task.account === filter.account)
  )
}

const before = (a: Row, b: Row): boolean =>
  a.task.createdAt < b.task.createdAt || (a.task.createdAt === b.task.createdAt && a.seq < b.seq)

/**
 * Tasks in a map plus an array in listing order (oldest first; appended to in the usual case where
 * tasks arrive in time order). Deleted rows are flagged and compacted away in bulk, and finished
 * tasks queue in the order they ended, so retention costs O(1) per task.
 */
export class MemoryTaskStorage implements TaskStorage {
  readonly #rows = new Map<string, Row>()
  #order: Row[] = []
  #deletedInOrder = 0
  readonly #finished = new Deque<Row>()
  #finishedCount = 0
  #finishedBytes = 0
  #seq = 0

  async insert(task: StoredTask): Promise<void> {
    if (this.#rows.has(task.id)) throw new InboardError('storage_conflict', `A task with id ${task.id} already exists`)
    const row: Row = { task: copyTask(task), seq: this.#seq++, deleted: false, bytes: 0 }
    this.#rows.set(task.id, row)
    let at = this.#order.length
    while (at > 0 && before(row, this.#order[at - 1]!)) at--
    if (at === this.#order.length) this.#order.push(row)
    else this.#order.splice(at, 0, row)
    if (isTerminal(row.task.status)) this.#finish(row)
  }

  async get(id: string): Promise<StoredTask | null> {
    const row = this.#rows.get(id)
    return row ? copyTask(row.task) : null
  }

  async update(task: StoredTask, expectedVersion: number): Promise<TaskUpdateResult> {
    const row = this.#rows.get(task.id)
    if (!row) return { ok: false, currentVersion: null }
    if (row.task.version !== expectedVersion) return { ok: false, currentVersion: row.task.version }
    const wasTerminal = isTerminal(row.task.status)
    row.task = copyTask(task)
    row.task.version = expectedVersion + 1
    if (!wasTerminal && isTerminal(row.task.status)) this.#finish(row)
    else if (wasTerminal) {
      this.#finishedBytes -= row.bytes
      row.bytes = sizeOf(row.task)
      this.#finishedBytes += row.bytes
    }
    return { ok: true, version: row.task.version }
  }

  async list(filter: StoredTaskFilter, page: PageRequest): Promise<Page<StoredTask>> {
    const data: StoredTask[] = []
    let skipped = 0
    for (let i = this.#order.length - 1; i >= 0; i--) {
      const row = this.#order[i]!
      if (row.deleted || !matches(row.task, filter)) continue
      if (skipped < page.offset) {
        skipped++
        continue
      }
      if (data.length === page.limit) return { data, has_more: true }
      data.push(copyTask(row.task))
    }
    return { data, has_more: false }
  }

  async delete(ids: readonly string[]): Promise<number> {
    let deleted = 0
    for (const id of ids) if (this.#remove(id)) deleted++
    return deleted
  }

  async prune(options: TaskPruneOptions): Promise<number> {
    let deleted = 0
    for (;;) {
      const first = this.#finished.shift()
      if (!first) break
      if (first.deleted || this.#rows.get(first.task.id) !== first) continue
      const withinBytes = options.maxFinishedBytes === undefined || this.#finishedBytes <= options.maxFinishedBytes
      if (
        (first.task.endedAt ?? 0) >= options.endedBefore &&
        this.#finishedCount <= options.maxFinished &&
        withinBytes
      ) {
        this.#finished.unshift(first)
        break
      }
      if (this.#remove(first.task.id)) deleted++
    }
    return deleted
  }

  async claim(options: TaskClaimOptions): Promise<StoredTask[]> {
    const claimed: StoredTask[] = []
    const statuses = new Set(options.statuses)
    const excluded = new Set(options.exclude)
    const candidates = [...this.#rows.values()]
      .filter(
        ({ task }) =>
          statuses.has(task.status) &&
          !excluded.has(task.id) &&
          (task.owner === null ||
            (task.leaseExpiresAt ?? 0) <= options.now ||
            (options.includeOwn === true && task.owner === options.owner)),
      )
      .sort((a, b) => a.task.createdAt - b.task.createdAt || a.seq - b.seq)
    for (const row of candidates.slice(0, options.limit)) {
      row.task.owner = options.owner
      row.task.leaseExpiresAt = options.until
      row.task.version++
      claimed.push(copyTask(row.task))
    }
    return claimed
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    const renewed: string[] = []
    for (const id of ids) {
      const row = this.#rows.get(id)
      if (row?.task.owner !== owner) continue
      row.task.leaseExpiresAt = until
      renewed.push(id)
    }
    return renewed
  }

  #finish(row: Row): void {
    this.#finished.push(row)
    this.#finishedCount++
    row.bytes = sizeOf(row.task)
    this.#finishedBytes += row.bytes
  }

  #remove(id: string): boolean {
    const row = this.#rows.get(id)
    if (!row) return false
    this.#rows.delete(id)
    row.deleted = true
    if (isTerminal(row.task.status)) {
      this.#finishedCount--
      this.#finishedBytes -= row.bytes
    }
    // Compact once deleted rows are the larger part, so listing stays proportional to live tasks.
    if (++this.#deletedInOrder > 64 && this.#deletedInOrder * 2 > this.#order.length) {
      this.#order = this.#order.filter((entry) => !entry.deleted)
      this.#deletedInOrder = 0
    }
    return true
  }
}
