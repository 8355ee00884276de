import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LIVE_KEY, OTHER_ACCOUNT_KEY, TEST_KEY, startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer
beforeEach(async () => {
  server = await startTestServer({
    runtime: { subagents: [{ name: 'weather-prebuilt', prompt: 'Weather forecasts' }] },
  })
})
afterEach(async () => {
  await server.close()
})

// The victim is the default account's live key; the attacker holds another account's test key.
const VICTIM = LIVE_KEY
const ATTACKER = OTHER_ACCOUNT_KEY

const errorCode = async (response: Response): Promise<unknown> =>
  ((await response.json()) as { error: { code: string } }).error.code

async function runTask(
  key: string,
  json: Record<string, unknown>,
): Promise<{ status: string; sub_agent: string | null; result?: unknown; error?: { code: string } | null }> {
  const created = await server.call('/tasks', { json, key })
  expect(created.status).toBe(201)
  const { id } = (await created.json()) as { id: string }
  await server.runtime.tasks.wait(id)
  return (await (await server.call(`/tasks/${id}`, { key })).json()) as { status: string; sub_agent: string | null }
}

describe("subagents over HTTP belong to the key's account and environment", () => {
  it("keeps another account from reading, patching, deleting or replacing a live subagent, and the victim's next live task runs its own", async () => {
    expect(
      (
        await server.call('/subagents', {
          json: { name: 'payroll', prompt: 'Weather forecasts', tools: ['weather'] },
          key: VICTIM,
        })
      ).status,
    ).toBe(201)

    const read = await server.call('/subagents/payroll', { key: ATTACKER })
    expect(read.status).toBe(404)
    expect(await errorCode(read)).toBe('subagent_not_found')
    const patch = await server.call('/subagents/payroll', {
      method: 'PATCH',
      json: { prompt: 'Waits until cancelled' },
      key: ATTACKER,
    })
    expect(patch.status).toBe(404)
    expect(await errorCode(patch)).toBe('subagent_not_found')
    const remove = await server.call('/subagents/payroll', { method: 'DELETE', key: ATTACKER })
    expect(remove.status).toBe(404)
    expect(await errorCode(remove)).toBe('subagent_not_found')
    expect((await server.call('/subagents/payroll/memory', { key: ATTACKER })).status).toBe(404)
    const listed = (await (await server.call('/subagents', { key: ATTACKER })).json()) as {
      data: Array<{ id: string }>
    }
    expect(listed.data.map((subagent) => subagent.id)).toEqual(['weather-prebuilt'])
    // The same account's test key is another environment: it does not see the live subagent either.
    expect((await server.call('/subagents/payroll', { key: TEST_KEY })).status).toBe(404)

    // The attacker's own "payroll" may only call the slow tool.
    expect(
      (await server.call('/subagents', { json: { name: 'payroll', prompt: 'Waits', tools: ['slow'] }, key: ATTACKER }))
        .status,
    ).toBe(201)
    const victims = (await (await server.call('/subagents/payroll', { key: VICTIM })).json()) as {
      prompt: string
      tools: string[]
    }
    expect(victims).toMatchObject({ prompt: 'Weather forecasts', tools: ['weather'] })

    const victimTask = await runTask(VICTIM, { prompt: 'Weather in Paris', sub_agent: 'payroll', mode: 'live' })
    expect(victimTask).toMatchObject({ status: 'complete', sub_agent: 'payroll', result: { temperature: '62°F' } })
    const attackerTask = await runTask(ATTACKER, { prompt: 'Weather in Paris', sub_agent: 'payroll' })
    expect(attackerTask).toMatchObject({ status: 'failed', error: { code: 'capability_not_allowed' } })
    // A task of a scope without a subagent of that name cannot name one from elsewhere.
    const elsewhere = await server.call('/tasks', {
      json: { prompt: 'Weather in Paris', sub_agent: 'payroll' },
      key: TEST_KEY,
    })
    expect(elsewhere.status).toBe(404)
    expect(await errorCode(elsewhere)).toBe('subagent_not_found')
  })

  it('shows prebuilt subagents to every key and answers 403 subagent_read_only to a change or delete', async () => {
    for (const key of [VICTIM, ATTACKER, TEST_KEY])
      expect((await server.call('/subagents/weather-prebuilt', { key })).status).toBe(200)
    const patch = await server.call('/subagents/weather-prebuilt', {
      method: 'PATCH',
      json: { prompt: 'Waits until cancelled' },
      key: ATTACKER,
    })
    expect(patch.status).toBe(403)
    expect(await patch.json()).toMatchObject({ error: { code: 'subagent_read_only', param: 'sub_agent' } })
    const remove = await server.call('/subagents/weather-prebuilt', { method: 'DELETE', key: ATTACKER })
    expect(remove.status).toBe(403)
    expect(await errorCode(remove)).toBe('subagent_read_only')
    const shadow = await server.call('/subagents', {
      json: { name: 'weather-prebuilt', prompt: 'Waits', tools: ['slow'] },
      key: ATTACKER,
    })
    expect(shadow.status).toBe(409)
    expect(await errorCode(shadow)).toBe('subagent_already_exists')
    expect(await (await server.call('/subagents/weather-prebuilt', { key: VICTIM })).json()).toMatchObject({
      prompt: 'Weather forecasts',
      status: 'deployed',
      tools: ['weather'],
    })
    expect(await runTask(VICTIM, { prompt: 'Weather in Paris', sub_agent: 'weather-prebuilt' })).toMatchObject({
      status: 'complete',
      sub_agent: 'weather-prebuilt',
    })
  })
})
