import { useEffect, useState } from 'preact/hooks'
import { api, enc } from './api.js'
import { ErrorNote, Time } from './format.js'
import { html } from './html.js'

/** Deployed subagents with the capabilities each may call. */
export function SubagentsPage() {
  const [subagents, setSubagents] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    api('/subagents?limit=100')
      .then((page) => Promise.all(page.data.map((item) => api(`/subagents/${enc(item.id)}`))))
      .then(setSubagents)
      .catch(setError)
  }, [])
  return html`
    <div class="page-head"><h1>Subagents</h1></div>
    <${ErrorNote} error=${error} />
    ${subagents === null && !error ? html`<p class="muted">Loading…</p>` : null}
    ${subagents?.length === 0 ? html`<p class="empty">No subagents deployed.</p>` : null}
    <div class="cards">
      ${(subagents ?? []).map((subagent) => html`<${SubagentCard} key=${subagent.id} subagent=${subagent} />`)}
    </div>
  `
}

function SubagentCard({ subagent }) {
  const capabilities = subagent.capabilities ?? []
  return html`
    <section class="card subagent" data-subagent=${subagent.id}>
      <div class="page-head">
        <h2 class="mono">${subagent.id}</h2>
        <span class="tag">${subagent.type}</span>
        <span class="spacer"></span>
        <a href=${`#/subagents/${enc(subagent.id)}`}>Memory →</a>
      </div>
      <p class="subagent-prompt">${subagent.prompt}</p>
      <h3>May call ${subagent.tools_available} ${subagent.tools_available === 1 ? 'capability' : 'capabilities'}</h3>
      <ul class="capabilities">
        ${
          capabilities.length > 0
            ? capabilities.map((id) => html`<li class="mono">${id}</li>`)
            : subagent.tools.map((tool) => html`<li class="mono">${tool}.*</li>`)
        }
      </ul>
      <p class="muted small">Updated <${Time} iso=${subagent.updated_at} /></p>
    </section>
  `
}
