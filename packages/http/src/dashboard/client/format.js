import { html } from './html.js'

export const TERMINAL = new Set(['complete', 'failed', 'cancelled'])

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`}>${status}</span>`
}

/** "420 ms", "3.2 s", "4 min 12 s". */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

/** "12 s ago", with the exact time on hover. */
export function Time({ iso }) {
  if (!iso) return html`<span class="muted">–</span>`
  const ms = Date.now() - Date.parse(iso)
  const text =
    ms < 5_000
      ? 'just now'
      : ms < 3_600_000
        ? `${duration(ms).replace(/\.\d+ s$/, ' s')} ago`
        : new Date(iso).toLocaleString()
  return html`<time datetime=${iso} title=${iso}>${text}</time>`
}

/** When a task ended, whichever way it ended. */
export function finishedAt(task) {
  return task.completed_at ?? task.failed_at ?? task.cancelled_at ?? null
}

export function taskDuration(task) {
  const start = task.started_at ?? task.created_at
  const end = finishedAt(task)
  return end ? Date.parse(end) - Date.parse(start) : null
}

export function json(value) {
  return JSON.stringify(value, null, 2) ?? 'undefined'
}

/** Only http(s) links are rendered: a `javascript:` URL in data must not become a link. */
export function safeUrl(value) {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

export function ErrorNote({ error }) {
  if (!error) return null
  return html`<p class="error-note" role="alert">
    ${error.code ? html`<code>${error.code}</code> ` : null}${error.message ?? String(error)}
  </p>`
}
