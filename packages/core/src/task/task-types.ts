import type { TaskError } from '../errors/inboard-error.js'

/** Lifecycle states of a task. */
export type TaskStatus = 'pending' | 'running' | 'waiting' | 'complete' | 'failed' | 'cancelled'

/** `live` runs capabilities for real; `test` never lets a side-effecting capability reach a live service. */
export type TaskMode = 'live' | 'test'

/** Why a task is waiting; the same fields as the `task.waiting` webhook's `data`. */
export interface TaskWaiting {
  reason: 'oauth_consent_required' | 'input_required' | 'approval_required'
  /** The service (tool) the wait is about, or null for input the planner needs. */
  service: string | null
  /** Where the end user grants consent; null unless `reason` is `oauth_consent_required`. */
  auth_url: string | null
  message: string
  /** For `input_required`: the fields `sendInput({ values })` should supply. */
  fields?: WaitingField[]
  /** For `approval_required`: the call awaiting a decision. */
  request?: { tool: string; capability: string; input: unknown }
}

export interface WaitingField {
  name: string
  description: string | null
  type: string | null
}

/** Tokens spent on language-model calls (by a model planner). */
export interface TokenUsage {
  input_tokens: number
  output_tokens: number
}

/** A task as returned by `runtime.tasks.get()` and `GET /v1/tasks/:id`. */
export interface Task {
  id: string
  status: TaskStatus
  prompt: string
  sub_agent: string | null
  /** The tool that did the work, when a single tool did. */
  tool: string | null
  user_id: string | null
  mode: TaskMode
  priority: number
  metadata: Record<string, unknown>
  created_at: string
  started_at?: string
  completed_at?: string
  failed_at?: string
  cancelled_at?: string
  result?: unknown
  error?: TaskError
  waiting?: TaskWaiting
  /** Tokens of the model calls the task's planner made; absent when it made none. */
  usage?: TokenUsage
}

/** A task as it appears in list results: no `result`, `error` or `prompt`. */
export type TaskListItem = Omit<Task, 'result' | 'error' | 'prompt' | 'usage'>

/**
 * Status of one trace step. `interrupted`: the process stopped while the step's call ran, so it may
 * or may not have happened (see crash recovery in docs/storage.md).
 */
export type StepStatus = 'running' | 'complete' | 'failed' | 'skipped' | 'waiting' | 'interrupted'

/** One step of a trace: a planner decision, a capability call, or a wait. */
export interface TraceStep {
  tool: string
  action: string
  status: StepStatus
  duration_ms: number
  started_at: string
  note?: string
  /** On a model-call step (`tool: "model"`): the model id. */
  model?: string
  /** On a model-call step: the tokens it used, when the provider reported them. */
  usage?: TokenUsage
}

/** A task's trace as returned by `runtime.tasks.trace()` and `GET /v1/tasks/:id/trace`. */
export interface Trace {
  task_id: string
  sub_agent: string | null
  steps: TraceStep[]
  total_duration_ms: number
}

/** A page of a list. `has_more` is exact. */
export interface Page<T> {
  data: T[]
  has_more: boolean
}
