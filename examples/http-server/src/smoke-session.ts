/**
 * The quickstart's curl session, through fetch: create the weather task, poll it until it is done,
 * then read its trace. Prints each request and response the way the README shows them.
 */
export async function runSmokeSession(base: string, key: string): Promise<{ complete: string; waiting: string }> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const show = async (label: string, response: Response): Promise<unknown> => {
    const body: unknown = await response.json()
    console.log(`\n$ ${label}\nHTTP ${response.status}\n${JSON.stringify(body, null, 2)}`)
    return body
  }
  const prompt = 'Look up the current weather in San Francisco and return temperature, conditions, and humidity'
  const created = (await show(
    `curl -X POST ${base}/v1/tasks -d '{"prompt": "${prompt}"}'`,
    await fetch(`${base}/v1/tasks`, { method: 'POST', headers, body: JSON.stringify({ prompt }) }),
  )) as { id: string }
  let task: { status: string } = { status: 'running' }
  for (let i = 0; i < 100 && (task.status === 'running' || task.status === 'pending'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    task = (await (await fetch(`${base}/v1/tasks/${created.id}`, { headers })).json()) as { status: string }
  }
  await show(`curl ${base}/v1/tasks/${created.id}`, await fetch(`${base}/v1/tasks/${created.id}`, { headers }))
  await show(
    `curl ${base}/v1/tasks/${created.id}/trace`,
    await fetch(`${base}/v1/tasks/${created.id}/trace`, { headers }),
  )
  await show(
    `curl "${base}/v1/tasks?status=complete&limit=5"`,
    await fetch(`${base}/v1/tasks?status=complete&limit=5`, { headers }),
  )
  if (task.status !== 'complete') throw new Error(`The weather task ended ${task.status}`)
  // A task that waits for input: it is still waiting after the restart, and resumes there.
  const ask = (await (
    await fetch(`${base}/v1/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: 'Look up the current weather' }),
    })
  ).json()) as { id: string }
  let asked: { status: string } = { status: 'pending' }
  for (let i = 0; i < 100 && asked.status !== 'waiting'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    asked = (await (await fetch(`${base}/v1/tasks/${ask.id}`, { headers })).json()) as { status: string }
  }
  await show(`curl ${base}/v1/tasks/${ask.id}`, await fetch(`${base}/v1/tasks/${ask.id}`, { headers }))
  if (asked.status !== 'waiting') throw new Error(`The task without a location is ${asked.status}, not waiting`)
  return { complete: created.id, waiting: ask.id }
}

/** After a restart on the same file: the finished task reads the same, the waiting one resumes. */
export async function checkRestart(
  base: string,
  key: string,
  session: { complete: string; waiting: string },
): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  console.log('\n--- restarted on the same SQLite file ---')
  const done = (await (await fetch(`${base}/v1/tasks/${session.complete}`, { headers })).json()) as { status: string }
  console.log(`GET /v1/tasks/${session.complete} → ${done.status}`)
  if (done.status !== 'complete') throw new Error(`After the restart the weather task is ${done.status}`)
  const input = await fetch(`${base}/v1/tasks/${session.waiting}/input`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ values: { location: 'Paris' } }),
  })
  console.log(`POST /v1/tasks/${session.waiting}/input → HTTP ${input.status}`)
  if (input.status !== 200) throw new Error(`Input to the waiting task after the restart: HTTP ${input.status}`)
  let task: { status: string } = { status: 'running' }
  for (let i = 0; i < 100 && task.status !== 'complete' && task.status !== 'failed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    task = (await (await fetch(`${base}/v1/tasks/${session.waiting}`, { headers })).json()) as { status: string }
  }
  console.log(`GET /v1/tasks/${session.waiting} → ${task.status}`)
  if (task.status !== 'complete') throw new Error(`The resumed task ended ${task.status}`)
}
