import type { RedisOptions } from 'ioredis'
import { InboardError } from '@inboard/core'

/** Where Redis is: the fields of an ioredis-style options object that a queue needs. */
export interface RedisConnectionOptions {
  /** @default '127.0.0.1' */
  host?: string
  /** @default 6379 */
  port?: number
  username?: string
  password?: string
  /** @default 0 */
  db?: number
  /** TLS options as `tls.connect` takes them; `{}` turns TLS on with the defaults. @default off */
  tls?: Record<string, unknown>
}

/** A resolved connection: ioredis options plus a `host:port` label for messages. */
export interface RedisTarget {
  label: string
  options: RedisOptions
}

/** Reads a `redis://` or `rediss://` URL, or an options object, into ioredis options. */
export function redisTarget(connection: string | RedisConnectionOptions): RedisTarget {
  if (typeof connection === 'string') {
    let url: URL
    try {
      url = new URL(connection)
    } catch {
      throw new InboardError(
        'invalid_request',
        `Invalid Redis URL "${connection.replace(/\/\/[^@/]*@/, '//…@')}": expected redis://host:port`,
        { param: 'connection' },
      )
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      throw new InboardError(
        'invalid_request',
        `Invalid Redis URL: expected the redis:// or rediss:// scheme, not ${url.protocol}`,
        { param: 'connection' },
      )
    const host = url.hostname || '127.0.0.1'
    const port = Number(url.port || 6379)
    const db = Number(url.pathname.slice(1) || 0)
    const options: RedisOptions = { host, port, db }
    if (url.username !== '') options.username = decodeURIComponent(url.username)
    if (url.password !== '') options.password = decodeURIComponent(url.password)
    if (url.protocol === 'rediss:') options.tls = {}
    return { label: `${host}:${port}`, options }
  }
  const host = connection.host ?? '127.0.0.1'
  const port = connection.port ?? 6379
  const options: RedisOptions = { host, port }
  if (connection.db !== undefined) options.db = connection.db
  if (connection.username !== undefined) options.username = connection.username
  if (connection.password !== undefined) options.password = connection.password
  if (connection.tls !== undefined) options.tls = connection.tls
  return { label: `${host}:${port}`, options }
}
