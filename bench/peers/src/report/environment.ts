import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import type { Library } from '../libraries.js'

const NODE_MODULES = new URL('../../node_modules/', import.meta.url)

/** Installed versions of a library's packages, as resolved from this benchmark's node_modules. */
export function installedVersions(library: Library): Record<string, string> {
  const versions: Record<string, string> = {}
  for (const name of library.packages) {
    const manifest = JSON.parse(readFileSync(new URL(`${name}/package.json`, NODE_MODULES), 'utf8')) as {
      version: string
    }
    versions[name] = manifest.version
  }
  return versions
}

export interface Machine {
  cpu: string
  cores: number
  memoryGb: number
  os: string
  node: string
  commit: string | null
  /** One-minute load averages at the start and end of the benchmark: other work skews results. */
  load: [number, number]
}

function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
}

/** HEAD, flagged when the measured packages differ from it. */
function currentCommit(): string | null {
  try {
    const dirty = git(['status', '--porcelain', '--', 'packages']) !== ''
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' + uncommitted changes in packages/' : ''}`
  } catch {
    return null
  }
}

/** Describes the machine; `loadAtStart` is `os.loadavg()[0]` sampled before the first runner. */
export function describeMachine(loadAtStart: number): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: currentCommit(),
    load: [loadAtStart, os.loadavg()[0] ?? Number.NaN],
  }
}
