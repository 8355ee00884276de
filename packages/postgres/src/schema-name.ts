import { InboardError } from '@inboard/core'

/** The Postgres schema the tables live in unless the options name another. */
export const DEFAULT_SCHEMA = 'inboard'

/**
 * Validates a schema name and quotes it for SQL. Identifiers cannot be bound as parameters, so only
 * plain names are accepted: nothing that needs escaping ever reaches a statement.
 */
export function quoteSchema(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new InboardError(
      'invalid_request',
      `schema must be a lower-case Postgres identifier (letters, digits, _), got ${JSON.stringify(name)}`,
      { param: 'schema' },
    )
  }
  return `"${name}"`
}
