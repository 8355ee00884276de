/**
 * The quickstart's curl session, through fetch: create the weather task, poll it until it is done,
 * then read its trace. Prints each request and response the way the README shows them.
 */
export async function runSmokeSession(base: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const show = async (label: string, response: Response): Promise<unknown> => {
    const body: unknown = await response.json()
    console.log(`\n$ ${label}\nHTTP ${response.status}\n${JSON.stringify(body, null, 2)}`)
    return body
  }
  const prompt = 'Look up the current weather in San Francisco and return temperature, conditions, and humidity'
  const created = (await show(`curl -X POST ${base}/v1/tasks -d '{"prompt": "${prompt}"}'`, await fetch(`${base}/v1/tasks`, { method: 'POST', headers, body: JSON.stringify({ prompt }) }))) as { id: string }
  let task: { status: string } = { status: 'running' }
  for (let i = 0; i < 100 && (task.status === 'running' || task.status === 'pending'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    task = (await (await fetch(`${base}/v1/tasks/${created.id}`, { headers })).json()) as { status: string }
  }
  await show(`curl ${base}/v1/tasks/${created.id}`, await fetch(`${base}/v1/tasks/${created.id}`, { headers }))
  await show(`curl ${base}/v1/tasks/${created.id}/trace`, await fetch(`${base}/v1/tasks/${created.id}/trace`, { headers }))
  await show(`curl "${base}/v1/tasks?status=complete&limit=5"`, await fetch(`${base}/v1/tasks?status=complete&limit=5`, { headers }))
  if (task.status !== 'complete') throw new Error(`The weather task ended ${task.status}`)
}
