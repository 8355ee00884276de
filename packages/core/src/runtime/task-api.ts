import type { Page, Task, TaskListItem, Trace } from '../task/task-types.js'
import type { TaskCreateInput, TaskInputBody, TaskListQuery } from './schemas.js'

/**
 * Limits a call to one account's tasks and subagents: others look like they do not exist.
 * `@inboard/http` passes `account:environment`, so a key's test and live data stay apart too.
 */
export interface TaskScope {
  account?: string | null
}

/** Options of {@link TaskApi.wait}. */
export interface WaitOptions {
  /** Resolve at `waiting` too, not only at a terminal state. @default 'terminal' */
  until?: 'terminal' | 'waiting'
}

/** Options of {@link TaskApi.create}. */
export interface CreateOptions {
  /**
   * Called with the stored task before it can start, e.g. to route its events somewhere (the HTTP
   * layer attaches a per-task webhook URL this way). A promise it returns is awaited before the
   * task is handed to the queue, so another process that runs it finds the route stored; if it
   * rejects, the task still runs. @default none
   */
  onStored?: (task: Task) => void | Promise<void>
}

/**
 * `runtime.tasks`: create, read, cancel and feed tasks. Every method waits for the storage to be
 * ready and rejects with an `InboardError`, never throws synchronously.
 */
export interface TaskApi {
  /**
   * Creates a task and resolves once it is stored: it starts at once when a slot is free
   * (`running`), otherwise it is `pending`.
   */
  create(input: TaskCreateInput, scope?: TaskScope, options?: CreateOptions): Promise<Task>
  /** The task, or `task_not_found` (also for an id of the wrong shape). */
  get(id: string, scope?: TaskScope): Promise<Task>
  /** Newest first, filtered; `has_more` is exact. */
  list(query?: TaskListQuery, scope?: TaskScope): Promise<Page<TaskListItem>>
  /** Cancels a pending, running or waiting task; in-flight calls are aborted. */
  cancel(id: string, scope?: TaskScope): Promise<Task>
  /** The task's steps so far; readable while it runs. */
  trace(id: string, scope?: TaskScope): Promise<Trace>
  /** Supplies input, values or an approval to a waiting task and resumes it. */
  sendInput(id: string, input: TaskInputBody, scope?: TaskScope): Promise<Task>
  /** Resolves at a terminal state, or at `waiting` when asked. */
  wait(id: string, options?: WaitOptions, scope?: TaskScope): Promise<Task>
}
