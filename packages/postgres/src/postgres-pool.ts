/** The rows and count of one statement, as `pg` returns them. */
export interface PostgresResult<Row> {
  rows: Row[]
  rowCount: number | null
}

/** A connection checked out of a pool, for statements that must share a transaction. */
export interface PostgresClient {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PostgresResult<Row>>
  release(error?: Error | boolean): void
}

/** A statement `pg` prepares once per connection under `name`, then runs by name. */
export interface PreparedStatement {
  name: string
  text: string
  values?: unknown[] | undefined
}

/**
 * The part of a `pg` 8 `Pool` this package uses. Declared here so that the public types do not
 * require `@types/pg`; a `new Pool(…)` from `pg` satisfies it.
 */
export interface PostgresPool {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PostgresResult<Row>>
  query<Row = Record<string, unknown>>(statement: PreparedStatement): Promise<PostgresResult<Row>>
  connect(): Promise<PostgresClient>
  on(event: 'error', listener: (error: Error) => void): unknown
  off(event: 'error', listener: (error: Error) => void): unknown
  end(): Promise<void>
  readonly options?: { host?: string | undefined; port?: number | undefined; connectionString?: string | undefined }
}
