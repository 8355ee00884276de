import type { Clock } from '../clock.js'
import type { EventBus } from '../events.js'
import { toTask, type StepRecord, type TaskRecord } from '../task/task-record.js'
import type { StepStatus, TokenUsage, Trace, TraceStep } from '../task/task-types.js'
import { isoTime } from '../iso-time.js'
import type { SecretScrubber } from '../secrets/secret-scrubber.js'
import { elapsed } from '../elapsed.js'

export function toTraceStep(step: StepRecord): TraceStep {
  const out: TraceStep = {
    tool: step.tool,
    action: step.action,
    status: step.status,
    duration_ms: step.durationMs,
    started_at: isoTime(step.startedAt),
  }
  if (step.note !== undefined) out.note = step.note
  if (step.model !== undefined) out.model = step.model
  if (step.usage !== undefined) out.usage = { ...step.usage }
  return out
}

/**
 * The string, stored flat. V8 keeps a string built by concatenation as a tree of its pieces until
 * something reads it whole; a note lives as long as its task is retained (10,000 finished tasks by
 * default), and a tree per note is many more objects for the garbage collector to trace and copy.
 * Converting it to a number (the trick pino's flatstr uses) flattens it in place.
 */
function flat(text: string): string {
  void Number(text)
  return text
}

/** Records trace steps on task records and announces them as step and progress events. */
export class TraceRecorder {
  readonly #clock: Clock
  readonly #bus: EventBus
  readonly #secrets: SecretScrubber | undefined

  /** Notes are scrubbed of `secrets` as they are recorded: traces, step events and spans never hold one. */
  constructor(clock: Clock, bus: EventBus, secrets?: SecretScrubber) {
    this.#clock = clock
    this.#bus = bus
    this.#secrets = secrets
  }

  start(record: TaskRecord, tool: string, action: string): StepRecord {
    const step: StepRecord = {
      tool,
      action,
      status: 'running',
      startedAt: this.#clock.now(),
      durationMs: 0,
      note: undefined,
    }
    ;(record.steps ??= []).push(step)
    this.#bus.emit('step.started', () => ({
      type: 'step.started',
      task_id: record.id,
      timestamp: this.#iso(),
      step: toTraceStep(step),
    }))
    return step
  }

  note(step: StepRecord, raw: string): void {
    const text = this.#secrets === undefined ? raw : this.#secrets.scrub(raw)
    step.note = flat(step.note === undefined ? text : `${step.note}; ${text}`)
  }

  end(
    record: TaskRecord,
    step: StepRecord,
    { status, note }: { status: Exclude<StepStatus, 'running'>; note?: string | undefined },
  ): void {
    // Already closed when the task ended while the step ran.
    if (step.status !== 'running') return
    step.status = status
    step.durationMs = elapsed(this.#clock.now(), step.startedAt)
    if (note !== undefined) this.note(step, note)
    const type = status === 'failed' ? 'step.failed' : 'step.complete'
    this.#bus.emit(type, () => ({ type, task_id: record.id, timestamp: this.#iso(), step: toTraceStep(step) }))
    this.#bus.emit('task.progress', () => ({
      type: 'task.progress',
      task_id: record.id,
      timestamp: this.#iso(),
      task: toTask(record),
      step: toTraceStep(step),
    }))
  }

  /**
   * Closes a model-call step with the model id and tokens, and adds the tokens to the task's
   * usage (also when the step was already closed because the task ended: they were spent).
   */
  endModelCall(
    record: TaskRecord,
    step: StepRecord,
    outcome: {
      status: 'complete' | 'failed'
      model: string
      usage?: TokenUsage | null | undefined
      note?: string | undefined
    },
  ): void {
    const { usage } = outcome
    if (usage) {
      const total = (record.usage ??= { input_tokens: 0, output_tokens: 0 })
      total.input_tokens += usage.input_tokens
      total.output_tokens += usage.output_tokens
    }
    if (step.status !== 'running') return
    step.model = outcome.model
    if (usage) step.usage = { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens }
    let note = `model ${outcome.model}`
    if (usage) note += `; input_tokens=${usage.input_tokens} output_tokens=${usage.output_tokens}`
    if (outcome.note !== undefined) note += `; ${outcome.note}`
    this.end(record, step, { status: outcome.status, note })
  }

  /** The trace as read by `runtime.tasks.trace()`; readable while the task runs. */
  read(record: TaskRecord): Trace {
    const end = record.endedAt ?? this.#clock.now()
    return {
      task_id: record.id,
      sub_agent: record.subAgent,
      steps: (record.steps ?? []).map(toTraceStep),
      total_duration_ms: Math.max(0, end - (record.startedAt ?? record.createdAt)),
    }
  }

  #iso(): string {
    return isoTime(this.#clock.now())
  }
}
