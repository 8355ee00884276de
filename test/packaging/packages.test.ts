import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// What a user gets: every public package is built and packed the way `pnpm publish` would, the
// tarballs are installed with npm into a fresh app outside the workspace, and the README's "In your
// app" example is type-checked and run there. Drift between README and packages fails this test.

const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const scratch = mkdtempSync(join(tmpdir(), 'inboard-packaging-'))
const tarballs = join(scratch, 'tarballs')
const app = join(scratch, 'app')

interface Manifest {
  name: string
  version: string
  private?: boolean
  dependencies?: Record<string, string>
  exports?: Record<string, Record<string, string>>
  publishConfig?: { access?: string; exports?: Record<string, Record<string, string>> }
  [field: string]: unknown
}

interface PublicPackage {
  dir: string
  manifest: Manifest
  tarball: string
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/** Public packages in dependency order, so each build finds the declarations of its siblings. */
function publicPackages(): PublicPackage[] {
  const found = readdirSync(join(root, 'packages'))
    .map((name) => ({
      dir: join(root, 'packages', name),
      manifest: readJson<Manifest>(join(root, 'packages', name, 'package.json')),
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map((entry) => ({
      ...entry,
      tarball: join(
        tarballs,
        `${entry.manifest.name.replace('@', '').replace('/', '-')}-${entry.manifest.version}.tgz`,
      ),
    }))
  const ordered: PublicPackage[] = []
  const visit = (entry: PublicPackage, path: string[]) => {
    if (ordered.includes(entry)) return
    if (path.includes(entry.manifest.name))
      throw new Error(`dependency cycle: ${[...path, entry.manifest.name].join(' → ')}`)
    for (const dependency of Object.keys(entry.manifest.dependencies ?? {})) {
      const sibling = found.find((candidate) => candidate.manifest.name === dependency)
      if (sibling) visit(sibling, [...path, entry.manifest.name])
    }
    ordered.push(entry)
  }
  for (const entry of found) visit(entry, [])
  return ordered
}

/** The fenced ts block and the `npm install` line of the README's "In your app" section. */
function readmeExample(): { code: string; install: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const install = /^npm install ((?:[@\w./-]+ ?)+)$/m.exec(readme)
  const section = /^## In your app\n([\s\S]*?)(?=^## )/m.exec(readme)
  const code = section ? /```ts\n([\s\S]*?)```/.exec(section[1] ?? '') : null
  if (!install?.[1] || !code?.[1])
    throw new Error('README.md needs an `npm install …` line and a ts block under "## In your app"')
  return { code: code[1], install: install[1].trim().split(' ') }
}

function run(command: string, args: string[], options: { cwd: string; timeout?: number }): string {
  const { cwd, timeout = 300_000 } = options
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`,
    )
  }
  return `${result.stdout}${result.stderr}`
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file))
}

const packages = publicPackages()
const workspaceVersion = (name: string) =>
  readJson<{ version: string }>(join(root, 'node_modules', name, 'package.json')).version

beforeAll(() => {
  // `pnpm pack` runs each package's prepack (a clean build) and applies publishConfig.
  for (const { dir } of packages) run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir })
  const { install } = readmeExample()
  mkdirSync(app)
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'inboard-packaging-app', private: true, type: 'module' }, null, 2),
  )
  const specs = install.map((spec) => packages.find(({ manifest }) => manifest.name === spec)?.tarball ?? spec)
  // Sibling packages that the README does not name still come from the tarballs, not the registry.
  const siblings = packages.filter(({ tarball }) => !specs.includes(tarball)).map(({ tarball }) => tarball)
  // --legacy-peer-deps: peers come only from the README's install line, as a reader would type it, so
  // a storage package's driver (better-sqlite3 compiles from source here) is not pulled in unasked.
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '--legacy-peer-deps',
      ...specs,
      ...siblings,
      `typescript@${workspaceVersion('typescript')}`,
      `@types/node@${workspaceVersion('@types/node')}`,
    ],
    { cwd: app },
  )
}, 900_000)

afterAll(() => rmSync(scratch, { recursive: true, force: true }), 60_000)

describe.each(packages.map(({ manifest, tarball, dir }) => [manifest.name, { manifest, tarball, dir }] as const))(
  'the published %s',
  (name, { manifest, tarball }) => {
    it('declares what a registry page and an installer need', () => {
      expect(manifest).toMatchObject({
        license: 'MIT',
        type: 'module',
        sideEffects: false,
        files: ['dist'],
        publishConfig: { access: 'public' },
      })
      expect(manifest['repository']).toMatchObject({
        type: 'git',
        directory: expect.stringMatching(/^packages\//) as unknown,
      })
      expect(manifest['keywords']).toEqual(expect.arrayContaining(['inboard']))
      expect(manifest['scripts']).toMatchObject({ prepack: 'pnpm run build' })
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        if (dependency.startsWith('@inboard/')) expect(range, dependency).toBe('workspace:^')
      }
      expect(manifest['peerDependencies']).toMatchObject({ zod: expect.stringMatching(/^\^4\./) as unknown })
    })

    it('publishes the workspace exports without the source condition', () => {
      const withoutSource = Object.fromEntries(
        Object.entries(manifest.exports ?? {}).map(([path, conditions]) => [
          path,
          Object.fromEntries(Object.entries(conditions).filter(([condition]) => condition !== 'inboard-source')),
        ]),
      )
      expect(manifest.publishConfig?.exports).toEqual(withoutSource)
    })

    it('passes publint in strict mode', () => {
      expect(run(bin('publint'), ['run', tarball, '--strict'], { cwd: root })).toContain('All good')
    }, 60_000)

    it('passes Are the Types Wrong as an ESM-only package', () => {
      run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], { cwd: root })
    }, 60_000)

    it('ships built JavaScript and declarations only, with no pointer to files outside the repository', () => {
      const installed = join(app, 'node_modules', ...name.split('/'))
      const files = filesUnder(installed).filter((file) => !file.includes(`${installed}/node_modules/`))
      expect(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false)
      expect(files.some((file) => /\/(src|test)\//.test(file.slice(installed.length)))).toBe(false)
      // The dashboard's browser modules are copied next to the built server code, which serves them from there.
      if (name === '@inboard/http') expect(files).toContain(join(installed, 'dist', 'dashboard', 'client', 'app.js'))
      for (const file of files.filter((path) => path.endsWith('.d.ts') || path.endsWith('.js'))) {
        const text = readFileSync(file, 'utf8')
        expect(text, file).not.toMatch(/CONTRACT|\.\.\/shared/)
      }
    })
  },
)

describe('the README example in a fresh app', () => {
  it('type-checks with tsc (module nodenext) and runs on Node', () => {
    writeFileSync(join(app, 'main.ts'), readmeExample().code)
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        // skipLibCheck as `tsc --init` writes it: declarations that name an optional peer the app lacks
        // (such as @opentelemetry/api) must not break the build of an app that does not use that part.
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          types: ['node'],
          outDir: 'out',
          skipLibCheck: true,
        },
        files: ['main.ts'],
      }),
    )
    run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app })
    const output = run(process.execPath, [join(app, 'out', 'main.js')], { cwd: app, timeout: 60_000 })
    expect(output).toMatch(/^complete /m)
    expect(output).toMatch(/weather/)
  }, 300_000)
})
