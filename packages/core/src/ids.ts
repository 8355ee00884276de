import { randomBytes } from 'node:crypto'

const ALPHABET = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 'latin1')
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = POOL_SIZE
/** Where an id is spelled before it becomes a string. */
const spelling = Buffer.alloc(256)

/**
 * A new prefixed id, e.g. `task_8xK2mPq7Rz4TbW1nC9dLf0`: base62 from a pooled CSPRNG buffer, so
 * ids stay cheap. Spelled in a buffer and read as one string: appended character by character, an
 * id was a chain of a dozen string pieces, kept as long as the task it names.
 */
export function newId(prefix: string): string {
  let length = spelling.write(prefix, 0, 'latin1')
  spelling[length++] = 0x5f // _
  const end = length + 22
  while (length < end) {
    if (offset >= POOL_SIZE) {
      pool = randomBytes(POOL_SIZE)
      offset = 0
    }
    const byte = pool[offset++]!
    // 248 = 62 * 4: rejecting the top bytes keeps the distribution uniform.
    if (byte < 248) spelling[length++] = ALPHABET[byte % 62]!
  }
  return spelling.toString('latin1', 0, length)
}

/** Shape of a task id; anything else is rejected before a lookup. */
export const TASK_ID = /^task_[0-9A-Za-z]{1,64}$/

/** Shape of a subagent id (its name). */
export const SUBAGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/
