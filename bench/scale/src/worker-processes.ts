// Starts a worker script as N Node processes (same Node flags as this one) and stops them.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** Processes started by {@link startWorkers}. */
export interface WorkerProcesses {
  stop(): Promise<void>
}

const alive = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL')
})

function startOne(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  alive.add(child)
  child.once('exit', () => alive.delete(child))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 180 s`)), 180_000)
    child.once('exit', (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before it was ready`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.trim() !== 'ready') return
      clearTimeout(timer)
      resolve(child)
    })
  })
}

/** Starts `count` processes of `script` (a path relative to this file) and resolves once all print `ready`. */
export async function startWorkers(
  script: string,
  count: number,
  env: Record<string, string>,
): Promise<WorkerProcesses> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startOne(script, env)))
  const children = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }),
    )
  }
  const failed = started.find((result) => result.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return { stop }
}
