import type { Page, TaskStatus } from '../task/task-types.js'
import type { StoredTask } from './stored-task.js'

/** Filters of {@link TaskStorage.list}; every field given must match exactly. */
export interface StoredTaskFilter {
  status?: TaskStatus | undefined
  subAgent?: string | undefined
  userId?: string | undefined
  /** A string matches that account, `null` only tasks without one; `undefined` does not filter. */
  account?: string | null | undefined
}

/** Paging of {@link TaskStorage.list}. */
export interface PageRequest {
  /** At most this many items (a positive integer). */
  limit: number
  /** Skip this many matching items first. */
  offset: number
}

/** The outcome of {@link TaskStorage.update}. */
export type TaskUpdateResult =
  /** Stored; `version` is the task's new version (`expectedVersion + 1`). */
  | { ok: true; version: number }
  /** Refused and nothing written: the stored version differs (`currentVersion`), or the task is gone (`null`). */
  | { ok: false; currentVersion: number | null }

/** Options of {@link TaskStorage.claim}. */
export interface TaskClaimOptions {
  /** Who claims: a runtime instance id. */
  owner: string
  /** Only tasks in these statuses are claimed (the runtime asks for `pending` and `running`). */
  statuses: readonly TaskStatus[]
  /** The current time (epoch ms on the runtime's clock): a lease with `leaseExpiresAt <= now` has expired. */
  now: number
  /** The claimed tasks' new `leaseExpiresAt`. */
  until: number
  /** At most this many tasks, oldest `createdAt` first. */
  limit: number
  /**
   * Also claim tasks that `owner` itself holds, whatever their lease says. A process that restarts
   * under the same owner id knows its earlier incarnation is gone and need not wait out its leases.
   * @default false
   */
  includeOwn?: boolean
  /**
   * Ids not to claim, whatever their lease says. A runtime claiming in pages passes the ids it has
   * claimed so far in the same sweep: a task claimed with `includeOwn` is still held by `owner`, so
   * without this the next page would take the same oldest tasks again and never reach the rest.
   * @default none
   */
  exclude?: readonly string[]
}

/** Options of {@link TaskStorage.prune}: how long finished tasks stay readable. */
export interface TaskPruneOptions {
  /** Delete terminal tasks (complete, failed, cancelled) whose `endedAt` is before this (epoch ms). */
  endedBefore: number
  /** Then keep at most this many terminal tasks, deleting the ones that ended first. */
  maxFinished: number
  /**
   * Then keep at most this many bytes of terminal tasks (as JSON), deleting the ones that ended
   * first. Storages that keep tasks in memory honour it; durable ones may ignore it.
   */
  maxFinishedBytes?: number
}

/**
 * Where tasks, their traces and their run progress live. Every method is asynchronous and returns
 * copies: the runtime never sees an object the storage keeps, and the storage never keeps an object
 * the runtime passed in (it may serialise, or clone). Implementations reject with an `InboardError`
 * of code `storage_unavailable` when the database cannot be reached or written (locked, read-only,
 * disk full, connection lost); they never throw synchronously.
 *
 * What a database implementation needs: a primary key on `id`; an insertion sequence (an
 * autoincrement rowid or bigserial) for the listing order; an index serving listing newest first
 * per filter (at least `(account, created_at, seq)`); an index on `(status, lease_expires_at)` for
 * claims; an index on `ended_at` for pruning.
 */
export interface TaskStorage {
  /**
   * Stores a new task, with the `version`, `owner` and `leaseExpiresAt` given (the runtime inserts
   * version 1). The promise resolves only once the row is committed: the runtime acknowledges a task
   * to its caller after it. Rejects with `storage_conflict` when a task with this id exists.
   */
  insert(task: StoredTask): Promise<void>

  /** The task with this id, or null. Any string may be passed; an unknown one resolves to null. */
  get(id: string): Promise<StoredTask | null>

  /**
   * Replaces the stored task with `task` only if its stored version is still `expectedVersion`
   * (compare-and-set, atomically: `UPDATE … WHERE id = ? AND version = ?`). The stored version
   * becomes `expectedVersion + 1`, whatever `task.version` says; every other field, `owner` and
   * `leaseExpiresAt` included, is written as given. A refusal writes nothing and is a result, not
   * a rejection.
   */
  update(task: StoredTask, expectedVersion: number): Promise<TaskUpdateResult>

  /**
   * A page of tasks matching `filter`, newest first: `createdAt` descending, and for equal
   * `createdAt` the later inserted first. `has_more` is exact: true only when at least one more
   * matching task follows the page (fetch `limit + 1` rows to know).
   */
  list(filter: StoredTaskFilter, page: PageRequest): Promise<Page<StoredTask>>

  /** Deletes these tasks; unknown ids are ignored. Resolves with how many were deleted. */
  delete(ids: readonly string[]): Promise<number>

  /** Applies retention (see {@link TaskPruneOptions}); resolves with how many tasks were deleted. */
  prune(options: TaskPruneOptions): Promise<number>

  /**
   * Takes over tasks nobody holds: those in `statuses` whose `owner` is null or whose lease has
   * expired (`leaseExpiresAt <= now`), plus, with `includeOwn`, those `owner` holds; never those in
   * `exclude`. Each claimed
   * task gets `owner`, `leaseExpiresAt = until` and `version + 1` (so a write by the previous owner,
   * made against the old version, is refused), atomically per task: two concurrent claims never
   * both get the same task. Resolves with the claimed tasks as stored after the claim.
   */
  claim(options: TaskClaimOptions): Promise<StoredTask[]>

  /**
   * Extends the leases `owner` still holds among `ids` to `until`. Does not change `version` (a
   * renewal must not make the owner's own next write stale). Resolves with the ids renewed; an id
   * missing from the answer was claimed by another owner (or deleted) and its run must stop.
   */
  renew(owner: string, ids: readonly string[], until: number): Promise<string[]>
}
