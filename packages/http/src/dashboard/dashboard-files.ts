import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One file the dashboard serves, read once and kept in memory (a few tens of KB in all). */
export interface DashboardFile {
  body: Uint8Array
  contentType: string
  etag: string
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' }

/**
 * Preact, its hooks and htm, served from the installed packages' own ES module builds: no CDN, no
 * bundling step, and the versions are whatever the package manager resolved for `@inboard/http`.
 */
const VENDOR: Record<string, { from: string; file: string }> = {
  'vendor/preact.js': { from: 'preact', file: 'preact.module.js' },
  'vendor/preact-hooks.js': { from: 'preact/hooks', file: 'hooks.module.js' },
  'vendor/htm.js': { from: 'htm', file: 'htm.module.js' },
}

/** The bare specifiers the client modules import, for the page's import map. */
export const IMPORT_MAP = {
  imports: { preact: './vendor/preact.js', 'preact/hooks': './vendor/preact-hooks.js', htm: './vendor/htm.js' },
}

/** Every file below the dashboard's path, by name (`app.js`, `vendor/preact.js`). Only these names are served. */
export async function loadDashboardFiles(): Promise<ReadonlyMap<string, DashboardFile>> {
  // The client sits next to this module in src/ and, copied by the build, in dist/.
  const client = join(dirname(fileURLToPath(import.meta.url)), 'client')
  const sources = new Map<string, string>()
  for (const name of await readdir(client)) {
    if (/^[a-z0-9-]+\.(?:js|css)$/.test(name)) sources.set(name, join(client, name))
  }
  const require = createRequire(import.meta.url)
  for (const [name, { from, file }] of Object.entries(VENDOR)) {
    // The CommonJS entry's folder also holds the browser ES module build (htm exports no package.json).
    sources.set(name, join(dirname(require.resolve(from)), file))
  }
  const files = new Map<string, DashboardFile>()
  await Promise.all(
    [...sources].map(async ([name, path]) => {
      const body = new Uint8Array(await readFile(path))
      files.set(name, {
        body,
        contentType: TYPES[name.slice(name.lastIndexOf('.') + 1)]!,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      })
    }),
  )
  return files
}
