import type { TaskError } from '../errors/inboard-error.js'
import type { CallRecord, PlannedCall } from '../planner/planner.js'
import type { RunSignal } from '../runner/run-signal.js'
import type { InFlightCall } from '../storage/stored-task.js'
import type { StepStatus, Task, TaskListItem, TaskMode, TaskStatus, TaskWaiting, TokenUsage } from './task-types.js'
import { isoTime } from '../iso-time.js'

/** One trace step as stored: times as epoch milliseconds, converted to ISO only when read. */
export interface StepRecord {
  tool: string
  action: string
  status: StepStatus
  startedAt: number
  durationMs: number
  note: string | undefined
  /** Set on model-call steps only. */
  model?: string
  usage?: TokenUsage
}

/**
 * A task as the runtime keeps it while it is live in this process (queued, running or waiting
 * here). Its stored form (`StoredTask`, see `stored-form.ts`) is written at every state change and
 * step boundary; `work.controller` is the only run state that is never stored.
 */
export interface TaskRecord {
  id: string
  status: TaskStatus
  prompt: string
  subAgent: string | null
  tool: string | null
  userId: string | null
  account: string | null
  mode: TaskMode
  priority: number
  metadata: Record<string, unknown>
  timeoutMs: number
  createdAt: number
  startedAt: number | null
  endedAt: number | null
  /** Running time used so far, for timeouts that pause while waiting. */
  usedMs: number
  result: unknown
  error: TaskError | null
  waiting: TaskWaiting | null
  steps: StepRecord[] | null
  /** Run-time state, dropped when the task ends. */
  work: TaskWork | null
  /** False when the task was created with `memory: false`. */
  memory?: false
  /** Tokens of the planner's model calls, summed; absent until the first one. */
  usage?: TokenUsage
  /** The stored version this record was last written as (or read at). */
  version: number
  owner: string | null
  leaseExpiresAt: number | null
  /** Set once another process took the task over: this record is stale and never written again. */
  lost?: true
}

/** What a task needs only until it ends. */
export interface TaskWork {
  history: CallRecord[]
  messages: string[]
  values: Record<string, unknown>
  decisions: number
  /** Calls held back by a wait (approval or consent), run first on resume. */
  held: PlannedCall[] | null
  approved: boolean | null
  waitStartedAt: number | null
  /** The call running now, saved before it starts so that recovery knows it may have happened. */
  inFlight: InFlightCall | null
  /** Stops the current run; in-process only. */
  controller: RunSignal | null
}

/** The run state of a task that has not started yet. */
export function newTaskWork(): TaskWork {
  return {
    history: [],
    messages: [],
    values: {},
    decisions: 0,
    held: null,
    approved: null,
    waitStartedAt: null,
    inFlight: null,
    controller: null,
  }
}

function endField(status: TaskStatus): 'completed_at' | 'failed_at' | 'cancelled_at' | null {
  if (status === 'complete') return 'completed_at'
  if (status === 'failed') return 'failed_at'
  if (status === 'cancelled') return 'cancelled_at'
  return null
}

/** The wire shape of a task, identical in-process and over HTTP (docs/api.md). */
export function toTask(record: TaskRecord): Task {
  const task = toTaskListItem(record) as Task
  task.prompt = record.prompt
  if (record.status === 'complete') task.result = record.result
  if (record.error) task.error = { ...record.error }
  if (record.usage) task.usage = { ...record.usage }
  return task
}

/** The list shape of a task: no `result`, `error` or `prompt`. */
export function toTaskListItem(record: TaskRecord): TaskListItem {
  const item: TaskListItem = {
    id: record.id,
    status: record.status,
    sub_agent: record.subAgent,
    tool: record.tool,
    user_id: record.userId,
    mode: record.mode,
    priority: record.priority,
    metadata: record.metadata,
    created_at: isoTime(record.createdAt),
  }
  if (record.startedAt !== null) item.started_at = isoTime(record.startedAt)
  const end = endField(record.status)
  if (end !== null && record.endedAt !== null) item[end] = isoTime(record.endedAt)
  if (record.waiting) item.waiting = record.waiting
  return item
}
