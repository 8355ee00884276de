import { InboardError } from '@inboard/core'
import pg from 'pg'
import type { PostgresClient, PostgresPool, PostgresResult } from './postgres-pool.js'

/** Where to connect: a connection string (the storage owns its pool) or the app's own pool. */
export type PostgresTarget =
  { connectionString: string; pool?: undefined } | { pool: PostgresPool; connectionString?: undefined }

/** How long the first connection may take before start-up fails. */
const CONNECT_TIMEOUT_MS = 5_000
const FIRST_RETRY_MS = 100
const MAX_RETRY_MS = 5_000

/** SQLSTATE classes and socket codes that mean "the server is gone", not "the statement is wrong". */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code))
      return true
  }
  const message = error instanceof Error ? error.message : ''
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message,
  )
}

function hostOf(target: PostgresTarget): string {
  const source = target.connectionString ?? target.pool?.options?.connectionString
  if (source !== undefined) {
    try {
      const url = new URL(source)
      return `${url.hostname || 'localhost'}:${url.port || '5432'}`
    } catch {
      return 'the configured host'
    }
  }
  const options = target.pool?.options
  return `${options?.host ?? 'localhost'}:${options?.port ?? 5432}`
}

/**
 * One Postgres pool with the failure handling a long-running process needs: idle connections that
 * drop never crash the process (pg emits them as pool `error` events), statements fail fast with a
 * recoverable `storage_unavailable` while the server is away, and a probe with exponential backoff
 * notices when it is back.
 */
export class PostgresConnection {
  readonly host: string
  readonly #pool: PostgresPool
  readonly #ownsPool: boolean
  readonly #onPoolError = (error: Error): void => this.#down(error)
  #downSince: number | null = null
  #retryMs = FIRST_RETRY_MS
  #probe: ReturnType<typeof setTimeout> | null = null
  #closed = false

  constructor(target: PostgresTarget, poolSize: number) {
    this.host = hostOf(target)
    this.#ownsPool = target.pool === undefined
    this.#pool =
      target.pool ??
      new pg.Pool({
        connectionString: target.connectionString,
        max: poolSize,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      })
    this.#pool.on('error', this.#onPoolError)
  }

  /** True while the last statement or probe reached the server. */
  get healthy(): boolean {
    return this.#downSince === null
  }

  /** Checks that the server answers; start-up fails here, naming the host, when it does not. */
  async open(): Promise<void> {
    try {
      await this.#pool.query('SELECT 1')
    } catch (error) {
      throw new InboardError(
        'storage_unavailable',
        `Postgres at ${this.host} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
        {
          recoverable: true,
          suggestion: 'Check that Postgres is running and that the connection string is right.',
          cause: error,
        },
      )
    }
  }

  async query<Row = Record<string, unknown>>(
    text: string,
    values?: unknown[],
    name?: string,
  ): Promise<PostgresResult<Row>> {
    this.#ensureUp()
    try {
      return await (name === undefined
        ? this.#pool.query<Row>(text, values)
        : this.#pool.query<Row>({ name, text, values }))
    } catch (error) {
      throw this.#translate(error)
    }
  }

  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  async transaction<T>(work: (client: PostgresClient) => Promise<T>): Promise<T> {
    this.#ensureUp()
    let client: PostgresClient
    try {
      client = await this.#pool.connect()
    } catch (error) {
      throw this.#translate(error)
    }
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      client.release()
      return result
    } catch (error) {
      // A connection that failed mid-transaction is discarded rather than returned to the pool.
      const broken = isConnectionError(error)
      if (!broken) await client.query('ROLLBACK').catch(() => undefined)
      client.release(broken)
      throw this.#translate(error)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#probe) clearTimeout(this.#probe)
    if (this.#ownsPool) await this.#pool.end().catch(() => undefined)
    this.#pool.off('error', this.#onPoolError)
  }

  #ensureUp(): void {
    if (this.#closed) throw new InboardError('storage_unavailable', `The Postgres storage for ${this.host} is closed`)
    if (this.#downSince !== null) throw this.#unavailable(undefined)
  }

  #translate(error: unknown): unknown {
    if (error instanceof InboardError) return error
    if (!isConnectionError(error)) return error
    this.#down(error)
    return this.#unavailable(error)
  }

  #unavailable(cause: unknown): InboardError {
    return new InboardError('storage_unavailable', `Postgres at ${this.host} is unreachable; reconnecting`, {
      recoverable: true,
      suggestion: 'Retry shortly: the runtime reconnects with backoff.',
      cause,
    })
  }

  #down(_error: unknown): void {
    if (this.#closed || this.#downSince !== null) return
    this.#downSince = Date.now()
    this.#retryMs = FIRST_RETRY_MS
    this.#scheduleProbe()
  }

  #scheduleProbe(): void {
    this.#probe = setTimeout(() => {
      this.#probe = null
      this.#pool.query('SELECT 1').then(
        () => {
          this.#downSince = null
        },
        () => {
          if (this.#closed) return
          this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS)
          this.#scheduleProbe()
        },
      )
    }, this.#retryMs)
    this.#probe.unref()
  }
}
