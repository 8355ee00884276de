import { useState } from 'preact/hooks'
import { api, storeKey } from './api.js'
import { ErrorNote } from './format.js'
import { html } from './html.js'

/** Asks for an API key and checks it against the API before keeping it. */
export function KeyForm({ onKey }) {
  const [key, setKey] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event) => {
    event.preventDefault()
    const value = key.trim()
    if (value === '') return
    setBusy(true)
    setError(null)
    try {
      await api('/subagents?limit=1', { key: value })
      storeKey(value)
      onKey(value)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return html`
    <section class="card key-card">
      <h1>Inboard dashboard</h1>
      <p>
        Paste an API key of this server (<code>pk_test_…</code> or <code>pk_live_…</code>). The page shows what that key
        may see, through the same REST API your code calls.
      </p>
      <form onSubmit=${submit}>
        <label for="api-key">API key</label>
        <div class="row">
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="off"
            spellcheck="false"
            value=${key}
            onInput=${(event) => setKey(event.currentTarget.value)}
            placeholder="pk_test_…"
          />
          <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Open dashboard'}</button>
        </div>
      </form>
      <${ErrorNote} error=${error} />
      <p class="muted small">The key stays in this tab's session storage and is sent only to this server.</p>
    </section>
  `
}
