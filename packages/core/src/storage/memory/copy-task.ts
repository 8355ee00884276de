import type { StoredStep, StoredTask, TaskProgress } from '../stored-task.js'

function copyProgress(progress: TaskProgress): TaskProgress {
  return {
    history: [...progress.history],
    messages: [...progress.messages],
    values: { ...progress.values },
    decisions: progress.decisions,
    held: progress.held === null ? null : [...progress.held],
    approved: progress.approved,
    waitStartedAt: progress.waitStartedAt,
    inFlight: progress.inFlight === null ? null : { ...progress.inFlight },
  }
}

/**
 * A copy of everything the runtime mutates in place (steps, progress, the task itself). Values the
 * runtime only replaces (metadata, result, waiting, error, call records) are shared: a deep clone
 * per write was the largest cost of the in-memory storage, for no protection the runtime needs.
 */
export function copyTask(task: StoredTask): StoredTask {
  const copy = { ...task }
  copy.steps = task.steps.map((step): StoredStep =>
    step.usage === undefined ? { ...step } : { ...step, usage: { ...step.usage } },
  )
  if (task.progress !== null) copy.progress = copyProgress(task.progress)
  if (task.usage !== undefined) copy.usage = { ...task.usage }
  return copy
}
