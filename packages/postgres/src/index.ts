// Storage
export { postgresStorage } from './postgres-storage.js'
export type { PostgresStorageOptions } from './postgres-storage.js'
export type { PostgresPool, PostgresClient, PostgresResult } from './postgres-pool.js'

// Schema
export { SCHEMA_VERSION } from './migrations.js'
