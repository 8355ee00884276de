import { createRequire } from 'node:module'
import type * as OtelApiModule from '@opentelemetry/api'

type OtelApi = typeof OtelApiModule

let loaded: OtelApi | null | undefined

/**
 * `@opentelemetry/api` when the app has it installed, else null. Loaded with `require` so that a
 * missing optional peer is a quiet "no telemetry" rather than an import error, and so that the
 * api's global registry (kept on `globalThis`) is the same one the app's SDK registers with.
 */
export function otelApi(): OtelApi | null {
  if (loaded !== undefined) return loaded
  try {
    loaded = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi
  } catch {
    loaded = null
  }
  return loaded
}
