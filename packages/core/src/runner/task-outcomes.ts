import type { Clock } from '../clock.js'
import type { InboardError } from '../errors/inboard-error.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import type { TaskRecord } from '../task/task-record.js'
import type { TaskWaiting } from '../task/task-types.js'

/** Ends a task as failed (if it is still live) and stops its in-flight calls. */
export function failTask(deps: { lifecycle: TaskLifecycle }, record: TaskRecord, error: InboardError): void {
  const controller = record.work?.controller
  if (deps.lifecycle.apply(record, 'FAIL', (task) => (task.error = error.toTaskError()))) controller?.abort(error)
}

/** Moves a running task to waiting; the slot is released when the run returns. */
export function waitTask(
  deps: { lifecycle: TaskLifecycle; clock: Clock },
  record: TaskRecord,
  waiting: TaskWaiting,
): void {
  deps.lifecycle.apply(record, 'WAIT', (task) => {
    task.waiting = waiting
    task.work!.waitStartedAt = deps.clock.now()
  })
}
