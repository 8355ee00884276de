import { Deque } from './deque.js'

/** A queued task as the {@link FairQueue} orders it. */
export interface FairQueueEntry {
  id: string
  /** 1–10; higher runs first. */
  priority: number
  /** Whose slots it competes for: the task's account ('' without one). */
  account: string
  /** Within the account, the end user ('' without one). */
  user: string
}

/** One account's queued ids per user, and its users in round-robin order. */
interface AccountQueue {
  users: Map<string, Deque<string>>
  turn: Deque<string>
}

interface Level {
  accounts: Map<string, AccountQueue>
  /** Accounts with queued tasks, in round-robin order. */
  turn: Deque<string>
  size: number
}

/**
 * Pending task ids ordered by priority (10 first), then round-robin across accounts within a
 * priority, then across users within an account: one account's thousand queued tasks cannot starve
 * another account's one, nor one user's another user's. Holds ids only.
 */
export class FairQueue {
  readonly #levels: Array<Level | undefined> = []
  #size = 0

  get size(): number {
    return this.#size
  }

  /**
   * Queues an id. `front` puts it first within its account (and its user first within the account),
   * for tasks that already waited their turn; the account itself still joins the round at the end,
   * so an account that gets a slot back cannot jump ahead of accounts still waiting for one.
   */
  push(entry: FairQueueEntry, front = false): void {
    const level = (this.#levels[entry.priority] ??= {
      accounts: new Map<string, AccountQueue>(),
      turn: new Deque<string>(),
      size: 0,
    })
    let account = level.accounts.get(entry.account)
    if (!account) {
      account = { users: new Map<string, Deque<string>>(), turn: new Deque<string>() }
      level.accounts.set(entry.account, account)
      level.turn.push(entry.account)
    }
    let queue = account.users.get(entry.user)
    if (!queue) {
      queue = new Deque()
      account.users.set(entry.user, queue)
      if (front) account.turn.unshift(entry.user)
      else account.turn.push(entry.user)
    }
    if (front) queue.unshift(entry.id)
    else queue.push(entry.id)
    level.size++
    this.#size++
  }

  shift(): string | undefined {
    for (let priority = this.#levels.length - 1; priority >= 0; priority--) {
      const level = this.#levels[priority]
      if (!level || level.size === 0) continue
      const accountKey = level.turn.shift()!
      const account = level.accounts.get(accountKey)!
      const user = account.turn.shift()!
      const queue = account.users.get(user)!
      const id = queue.shift()!
      if (queue.length > 0) account.turn.push(user)
      else account.users.delete(user)
      if (account.turn.length > 0) level.turn.push(accountKey)
      else level.accounts.delete(accountKey)
      level.size--
      this.#size--
      return id
    }
    return undefined
  }
}
