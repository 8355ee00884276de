import type { Clock } from '../clock.js'
import type { Queue } from '../queue/queue.js'
import type { TaskStorage } from '../storage/task-storage.js'
import { jobIdOf } from './queue-admission.js'

export interface QueueSweepDeps {
  storage: TaskStorage
  queue: Queue
  clock: Clock
  /** Pending tasks younger than this are left alone: their hand-out may still be on its way. */
  graceMs: number
}

const PAGE = 100

/**
 * Hands out again the pending tasks that no queue holds: a process that stopped between storing a
 * task and adding its job (or a job lost with a Redis that lost its data) leaves such a task, and
 * this puts it back in line. Adding is idempotent by job id, so processes sweeping at once add each
 * job once. Resolves with how many jobs were added.
 */
export async function sweepStrandedTasks(deps: QueueSweepDeps): Promise<number> {
  const { storage, queue, clock } = deps
  const before = clock.now() - deps.graceMs
  let added = 0
  for (let offset = 0; ; offset += PAGE) {
    const page = await storage.list({ status: 'pending' }, { limit: PAGE, offset })
    const candidates = page.data.filter((task) => task.owner === null && task.createdAt <= before)
    if (candidates.length > 0) {
      const held = new Set(await queue.holds(candidates.map((task) => jobIdOf(task.id, task.version))))
      for (const task of candidates) {
        const id = jobIdOf(task.id, task.version)
        if (held.has(id)) continue
        await queue.add({ id, taskId: task.id, priority: task.priority })
        added++
      }
    }
    if (!page.has_more) return added
  }
}
