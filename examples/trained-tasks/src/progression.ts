import { randomBytes } from 'node:crypto'
import { createRuntime, type MemoryEntry, type Storage, type Task } from '@inboard/core'
import { CRM_LIMITS, CrmService, STAGES } from './crm-service.js'
import { crmTool } from './crm-tool.js'
import { createSimulatedModelPlanner } from './model-planner.js'
import { createScaledClock, wait } from './scaled-clock.js'

/** What one run did, in simulated milliseconds. */
export interface RunStats {
  run: number
  user: string
  status: Task['status']
  latencyMs: number
  /** API requests that reached the CRM (OAuth excluded). */
  upstream: number
  rateLimited: number
  retries: number
  consents: number
  modelDecisions: number
  /** Trace notes of memory being learned or used, in order. */
  memory: string[]
}

export interface ProgressionOptions {
  runs?: number
  /** Simulated milliseconds per real millisecond. @default 10 */
  scale?: number
  /** Simulated model latency per planner decision. @default 1500 */
  modelLatencyMs?: number
  /** Simulated time the user takes to approve a consent. @default 500 */
  consentMs?: number
  memory?: boolean
  /** Where the runtime keeps tasks and memory (`sqliteStorage` in the demo). @default in memory */
  storage?: Storage
  /** The key credentials are encrypted with; give the same one to a restart on the same storage. @default random */
  encryptionKey?: Buffer
  /** Runs whose first API request starts a 700 ms incident (502s). @default [8, 25, 40] */
  incidents?: readonly number[]
  /** The run from which the CRM sends renamed fields. @default 20 */
  renameAt?: number
  onRun?: (stats: RunStats) => void
}

export const PROMPT = (stage: string): string =>
  `Pull all deals in stage ${stage} from my CRM with their contacts. Return deal name, amount, stage, expected close date and contact.`

const MEMORY_NOTE =
  /learned|paced|replayed|mapped|used learned|requested learned|probing|retry policy|forgot|refused|revised|falling back/

/** The three users of the demo: the first run of each connects the CRM; later runs reuse the connection. */
const userOf = (run: number): string => `user_${((run - 1) % 3) + 1}`

/**
 * Runs the same kind of task `runs` times against the demo CRM and reports each run: the
 * progression the reference documents, measured.
 */
export async function runProgression(
  options: ProgressionOptions = {},
): Promise<{ stats: RunStats[]; entries: MemoryEntry[] }> {
  const runs = options.runs ?? 50
  const clock = createScaledClock(options.scale ?? 10)
  const crm = new CrmService(clock)
  await crm.start()
  const planner = createSimulatedModelPlanner({ clock, latencyMs: options.modelLatencyMs ?? 1_500 })
  const runtime = createRuntime({
    clock,
    tools: [crmTool(crm.url)],
    planner,
    subagents: [{ name: 'crm-agent', prompt: 'CRM: deals, pipeline and contacts', tools: ['crm'] }],
    ...(options.storage ? { storage: options.storage } : {}),
    memory: { enabled: options.memory ?? true },
    limits: { retries: 4 },
    auth: {
      encryptionKey: options.encryptionKey ?? randomBytes(32),
      services: {
        crm: {
          type: 'oauth2',
          authorizeUrl: `${crm.url}/oauth/authorize`,
          tokenUrl: `${crm.url}/oauth/token`,
          clientId: crm.oauth.clientId,
          scopes: ['deals.read'],
          redirectUri: 'https://app.example/oauth/callback',
        },
      },
    },
  })
  const stats: RunStats[] = []
  try {
    // Load what the store holds before the first run (SQLite answers in real time).
    await runtime.memory.list()
    for (let run = 1; run <= runs; run++) {
      if (run === (options.renameAt ?? 20)) crm.renameFields()
      if ((options.incidents ?? [8, 25, 40]).includes(run)) crm.armIncident(700)
      const user = userOf(run)
      const before = { ...crm.counters, consents: crm.oauth.consents, decisions: planner.decisions }
      const started = clock.now()
      const task = await runtime.tasks.create({
        prompt: PROMPT(STAGES[(run - 1) % STAGES.length]!),
        sub_agent: 'crm-agent',
        user_id: user,
      })
      let done = await runtime.tasks.wait(task.id, { until: 'waiting' })
      while (done.status === 'waiting' && done.waiting?.reason === 'oauth_consent_required') {
        await wait(clock, options.consentMs ?? 500)
        const redirect = await fetch(`${done.waiting.auth_url}&login=${user}`, { redirect: 'manual' })
        const location = new URL(redirect.headers.get('location') ?? '')
        await runtime.auth.complete({
          state: location.searchParams.get('state') ?? '',
          code: location.searchParams.get('code') ?? '',
        })
        done = await runtime.tasks.wait(task.id, { until: 'waiting' })
      }
      const notes = (await runtime.tasks.trace(task.id)).steps.flatMap((step) => (step.note ?? '').split('; '))
      const result = {
        run,
        user,
        status: done.status,
        latencyMs: clock.now() - started,
        upstream: crm.counters.api - before.api,
        rateLimited: crm.counters.rateLimited - before.rateLimited,
        retries: notes.filter((note) => note.includes('retrying in')).length,
        consents: crm.oauth.consents - before.consents,
        modelDecisions: planner.decisions - before.decisions,
        memory: notes.filter((note) => MEMORY_NOTE.test(note) && !note.includes('retrying in')),
      }
      stats.push(result)
      options.onRun?.(result)
    }
    return { stats, entries: await runtime.memory.get('crm-agent') }
  } finally {
    await runtime.close({ deadlineMs: 1_000 })
    await crm.close()
  }
}

export { CRM_LIMITS }
