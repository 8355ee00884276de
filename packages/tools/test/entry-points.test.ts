import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'inboard-loads-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// A module hook that appends every module URL Node loads to a file: a fresh process imports one entry
// point, and the file lists what that import pulled in (including modules loaded only for their types).
const hooks = `import { appendFileSync } from 'node:fs'
let file
export function initialize(data) { file = data.file }
export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context) }`

function modulesLoadedBy(specifier: string): string[] {
  const file = join(scratch, `${specifier.replaceAll('/', '_')}.txt`)
  const script = [
    `import { register } from 'node:module'`,
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { file: ${JSON.stringify(file)} } })`,
    `await import(${JSON.stringify(specifier)})`,
  ].join('\n')
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'inboard-source', '--input-type=module', '-e', script],
    {
      cwd: packageDir,
      encoding: 'utf8',
    },
  )
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
}

const isMcpSdk = (url: string) => url.includes('/@modelcontextprotocol/sdk/')
const isYaml = (url: string) => /\/node_modules\/yaml\//.test(url)

describe('the entry points of @inboard/tools', () => {
  it('loads neither the MCP SDK nor yaml when only @inboard/tools is imported', () => {
    const loaded = modulesLoadedBy('@inboard/tools')
    expect(loaded.some((url) => url.endsWith('/src/index.ts'))).toBe(true)
    expect(loaded.filter(isMcpSdk)).toEqual([])
    expect(loaded.filter(isYaml)).toEqual([])
  })

  it('loads the MCP SDK only through @inboard/tools/mcp', () => {
    const loaded = modulesLoadedBy('@inboard/tools/mcp')
    expect(loaded.some(isMcpSdk)).toBe(true)
    expect(loaded.filter(isYaml)).toEqual([])
  })

  it('loads yaml only through @inboard/tools/openapi', () => {
    const loaded = modulesLoadedBy('@inboard/tools/openapi')
    expect(loaded.some(isYaml)).toBe(true)
    expect(loaded.filter(isMcpSdk)).toEqual([])
  })
})
