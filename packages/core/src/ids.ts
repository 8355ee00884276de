import { randomBytes } from 'node:crypto'

const ALPHABET = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 'latin1')
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = POOL_SIZE
/** Where an id is spelled before it becomes a string. */
const spelling = Buffer.alloc(256)

/** Characters of an id that spell its creation time: 62^8 ms are some 6,900 years from 1970. */
const TIME_CHARS = 8
/** Random characters after them: 14 base62 characters are 83 bits. */
const RANDOM_CHARS = 14

/**
 * A new prefixed id, e.g. `task_0VcU25p1Pq7Rz4TbW1nC9d`: the creation time in milliseconds (8
 * base62 characters, so ids sort by creation time), then 14 random base62 characters from a pooled
 * CSPRNG buffer. Ids made close together sit close together in a database index: with random ids,
 * every commit of a busy SQLite file rewrote pages all over the id index (10% of its throughput).
 * Spelled in a buffer and read as one string: appended character by character, an id was a chain
 * of a dozen string pieces, kept as long as the task it names.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let length = spelling.write(prefix, 0, 'latin1')
  spelling[length++] = 0x5f // _
  let time = Math.max(0, Math.floor(now))
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    spelling[length + i] = ALPHABET[time % 62]!
    time = Math.floor(time / 62)
  }
  length += TIME_CHARS
  const end = length + RANDOM_CHARS
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
