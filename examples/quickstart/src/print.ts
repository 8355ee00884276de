import type { Runtime, Task, Trace } from '@inboard/core'

/** Prints every status change of the runtime's tasks as it happens. */
export function printStatusChanges(runtime: Runtime): void {
  runtime.subscribe((event) => {
    if (!event.type.startsWith('task.') || event.type === 'task.progress') return
    const extra =
      event.type === 'task.waiting' ? ` (${event.task.waiting?.reason}: ${event.task.waiting?.message})` : ''
    console.log(`  · ${event.task_id.slice(0, 14)}…  ${event.type}${extra}`)
  })
}

export function printResult(task: Task): void {
  if (task.status === 'complete')
    console.log(`  result: ${JSON.stringify(task.result, null, 2).replaceAll('\n', '\n  ')}`)
  else if (task.error) console.log(`  ${task.status}: ${task.error.code} — ${task.error.message}`)
  else console.log(`  ${task.status}`)
}

export function printTrace(trace: Trace): void {
  console.log(`  trace (${trace.total_duration_ms} ms, sub_agent ${trace.sub_agent ?? 'none'}):`)
  for (const step of trace.steps) {
    const note = step.note ? `  — ${step.note}` : ''
    console.log(
      `    ${`${step.tool}.${step.action}`.padEnd(28)} ${step.status.padEnd(9)} ${String(step.duration_ms).padStart(5)} ms${note}`,
    )
  }
}

export function heading(text: string): void {
  console.log(`\n━━ ${text}`)
}
