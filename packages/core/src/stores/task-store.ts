import type { TaskRecord } from '../task/task-record.js'
import type { Page, TaskStatus } from '../task/task-types.js'

/** Filters of a task listing. */
export interface TaskFilter {
  status?: TaskStatus | undefined
  subAgent?: string | undefined
  userId?: string | undefined
  account?: string | null | undefined
}

/**
 * Where tasks and their traces live. The runtime mutates records it got from `get`/`insert` and
 * calls `save` after every change, so a store may keep references (in memory) or serialise.
 */
export interface TaskStore {
  insert(task: TaskRecord): void
  get(id: string): TaskRecord | undefined
  save(task: TaskRecord): void
  delete(id: string): void
  /** Newest first; `has_more` exact. */
  list(filter: TaskFilter, limit: number, offset: number): Page<TaskRecord>
}

function matches(task: TaskRecord, filter: TaskFilter): boolean {
  return (
    (filter.status === undefined || task.status === filter.status) &&
    (filter.subAgent === undefined || task.subAgent === filter.subAgent) &&
    (filter.userId === undefined || task.userId === filter.userId) &&
    (filter.account === undefined || task.account === filter.account)
  )
}

/** The default store: a Map in insertion (creation) order. */
export class MemoryTaskStore implements TaskStore {
  readonly #tasks = new Map<string, TaskRecord>()

  insert(task: TaskRecord): void {
    this.#tasks.set(task.id, task)
  }

  get(id: string): TaskRecord | undefined {
    return this.#tasks.get(id)
  }

  save(task: TaskRecord): void {
    if (!this.#tasks.has(task.id)) this.#tasks.set(task.id, task)
  }

  delete(id: string): void {
    this.#tasks.delete(id)
  }

  list(filter: TaskFilter, limit: number, offset: number): Page<TaskRecord> {
    const all = [...this.#tasks.values()]
    const data: TaskRecord[] = []
    let skipped = 0
    for (let i = all.length - 1; i >= 0; i--) {
      const task = all[i]!
      if (!matches(task, filter)) continue
      if (skipped < offset) {
        skipped++
        continue
      }
      if (data.length === limit) return { data, has_more: true }
      data.push(task)
    }
    return { data, has_more: false }
  }
}
