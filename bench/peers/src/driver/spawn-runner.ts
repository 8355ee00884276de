import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RESULT_PREFIX } from '../harness/measurement.js'
import type { LibraryMeasurement } from '../harness/measurement.js'
import type { Library } from '../libraries.js'

export type RunnerOutcome = { ok: true; measurement: LibraryMeasurement } | { ok: false; reason: string }

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))
const RUNNER_TIMEOUT_MS = 300_000

/** The thrown error's message line if there is one, else the output's last lines. */
function reasonFrom(output: string): string {
  const lines = output.trim().split('\n')
  const error = lines.find((line) => /^\s*(\w*Error|Error)\b.*:/.test(line))
  return (error ?? lines.slice(-3).join(' ')).trim() || 'no output'
}

/** Measures one library in a fresh Node process and returns the JSON line its runner printed. */
export function spawnRunner(library: Library): Promise<RunnerOutcome> {
  // Inboard resolves to its built output (dist), as the peers run their published builds.
  const args = ['--expose-gc', '--import', 'tsx', `src/runners/${library.runner}`]
  const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), RUNNER_TIMEOUT_MS)

  return new Promise((resolve) => {
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ ok: false, reason: `could not start: ${error.message}` })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX))
      if (code === 0 && line !== undefined) {
        resolve({ ok: true, measurement: JSON.parse(line.slice(RESULT_PREFIX.length)) as LibraryMeasurement })
        return
      }
      const why =
        signal === null ? `exited with code ${String(code)}` : `killed by ${signal} after ${RUNNER_TIMEOUT_MS / 1000} s`
      resolve({ ok: false, reason: `${why}: ${reasonFrom(stderr || stdout)}` })
    })
  })
}
