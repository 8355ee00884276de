// Runs every example workspace package (its "smoke" script if it has one, else "start") and fails
// if any exits non-zero or runs past its time limit. Part of `pnpm test`, so examples cannot rot.
// Examples that need Postgres and Redis ("inboard": { "needs": [...] } in package.json) get the
// test servers' URLs; without the servers they are skipped with one line, except under CI=true.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dir = join(root, 'examples')
let failed = 0
let passed = 0
let servers = null
const serversAnswer = () => {
  servers ??= spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/scale/check-servers.ts')], {
    cwd: root,
    encoding: 'utf8',
  })
  return servers.status === 0
}
const serverEnv = {
  ...(process.env.INBOARD_TEST_POSTGRES_URL ? { DATABASE_URL: process.env.INBOARD_TEST_POSTGRES_URL } : {}),
  ...(process.env.INBOARD_TEST_REDIS_URL ? { REDIS_URL: process.env.INBOARD_TEST_REDIS_URL } : {}),
}
for (const name of readdirSync(dir).sort()) {
  const manifest = join(dir, name, 'package.json')
  if (!existsSync(manifest)) continue
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  const script = pkg.scripts?.smoke ? 'smoke' : pkg.scripts?.start ? 'start' : null
  if (!script) continue
  const needsServers = (pkg.inboard?.needs ?? []).length > 0
  if (needsServers && !serversAnswer() && process.env.CI !== 'true') {
    console.log(`- skipping example ${pkg.name}: ${servers.stderr.trim().split('\n').join(' ')}`)
    continue
  }
  const started = Date.now()
  const result = spawnSync('pnpm', ['--silent', 'run', script], {
    cwd: join(dir, name),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    encoding: 'utf8',
    ...(needsServers ? { env: { ...process.env, ...serverEnv } } : {}),
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status === 0) {
    passed++
    console.log(`✓ example ${pkg.name} (${script}, ${seconds} s)`)
  } else {
    failed++
    console.log(`✗ example ${pkg.name} (${script}) exited ${result.status ?? result.signal} after ${seconds} s`)
    console.log(result.stdout.split('\n').slice(-40).join('\n'))
    console.log(result.stderr.split('\n').slice(-40).join('\n'))
  }
}
console.log(`examples: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
