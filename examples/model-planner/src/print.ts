import type { Task, Trace } from '@inboard/core'

export function heading(text: string): void {
  console.log(`\n━━ ${text}`)
}

export function printTask(task: Task): void {
  if (task.status === 'complete') console.log(`  result: ${JSON.stringify(task.result)}`)
  else console.log(`  ${task.status}${task.error ? `: ${task.error.code} — ${task.error.message}` : ''}`)
  console.log(
    `  usage: ${task.usage ? `${task.usage.input_tokens} input + ${task.usage.output_tokens} output tokens` : 'no model call'}`,
  )
}

/** Every step: capability calls, and model calls with their model id and tokens. */
export function printTrace(trace: Trace): void {
  console.log(`  trace (${trace.total_duration_ms} ms, sub_agent ${trace.sub_agent ?? 'none'}):`)
  for (const step of trace.steps) {
    const model = step.model ? ` ${step.model}` : ''
    const tokens = step.usage ? ` [${step.usage.input_tokens}+${step.usage.output_tokens} tokens]` : ''
    const note = step.note ? `  — ${step.note.length > 160 ? `${step.note.slice(0, 160)}…` : step.note}` : ''
    console.log(
      `    ${`${step.tool}.${step.action}`.padEnd(26)} ${step.status.padEnd(9)} ${String(step.duration_ms).padStart(5)} ms${model}${tokens}${note}`,
    )
  }
}
