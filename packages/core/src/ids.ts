import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = POOL_SIZE

/** A random base62 string; bytes come from a pooled CSPRNG buffer so ids stay cheap. */
function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    if (offset >= POOL_SIZE) {
      pool = randomBytes(POOL_SIZE)
      offset = 0
    }
    const byte = pool[offset++]!
    // 248 = 62 * 4: rejecting the top bytes keeps the distribution uniform.
    if (byte < 248) out += ALPHABET[byte % 62]
  }
  return out
}

/** A new prefixed id, e.g. `task_8xK2mPq7Rz4TbW1nC9dLf0`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(22)}`
}

/** Shape of a task id; anything else is rejected before a lookup. */
export const TASK_ID = /^task_[0-9A-Za-z]{1,64}$/

/** Shape of a subagent id (its name). */
export const SUBAGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/
