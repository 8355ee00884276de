import type { StoredStep, StoredTask, TaskProgress } from '../storage/stored-task.js'
import type { StepRecord, TaskRecord, TaskWork } from './task-record.js'

function toStoredStep(step: StepRecord): StoredStep {
  const stored: StoredStep = {
    tool: step.tool,
    action: step.action,
    status: step.status,
    startedAt: step.startedAt,
    durationMs: step.durationMs,
    note: step.note ?? null,
  }
  if (step.model !== undefined) stored.model = step.model
  if (step.usage !== undefined) stored.usage = step.usage
  return stored
}

function fromStoredStep(step: StoredStep): StepRecord {
  const record: StepRecord = {
    tool: step.tool,
    action: step.action,
    status: step.status,
    startedAt: step.startedAt,
    durationMs: step.durationMs,
    note: step.note ?? undefined,
  }
  if (step.model !== undefined) record.model = step.model
  if (step.usage !== undefined) record.usage = step.usage
  return record
}

function toProgress(work: TaskWork): TaskProgress {
  return {
    history: work.history,
    messages: work.messages,
    values: work.values,
    decisions: work.decisions,
    held: work.held,
    approved: work.approved,
    waitStartedAt: work.waitStartedAt,
    inFlight: work.inFlight,
  }
}

/**
 * The stored form of a live record, made when a write is queued: the storage copies what it keeps
 * before the promise settles, so the runtime may go on mutating the record.
 */
export function toStored(record: TaskRecord): StoredTask {
  const stored: StoredTask = {
    id: record.id,
    status: record.status,
    prompt: record.prompt,
    subAgent: record.subAgent,
    tool: record.tool,
    userId: record.userId,
    account: record.account,
    mode: record.mode,
    priority: record.priority,
    metadata: record.metadata,
    timeoutMs: record.timeoutMs,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    usedMs: record.usedMs,
    result: record.result,
    error: record.error,
    waiting: record.waiting,
    steps: record.steps === null ? [] : record.steps.map(toStoredStep),
    progress: record.work === null ? null : toProgress(record.work),
    memory: record.memory !== false,
    version: record.version,
    owner: record.owner,
    leaseExpiresAt: record.leaseExpiresAt,
  }
  if (record.usage !== undefined) stored.usage = record.usage
  return stored
}

/** A live record made from what the storage holds. */
export function fromStored(stored: StoredTask): TaskRecord {
  const progress = stored.progress
  const record: TaskRecord = {
    id: stored.id,
    status: stored.status,
    prompt: stored.prompt,
    subAgent: stored.subAgent,
    tool: stored.tool,
    userId: stored.userId,
    account: stored.account,
    mode: stored.mode,
    priority: stored.priority,
    metadata: stored.metadata,
    timeoutMs: stored.timeoutMs,
    createdAt: stored.createdAt,
    startedAt: stored.startedAt,
    endedAt: stored.endedAt,
    usedMs: stored.usedMs,
    result: stored.result,
    error: stored.error,
    waiting: stored.waiting,
    steps: stored.steps.length === 0 ? null : stored.steps.map(fromStoredStep),
    work:
      progress === null
        ? null
        : {
            history: progress.history,
            messages: progress.messages,
            values: progress.values,
            decisions: progress.decisions,
            held: progress.held,
            approved: progress.approved,
            waitStartedAt: progress.waitStartedAt,
            inFlight: progress.inFlight,
            controller: null,
          },
    version: stored.version,
    owner: stored.owner,
    leaseExpiresAt: stored.leaseExpiresAt,
  }
  if (!stored.memory) record.memory = false
  if (stored.usage !== undefined) record.usage = stored.usage
  return record
}
