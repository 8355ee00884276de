import type { InboardHandler } from '../create-handler.js'

/** True when `path` is the prefix itself or below it. */
export function underPrefix(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)
}

/** True when the handler serves `path`: its API routes, or its dashboard when enabled. */
export function handlesPath(handler: InboardHandler, path: string): boolean {
  return underPrefix(path, handler.prefix) || (handler.dashboard !== null && underPrefix(path, handler.dashboard))
}
