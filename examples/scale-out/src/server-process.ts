import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** A server.ts process started by {@link startServer}. */
export interface ServerProcess {
  readonly name: string
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  stop(): Promise<void>
}

const script = fileURLToPath(new URL('./server.ts', import.meta.url))

/** Starts server.ts on a free port with the given environment; resolves once it listens. */
export function startServer(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, script], {
    env: { ...process.env, ...env, PORT: '0', INBOARD_PROCESS_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`process ${name} did not start within 100 s\n${stderr}`))
    }, 100_000)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`process ${name} exited before it listened\n${stderr}`))
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      console.log(`  [${name}] ${line}`)
      const listening = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(line)
      if (listening === null) return
      clearTimeout(timer)
      resolve({ name, base: listening[1]!, stop })
    })
  })
}
