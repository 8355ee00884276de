import { Deque } from './deque.js'

interface Level {
  /** Queued task ids per user key. */
  users: Map<string, Deque<string>>
  /** Users with queued tasks, in round-robin order. */
  turn: Deque<string>
  size: number
}

/**
 * Pending task ids ordered by priority (10 first), and round-robin across users within a priority,
 * so one user's thousand queued tasks cannot starve another user's one. Holds ids only.
 */
export class FairQueue {
  readonly #levels: Array<Level | undefined> = []
  #size = 0

  get size(): number {
    return this.#size
  }

  push(id: string, priority: number, user: string, front = false): void {
    const level = (this.#levels[priority] ??= { users: new Map(), turn: new Deque(), size: 0 })
    let queue = level.users.get(user)
    if (!queue) {
      queue = new Deque()
      level.users.set(user, queue)
      if (front) level.turn.unshift(user)
      else level.turn.push(user)
    }
    if (front) queue.unshift(id)
    else queue.push(id)
    level.size++
    this.#size++
  }

  shift(): string | undefined {
    for (let priority = this.#levels.length - 1; priority >= 0; priority--) {
      const level = this.#levels[priority]
      if (!level || level.size === 0) continue
      const user = level.turn.shift()!
      const queue = level.users.get(user)!
      const id = queue.shift()!
      if (queue.length > 0) level.turn.push(user)
      else level.users.delete(user)
      level.size--
      this.#size--
      return id
    }
    return undefined
  }
}
