import { useEffect, useRef, useState } from 'preact/hooks'
import { api, enc } from './api.js'
import { streamEvents } from './event-stream.js'
import { ErrorNote, StatusBadge, TERMINAL, Time, duration, finishedAt, json, taskDuration } from './format.js'
import { html } from './html.js'
import { LiveState } from './task-list.js'
import { WaitingAction } from './waiting-action.js'
import { Waterfall } from './waterfall.js'

/** One task: prompt, result or error, what it waits for, and its trace as a waterfall. */
export function TaskPage({ id }) {
  const [task, setTask] = useState(null)
  const [trace, setTrace] = useState(null)
  const [error, setError] = useState(null)
  const [live, setLive] = useState('connecting')
  const [now, setNow] = useState(Date.now())
  const pending = useRef(null)

  useEffect(() => {
    let cancelled = false
    let lastTrace = 0
    const fail = (failure) => !cancelled && setError(failure)
    const loadTrace = () => {
      lastTrace = Date.now()
      return api(`/tasks/${enc(id)}/trace`)
        .then((next) => !cancelled && (setTrace(next), setNow(Date.now())))
        .catch(fail)
    }
    api(`/tasks/${enc(id)}`)
      .then((next) => !cancelled && setTask(next))
      .catch(fail)
    void loadTrace()
    // Task events carry the whole task. The trace is read again at most once a second, so a busy
    // task stays well inside the key's request rate limit.
    const onEvent = (event) => {
      if (cancelled) return
      if (event.task) setTask(event.task)
      if (pending.current === null)
        pending.current = setTimeout(
          () => ((pending.current = null), void loadTrace()),
          Math.max(80, lastTrace + 1000 - Date.now()),
        )
    }
    const stop = streamEvents(`/tasks/${enc(id)}/events`, { onEvent, onState: setLive, once: true })
    return () => {
      cancelled = true
      clearTimeout(pending.current)
      pending.current = null
      stop()
    }
  }, [id])

  useEffect(() => {
    if (!task || TERMINAL.has(task.status)) return undefined
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [task?.status])

  if (error && !task)
    return html`<p><a href="#/tasks">← Tasks</a></p>
      <${ErrorNote} error=${error} />`
  if (!task) return html`<p class="muted">Loading…</p>`

  const cancel = () =>
    api(`/tasks/${enc(task.id)}/cancel`, { method: 'POST' })
      .then(setTask)
      .catch(setError)
  const took = taskDuration(task)
  return html`
    <p class="crumbs"><a href="#/tasks">← Tasks</a></p>
    <div class="page-head">
      <h1 class="mono">${task.id}</h1>
      <${StatusBadge} status=${task.status} />
      ${TERMINAL.has(task.status) ? null : html`<${LiveState} state=${live} />`}
      <span class="spacer"></span>
      ${TERMINAL.has(task.status) ? null : html`<button class="secondary" onClick=${cancel}>Cancel task</button>`}
    </div>
    <${ErrorNote} error=${error} />
    <dl class="facts">
      <div>
        <dt>Subagent</dt>
        <dd>${task.sub_agent ? html`<a href=${`#/subagents/${enc(task.sub_agent)}`}>${task.sub_agent}</a>` : '–'}</dd>
      </div>
      <div>
        <dt>Tool</dt>
        <dd>${task.tool ?? '–'}</dd>
      </div>
      <div>
        <dt>User</dt>
        <dd>${task.user_id ?? '–'}</dd>
      </div>
      <div>
        <dt>Mode</dt>
        <dd>${task.mode}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd><${Time} iso=${task.created_at} /></dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd><${Time} iso=${finishedAt(task)} /></dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>${took === null ? '–' : duration(took)}</dd>
      </div>
      ${
        task.usage
          ? html`<div>
              <dt>Tokens</dt>
              <dd>${task.usage.input_tokens} in · ${task.usage.output_tokens} out</dd>
            </div>`
          : null
      }
    </dl>
    <section class="card">
      <h2>Prompt</h2>
      <pre class="prompt">${task.prompt}</pre>
    </section>
    ${task.status === 'waiting' && task.waiting ? html`<${WaitingAction} key=${task.waiting.message} task=${task} onAnswered=${setTask} />` : null}
    ${
      task.error
        ? html`<section class="card failure">
            <h2>Error <code>${task.error.code}</code></h2>
            <p>${task.error.message}</p>
            ${task.error.tool ? html`<p class="muted small">Tool: ${task.error.tool}</p>` : null}
            ${task.error.suggestion ? html`<p class="suggestion">${task.error.suggestion}</p>` : null}
            <p class="muted small">
              ${task.error.recoverable ? 'Recoverable: retrying may succeed.' : 'Not recoverable as it stands.'}
            </p>
          </section>`
        : null
    }
    ${
      'result' in task
        ? html`<section class="card">
            <h2>Result</h2>
            <pre class="code result">${json(task.result)}</pre>
          </section>`
        : null
    }
    ${
      Object.keys(task.metadata ?? {}).length > 0
        ? html`<section class="card">
            <h2>Metadata</h2>
            <pre class="code">${json(task.metadata)}</pre>
          </section>`
        : null
    }
    <section class="card">
      <h2>
        Trace
        ${trace ? html`<span class="muted small">${trace.steps.length} ${trace.steps.length === 1 ? 'step' : 'steps'} · ${duration(trace.total_duration_ms)}</span>` : null}
      </h2>
      <${Waterfall} trace=${trace} task=${task} now=${now} />
    </section>
  `
}
