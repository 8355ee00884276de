import { useEffect, useState } from 'preact/hooks'
import { api, enc } from './api.js'
import { ErrorNote, Time, json } from './format.js'
import { html } from './html.js'

const KINDS = {
  oauth_scopes: 'OAuth scopes',
  rate_limit: 'Rate limit',
  field_rename: 'Field rename',
  page_size: 'Page size',
  retry_pattern: 'Retry pattern',
  plan: 'Plan',
}

/** One line saying what an entry learned. */
function summary(entry) {
  const value = entry.value
  switch (entry.kind) {
    case 'oauth_scopes':
      return value.scopes.join(', ')
    case 'rate_limit':
      return `${value.limit} calls per ${value.window_ms / 1000} s`
    case 'field_rename':
      return `${value.path ? `${value.path}: ` : ''}${value.from} → ${value.to}`
    case 'page_size':
      return `${value.field}: ${value.largest_ok ?? '?'} works${value.smallest_rejected === null ? '' : `, ${value.smallest_rejected} refused`}`
    case 'retry_pattern':
      return `${value.code}: seen ${value.seen}×, recovered ${value.recovered}× after ~${Math.round(value.recovery_ms)} ms`
    case 'plan':
      return `${value.shape} → ${value.decisions.map((decision) => decision.calls.map((call) => `${call.tool}.${call.capability}`).join(' + ')).join(' → ')}`
    default:
      return json(value)
  }
}

/** What a subagent learned, each fact with the task that taught it; resettable per tool or whole. */
export function MemoryPage({ id }) {
  const [memory, setMemory] = useState(null)
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState(null)
  const load = () =>
    api(`/subagents/${enc(id)}/memory`)
      .then(setMemory)
      .catch(setError)
  useEffect(() => void load(), [id])
  const reset = async (tool) => {
    if (
      !confirm(tool ? `Forget what ${id} learned about ${tool}?` : `Forget everything ${id} learned for this account?`)
    )
      return
    try {
      const answer = await api(`/subagents/${enc(id)}/memory${tool ? `?tool=${enc(tool)}` : ''}`, { method: 'DELETE' })
      setNotice(`Forgot ${answer.deleted} ${answer.deleted === 1 ? 'entry' : 'entries'}.`)
      await load()
    } catch (failure) {
      setError(failure)
    }
  }
  const tools = [...new Set((memory?.entries ?? []).map((entry) => entry.tool))]
  return html`
    <p class="crumbs"><a href="#/subagents">← Subagents</a></p>
    <div class="page-head">
      <h1>Memory of <span class="mono">${id}</span></h1>
      <span class="spacer"></span>
      ${memory?.entries.length ? html`<button class="deny" onClick=${() => reset(null)}>Reset memory</button>` : null}
    </div>
    <${ErrorNote} error=${error} />
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
    ${memory === null && !error ? html`<p class="muted">Loading…</p>` : null}
    ${memory?.entries.length === 0 ? html`<p class="empty">Nothing learned yet: entries appear as tasks teach this subagent about its tools.</p>` : null}
    ${tools.map(
      (tool) => html`
        <section class="card" data-tool=${tool}>
          <div class="page-head">
            ${
              tool === '*'
                ? html`<h2>Plans</h2>
                    <span class="muted small">whole tasks, replayed for prompts of the same shape</span>`
                : html`<h2 class="mono">${tool}</h2>`
            }
            <span class="spacer"></span>
            <button class="secondary small" onClick=${() => reset(tool)}>
              ${tool === '*' ? 'Reset plans' : `Reset ${tool}`}
            </button>
          </div>
          <table class="memory">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Capability</th>
                <th>Learned</th>
                <th>Taught by</th>
                <th class="num">Uses</th>
              </tr>
            </thead>
            <tbody>
              ${memory.entries
                .filter((entry) => entry.tool === tool)
                .map(
                  (entry) => html`
                    <tr data-entry=${entry.id}>
                      <td>${KINDS[entry.kind] ?? entry.kind}</td>
                      <td class="mono">${entry.capability ?? '–'}</td>
                      <td>
                        <div>${summary(entry)}</div>
                        <details>
                          <summary class="muted small">evidence</summary>
                          <pre class="code">${json(entry.provenance.evidence)}</pre>
                        </details>
                      </td>
                      <td>
                        <a class="mono" href=${`#/tasks/${enc(entry.provenance.task_id)}`}
                          >${entry.provenance.task_id}</a
                        ><br /><span class="small muted"><${Time} iso=${entry.provenance.learned_at} /></span>
                      </td>
                      <td class="num" title=${entry.last_used_at ? `last used ${entry.last_used_at}` : 'not used yet'}>
                        ${entry.uses}
                      </td>
                    </tr>
                  `,
                )}
            </tbody>
          </table>
        </section>
      `,
    )}
  `
}
