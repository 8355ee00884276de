import { useState } from 'preact/hooks'
import { api, enc } from './api.js'
import { ErrorNote, json, safeUrl } from './format.js'
import { html } from './html.js'

const TITLES = {
  input_required: 'Waiting for input',
  approval_required: 'Waiting for approval',
  oauth_consent_required: 'Waiting for consent',
}

/** Why a task waits and what to do about it: fill the fields, approve or deny, or open the consent page. */
export function WaitingAction({ task, onAnswered }) {
  const waiting = task.waiting
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const send = async (body) => {
    setBusy(true)
    setError(null)
    try {
      onAnswered(await api(`/tasks/${enc(task.id)}/input`, { method: 'POST', body }))
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return html`
    <section class="card waiting" data-reason=${waiting.reason}>
      <h2>
        ${TITLES[waiting.reason] ?? waiting.reason}${waiting.service ? html` <span class="muted">· ${waiting.service}</span>` : null}
      </h2>
      <p class="waiting-message">${waiting.message}</p>
      ${waiting.reason === 'input_required' ? html`<${InputForm} fields=${waiting.fields ?? []} busy=${busy} onSend=${send} />` : null}
      ${waiting.reason === 'approval_required' ? html`<${Approval} request=${waiting.request} busy=${busy} onSend=${send} />` : null}
      ${waiting.reason === 'oauth_consent_required' ? html`<${Consent} url=${waiting.auth_url} />` : null}
      <${ErrorNote} error=${error} />
    </section>
  `
}

function valueOf(field, raw) {
  if (field.type === 'number' || field.type === 'integer') return raw === '' ? null : Number(raw)
  if (field.type === 'boolean') return raw === true
  return raw
}

function InputForm({ fields, busy, onSend }) {
  const [values, setValues] = useState({})
  const [message, setMessage] = useState('')
  const submit = (event) => {
    event.preventDefault()
    if (fields.length === 0) return void onSend({ message })
    const typed = {}
    for (const field of fields)
      typed[field.name] = valueOf(field, values[field.name] ?? (field.type === 'boolean' ? false : ''))
    void onSend({ values: typed })
  }
  return html`
    <form class="input-form" onSubmit=${submit}>
      ${
        fields.length === 0
          ? html`<label
              >Message<textarea
                name="message"
                rows="3"
                value=${message}
                onInput=${(event) => setMessage(event.currentTarget.value)}
                required
              ></textarea>
            </label>`
          : fields.map(
              (field) => html`
                <label>
                  <span
                    ><span class="mono">${field.name}</span
                    >${field.type ? html` <span class="muted small">${field.type}</span>` : null}</span
                  >
                  ${
                    field.type === 'boolean'
                      ? html`<input
                          type="checkbox"
                          name=${field.name}
                          checked=${values[field.name] === true}
                          onChange=${(event) => setValues({ ...values, [field.name]: event.currentTarget.checked })}
                        />`
                      : html`<input
                          name=${field.name}
                          type=${field.type === 'number' || field.type === 'integer' ? 'number' : 'text'}
                          required
                          value=${values[field.name] ?? ''}
                          onInput=${(event) => setValues({ ...values, [field.name]: event.currentTarget.value })}
                        />`
                  }
                  ${field.description ? html`<span class="muted small">${field.description}</span>` : null}
                </label>
              `,
            )
      }
      <div><button type="submit" disabled=${busy}>${busy ? 'Sending…' : 'Send input'}</button></div>
    </form>
  `
}

function Approval({ request, busy, onSend }) {
  return html`
    <div class="approval">
      ${
        request
          ? html`<p>The call <span class="mono">${request.tool}.${request.capability}</span> with this input:</p>
              <pre class="code">${json(request.input)}</pre>`
          : null
      }
      <div class="row">
        <button type="button" class="approve" disabled=${busy} onClick=${() => onSend({ approved: true })}>
          Approve
        </button>
        <button type="button" class="deny" disabled=${busy} onClick=${() => onSend({ approved: false })}>Deny</button>
      </div>
    </div>
  `
}

function Consent({ url }) {
  const href = safeUrl(url)
  return html`
    <div class="consent">
      <p>The end user must grant access. Send them this link; the task resumes when they finish.</p>
      ${href ? html`<a class="consent-url mono" href=${href} target="_blank" rel="noopener noreferrer">${href}</a>` : html`<p class="muted">No consent URL (${url ?? 'none'}).</p>`}
    </div>
  `
}
