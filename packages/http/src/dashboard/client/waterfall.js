import { duration } from './format.js'
import { html } from './html.js'

const TICKS = [0, 0.25, 0.5, 0.75, 1]
const WAITS = {
  input_required: 'waiting for input',
  approval_required: 'waiting for approval',
  oauth_consent_required: 'waiting for consent',
}

/** A pause between steps this long (and at least a tenth of the task) is drawn as a wait. */
const GAP_MS = 1000

/**
 * The trace on a time axis: one row per step, its bar placed at its start and as wide as it took.
 * Retries are labelled: attempts the runtime retried within a step (from its note) and a step
 * that repeats a failed step of the same capability. Waits are hatched rows: the runtime's wait
 * steps, a waiting task's current wait, and any other long pause between steps.
 * A step's note shows on hover.
 */
export function Waterfall({ trace, task, now }) {
  const steps = trace?.steps ?? []
  if (steps.length === 0 && task.status !== 'waiting') return html`<p class="muted">No steps yet.</p>`
  const rows = []
  const origin = Math.min(
    Date.parse(task.started_at ?? task.created_at),
    ...steps.map((step) => Date.parse(step.started_at)),
  )
  let reached = origin
  for (const step of steps) {
    const start = Date.parse(step.started_at)
    const open = step.status === 'running' || step.status === 'waiting'
    const end = start + (open ? Math.max(step.duration_ms, now - start) : step.duration_ms)
    if (start - reached >= GAP_MS) rows.push({ gap: true, start: reached, end: start })
    rows.push({ step, start, end })
    reached = Math.max(reached, end)
  }
  // A call parked on consent is an open `waiting` step already; input and approval waits have none until they end.
  if (task.status === 'waiting' && task.waiting && !steps.some((step) => step.status === 'waiting'))
    rows.push({
      gap: true,
      start: reached,
      end: Math.max(now, reached + 1),
      label: WAITS[task.waiting.reason] ?? 'waiting',
    })
  const span = Math.max(1, Math.max(...rows.map((row) => row.end)) - origin)
  // Pauses shorter than a tenth of the task are not worth a row.
  const shown = rows.filter((row) => !row.gap || row.label || row.end - row.start >= span / 10)
  const failed = new Set()
  const tries = new Map()
  const place = (row) => {
    const left = Math.min(((row.start - origin) / span) * 100, 99.4)
    return { left: `${left}%`, width: `${Math.min(Math.max(0.6, ((row.end - row.start) / span) * 100), 100 - left)}%` }
  }
  return html`
    <div class="waterfall" role="table" aria-label="Trace">
      <div class="wf-row wf-axis" role="row">
        <div class="wf-label" role="columnheader">Step</div>
        <div class="wf-track" role="columnheader">
          ${TICKS.map((tick) => html`<span class="wf-tick" style=${{ left: `${tick * 100}%` }}>${duration(tick * span)}</span>`)}
        </div>
        <div class="wf-took" role="columnheader">Took</div>
      </div>
      ${shown.map((row) => {
        if (row.gap) {
          const label = row.label ?? 'waited'
          return html`
            <div
              class="wf-row wf-waiting wf-gap"
              role="row"
              title=${`${label}: ${duration(row.end - row.start)}`}
              data-gap=${label}
            >
              <div class="wf-label" role="cell">${label}</div>
              <div class="wf-track" role="cell"><${Grid} /><span class="wf-bar" style=${place(row)}></span></div>
              <div class="wf-took" role="cell">${duration(row.end - row.start)}</div>
            </div>
          `
        }
        const { step } = row
        const name = `${step.tool}.${step.action}`
        const attempt = (tries.get(name) ?? 0) + 1
        tries.set(name, attempt)
        const retry = failed.has(name)
        if (step.status === 'failed') failed.add(name)
        else failed.delete(name)
        // The runtime retries transient failures inside one step and notes each attempt.
        const attempts = (step.note ?? '').match(/attempt \d+ failed/g)?.length ?? 0
        // The runtime records the time a task spent waiting (for input, approval, consent) as a step of its own.
        const wait = step.tool === 'runtime' && step.action.startsWith('wait_')
        const hover = [
          `${name} — ${step.status}, ${duration(row.end - row.start)}`,
          step.note,
          step.model ? `model ${step.model}` : null,
        ]
          .filter(Boolean)
          .join('\n')
        return html`
          <div
            class=${`wf-row wf-${wait ? 'wait' : step.status}`}
            role="row"
            title=${hover}
            data-step=${name}
            data-status=${step.status}
          >
            <div class="wf-label" role="cell">
              <span class="mono">${name}</span>
              ${retry ? html` <span class="tag retry">retry ${attempt - 1}</span>` : null}
              ${attempts > 0 ? html` <span class="tag retry">${attempts} ${attempts === 1 ? 'retry' : 'retries'}</span>` : null}
              ${wait ? html` <span class="tag wait">wait</span>` : null}
              ${step.status !== 'complete' ? html` <span class=${`tag st-${step.status}`}>${step.status}</span>` : null}
              ${step.note ? html` <span class="note-mark" aria-label="Has a note">i</span>` : null}
            </div>
            <div class="wf-track" role="cell"><${Grid} /><span class="wf-bar" style=${place(row)}></span></div>
            <div class="wf-took" role="cell">${duration(row.end - row.start)}</div>
          </div>
        `
      })}
    </div>
  `
}

function Grid() {
  return TICKS.slice(1, -1).map((tick) => html`<span class="wf-grid" style=${{ left: `${tick * 100}%` }}></span>`)
}
