import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createRuntime,
  WaitRequest,
  type CallMiddleware,
  type Planner,
  type PlannerDecision,
  type Runtime,
} from '@inboard/core'
import { createHandler, type InboardHandler } from '@inboard/http'
import { createNodeServer } from '@inboard/http/node'
import { defineTool, ToolError } from '@inboard/tools'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { browserTestsRun, launchChromium } from './support/chromium.js'

/** Screenshots of every page, kept by CI as artifacts (git ignores test-results/). */
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-results', 'dashboard')
const KEY = 'pk_live_dashboardBrowserKey0123'
const XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Weather in Lisbon'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A job the test finishes when it wants to see the list update live. */
let releaseJob: () => void = () => {}
const jobDone = new Promise<void>((resolve) => (releaseJob = resolve))
let crmCalls = 0

const tools = [
  defineTool({
    name: 'weather',
    description: 'Current weather',
    tags: ['weather'],
    capabilities: {
      current: {
        description: 'Current conditions in a city',
        input: z.object({ city: z.string() }),
        run: async ({ city }) => (await sleep(120), { city, temperature: '18°C', conditions: 'Partly cloudy' }),
      },
    },
  }),
  defineTool({
    name: 'crm',
    description: 'Contacts',
    tags: ['crm', 'contacts'],
    capabilities: {
      // Every other call fails once with a 503: the runtime retries it within the step.
      find_contact: {
        description: 'Find a contact by name',
        input: z.object({ name: z.string() }),
        run: async ({ name }) => {
          await sleep(50)
          if (++crmCalls % 2 === 1) throw new ToolError('transient', 'The CRM answered 503')
          return { name, email: 'ada@example.com' }
        },
      },
    },
  }),
  defineTool({
    name: 'mailer',
    description: 'Sends email',
    tags: ['email'],
    capabilities: {
      send: {
        description: 'Send an email',
        input: z.object({ to: z.string(), subject: z.string() }),
        sideEffects: true,
        requiresApproval: true,
        run: async () => (await sleep(30), { sent: true }),
      },
    },
  }),
  defineTool({
    name: 'calendar',
    description: 'The end user’s calendar',
    tags: ['calendar'],
    capabilities: {
      list: { description: 'List events', input: z.object({ consent: z.string() }), run: () => ({ events: [] }) },
    },
  }),
  defineTool({
    name: 'jobs',
    description: 'Long jobs',
    tags: ['jobs'],
    capabilities: {
      run: {
        description: 'Run the nightly job',
        input: z.object({}),
        run: async () => (await jobDone, { rows: 1200 }),
      },
    },
  }),
]

/** Parks calendar calls on consent, with the consent URL the call names (a safe one or a `javascript:` one). */
const consent: CallMiddleware = {
  name: 'consent',
  call(site, next) {
    if (site.tool !== 'calendar') return next()
    const url = (site.input as { consent: string }).consent
    throw new WaitRequest({
      reason: 'oauth_consent_required',
      service: 'calendar',
      auth_url: url,
      message: 'Connect your calendar to continue',
    })
  },
}

const call = (tool: string, capability: string, input: Record<string, unknown>): PlannerDecision => ({
  type: 'call',
  calls: [{ tool, capability, input }],
})

/** Decides by the prompt's first word, so one runtime holds tasks in every state. */
const planner: Planner = {
  name: 'dashboard-test',
  plan({ task, history, input }) {
    const prompt = task.prompt
    const done = history.length
    if (prompt.startsWith('Fail'))
      return done === 0
        ? call('weather', 'current', { city: 'Oslo' })
        : {
            type: 'fail',
            message: 'The report service is down',
            recoverable: true,
            suggestion: 'Try again in a minute',
          }
    if (prompt.startsWith('Ask')) {
      const city = input.values['city']
      if (typeof city !== 'string')
        return {
          type: 'ask',
          message: 'Which city should the report cover?',
          fields: [{ name: 'city', description: 'A city name', type: 'string' }],
        }
      return done === 0 ? call('weather', 'current', { city }) : { type: 'finish', result: history[0]!.output }
    }
    if (prompt.startsWith('Email'))
      return done === 0
        ? call('mailer', 'send', { to: 'ada@example.com', subject: 'Your report' })
        : { type: 'finish', result: history[0]!.output }
    if (prompt.startsWith('Calendar')) return call('calendar', 'list', { consent: prompt.slice('Calendar '.length) })
    if (prompt.startsWith('Run'))
      return done === 0 ? call('jobs', 'run', {}) : { type: 'finish', result: history[0]!.output }
    if (done === 0) return call('weather', 'current', { city: 'Lisbon' })
    if (done === 1) return call('crm', 'find_contact', { name: 'Ada' })
    return { type: 'finish', result: { weather: history[0]!.output, contact: history[1]!.output } }
  },
}

const runs = browserTestsRun()

describe.runIf(runs)('the dashboard in Chromium', () => {
  let runtime: Runtime
  let handler: InboardHandler
  let server: Server
  let origin: string
  let browser: Browser
  let page: Page
  const problems: string[] = []
  const ids: Record<string, string> = {}

  const api = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${origin}/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    expect(response.status, `${path}: ${response.status}`).toBeLessThan(300)
    return (await response.json()) as Record<string, unknown>
  }
  // ?wait answers once the task is finished or waiting; the running job would hold it for the full wait.
  const create = async (prompt: string, extra: Record<string, unknown> = {}, wait = 10): Promise<string> =>
    ((await api(`/tasks?wait=${wait}`, { prompt, ...extra })) as { id: string }).id
  /**
   * Waits until the list shows exactly these tasks. The page's CSP forbids eval, so the check is a
   * function, typed by hand (no DOM types here). It polls on a timer: headless Chromium draws no
   * frames on a page that has stopped changing, so the default requestAnimationFrame polling can
   * wait forever for a list that is already right.
   */
  const rowsAre = (expected: string[]): Promise<unknown> =>
    page.waitForFunction(
      (want) => {
        const { document } = globalThis as unknown as {
          document: { querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> }
        }
        return (
          JSON.stringify(
            Array.from(document.querySelectorAll('tbody tr'), (row) => row.getAttribute('data-task')).sort(),
          ) === want
        )
      },
      JSON.stringify([...expected].sort()),
      { polling: 100 },
    )
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    runtime = createRuntime({
      tools,
      planner,
      middleware: [consent],
      limits: { retryMinDelayMs: 60, retryMaxDelayMs: 120 },
    })
    handler = createHandler(runtime, {
      keys: [{ key: KEY }],
      dashboard: true,
      rateLimit: { requestsPerMinute: 10_000 },
    })
    server = createNodeServer(handler)
    origin = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
    )
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1200, height: 760 } })
    // Generous: CI runs this beside the other test files on two cores.
    page.setDefaultTimeout(20_000)
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))

    await api('/subagents', {
      name: 'ops-agent',
      prompt: 'Reports on the weather and looks up contacts in the CRM',
      tools: ['weather', 'crm'],
    })
    await api('/subagents', { name: 'mail-agent', prompt: 'Emails reports to customers', tools: ['mailer'] })
    ids['complete'] = await create('Weather in Lisbon and Ada’s contact', {
      sub_agent: 'ops-agent',
      user_id: 'user_ada',
    })
    ids['failed'] = await create('Fail the weekly report', { sub_agent: 'ops-agent', user_id: 'user_bob' })
    ids['input'] = await create('Ask which city, then report its weather', { user_id: 'user_ada' })
    ids['approval'] = await create('Email Ada her report', { sub_agent: 'mail-agent', user_id: 'user_ada' })
    ids['running'] = await create('Run the nightly job', { user_id: 'user_cy' }, 0)
    ids['consent'] = await create('Calendar https://accounts.example.com/oauth?state=abc&scope=calendar', {
      user_id: 'user_ada',
    })
    ids['consentScript'] = await create('Calendar javascript:alert(1)', { user_id: 'user_ada' })
    ids['xss'] = await create(XSS, { sub_agent: 'ops-agent', user_id: 'user_eve' })
  }, 60_000)

  afterAll(async () => {
    releaseJob()
    await browser?.close()
    await handler?.close()
    server?.closeAllConnections()
    if (server) await new Promise((resolve) => server.close(resolve))
    await runtime?.close({ deadlineMs: 1_000 })
  }, 60_000)

  it('asks for the API key, then lists tasks in every state and updates a row live when its task completes', async () => {
    await page.goto(`${origin}/dashboard/`)
    // A key the server does not know is refused before the page keeps it.
    await page.fill('#api-key', 'pk_live_notAKeyOfThisServer000')
    await page.click('button[type=submit]')
    expect(await page.locator('.error-note').textContent()).toContain('invalid_api_key')
    await shot('key')
    // The browser logs the refused request itself; nothing else may be logged.
    expect(problems.splice(0)).toEqual([expect.stringContaining('401')])
    await page.fill('#api-key', KEY)
    await page.click('button[type=submit]')
    for (const [state, status] of [
      ['complete', 'complete'],
      ['failed', 'failed'],
      ['input', 'waiting'],
      ['approval', 'waiting'],
      ['running', 'running'],
    ]) {
      await page.waitForSelector(`tr[data-task="${ids[state!]}"][data-status="${status}"]`)
    }
    await page.waitForSelector('.live-live')
    await shot('task-list')
    // Nothing reloads the page: the completion arrives over the event stream.
    releaseJob()
    await page.waitForSelector(`tr[data-task="${ids['running']}"][data-status="complete"]`)
    // Filters narrow the list through the API's own query parameters.
    await page.selectOption('select[name=status]', 'waiting')
    await rowsAre([ids['input']!, ids['approval']!, ids['consent']!, ids['consentScript']!])
    await page.selectOption('select[name=status]', '')
    await page.selectOption('select[name=sub_agent]', 'mail-agent')
    await rowsAre([ids['approval']!])
    await page.selectOption('select[name=sub_agent]', '')
    await rowsAre(Object.values(ids))
    // A live update that arrives while the user types keeps what was typed.
    await page.fill('input[name=user_id]', 'user_bob')
    const arrived = await create('Calendar https://accounts.example.com/oauth?state=dee', { user_id: 'user_dee' })
    await page.waitForSelector(`tr[data-task="${arrived}"]`)
    expect(await page.inputValue('input[name=user_id]')).toBe('user_bob')
    await page.press('input[name=user_id]', 'Enter')
    await rowsAre([ids['failed']!])
  }, 60_000)

  it('shows a finished task’s prompt, result and its trace as a waterfall with the retry visible', async () => {
    await page.goto(`${origin}/dashboard/#/tasks/${ids['complete']}`)
    await page.waitForSelector('.waterfall')
    const steps = await Promise.all(
      (await page.locator('.wf-row[data-step]').all()).map((row) => row.getAttribute('data-step')),
    )
    expect(steps).toEqual(expect.arrayContaining(['weather.current', 'crm.find_contact']))
    const crm = page.locator('.wf-row[data-step="crm.find_contact"]')
    expect(await crm.locator('.tag.retry').textContent()).toBe('1 retry')
    expect(await crm.getAttribute('title')).toMatch(/attempt 1 failed \(transient\)/)
    // Bars sit on one time axis: the CRM call starts after the weather call.
    const [weatherBox, crmBox] = await Promise.all(
      ['weather.current', 'crm.find_contact'].map((step) =>
        page.locator(`.wf-row[data-step="${step}"] .wf-bar`).boundingBox(),
      ),
    )
    expect(crmBox!.x).toBeGreaterThan(weatherBox!.x + weatherBox!.width - 2)
    expect(await page.textContent('.result')).toContain('ada@example.com')
    await shot('task-complete')

    await page.goto(`${origin}/dashboard/#/tasks/${ids['failed']}`)
    await page.waitForSelector('.failure')
    expect(await page.textContent('.failure')).toContain('The report service is down')
    await shot('task-failed')
  }, 60_000)

  it('completes a task waiting for input when the form is submitted', async () => {
    await page.goto(`${origin}/dashboard/#/tasks/${ids['input']}`)
    await page.waitForSelector('.waiting[data-reason="input_required"]')
    expect(await page.textContent('.waiting')).toContain('Which city should the report cover?')
    await page.waitForSelector('.wf-row[data-gap="waiting for input"]')
    await page.fill('.input-form input[name=city]', 'Porto')
    await shot('task-waiting-input')
    await page.click('.input-form button[type=submit]')
    await page.waitForSelector('.badge.status-complete')
    await page.locator('.result', { hasText: 'Porto' }).waitFor()
    // The time it waited stays visible between the steps.
    await page.waitForSelector('.wf-row.wf-wait[data-step="runtime.wait_input_required"]')
    await shot('task-after-input')
    expect((await api(`/tasks/${ids['input']}`)).status).toBe('complete')
  }, 60_000)

  it('approves a call waiting for approval', async () => {
    await page.goto(`${origin}/dashboard/#/tasks/${ids['approval']}`)
    await page.waitForSelector('.waiting[data-reason="approval_required"]')
    expect(await page.textContent('.approval')).toContain('mailer.send')
    await shot('task-waiting-approval')
    await page.click('button.approve')
    await page.waitForSelector('.badge.status-complete')
    expect((await api(`/tasks/${ids['approval']}`)).result).toEqual({ sent: true })
  }, 60_000)

  it('shows the consent URL of a task waiting for consent, as a link only when it is http(s)', async () => {
    await page.goto(`${origin}/dashboard/#/tasks/${ids['consent']}`)
    await page.waitForSelector('.waiting[data-reason="oauth_consent_required"]')
    expect(await page.getAttribute('a.consent-url', 'href')).toBe(
      'https://accounts.example.com/oauth?state=abc&scope=calendar',
    )
    await shot('task-waiting-consent')
    await page.goto(`${origin}/dashboard/#/tasks/${ids['consentScript']}`)
    await page.waitForSelector('.waiting[data-reason="oauth_consent_required"]')
    expect(await page.$$('a.consent-url')).toHaveLength(0)
    expect(await page.textContent('.consent')).toContain('javascript:alert(1)')
  }, 60_000)

  it('renders a prompt containing <script> as text and runs none of it', async () => {
    await page.goto(`${origin}/dashboard/#/tasks/${ids['xss']}`)
    await page.waitForSelector('.prompt')
    expect(await page.textContent('.prompt')).toBe(XSS)
    expect(await page.$$('.prompt script, .prompt img')).toHaveLength(0)
    expect(await page.evaluate(() => typeof (globalThis as { __pwned?: unknown }).__pwned)).toBe('undefined')
    await shot('task-script-prompt')
  }, 60_000)

  it('shows subagents with the capabilities each may call, and their memory with provenance and a reset', async () => {
    await page.goto(`${origin}/dashboard/#/subagents`)
    await page.waitForSelector('.subagent[data-subagent="ops-agent"]')
    expect(await page.textContent('.subagent[data-subagent="ops-agent"] .capabilities')).toContain('crm.find_contact')
    expect(await page.textContent('.subagent[data-subagent="mail-agent"] .capabilities')).toContain('mailer.send')
    await shot('subagents')

    await page.click('.subagent[data-subagent="ops-agent"] a[href$="ops-agent"]')
    await page.waitForSelector('tr[data-entry]')
    expect(await page.textContent('table.memory')).toContain(ids['complete'])
    await shot('memory')
    page.once('dialog', (dialog) => void dialog.accept())
    await page.click('text=Reset memory')
    await page.waitForSelector('.notice')
    expect(await page.textContent('.notice')).toMatch(/^Forgot \d+ entr/)
    await page.waitForSelector('.empty')
    expect((await api('/subagents/ops-agent/memory')).entries).toEqual([])
  }, 60_000)

  it('logged no script error or Content-Security-Policy violation', () => {
    expect(problems).toEqual([])
  })
})
