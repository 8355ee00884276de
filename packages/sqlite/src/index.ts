// Storage
export { sqliteStorage } from './sqlite-storage.js'
export type { SqliteStorage, SqliteStorageOptions } from './sqlite-storage.js'

// Schema
export { SCHEMA_VERSION } from './schema.js'
