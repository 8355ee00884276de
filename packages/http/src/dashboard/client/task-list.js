import { useEffect, useState } from 'preact/hooks'
import { api, enc } from './api.js'
import { streamEvents } from './event-stream.js'
import { ErrorNote, StatusBadge, Time, duration, taskDuration } from './format.js'
import { html } from './html.js'

const STATUSES = ['pending', 'running', 'waiting', 'complete', 'failed', 'cancelled']
const TASK_EVENTS = 'task.created,task.running,task.waiting,task.complete,task.failed,task.cancelled'
const PAGE = 50

const REASONS = {
  input_required: 'needs input',
  approval_required: 'needs approval',
  oauth_consent_required: 'needs consent',
}

function matches(task, filters) {
  return (
    (!filters.status || task.status === filters.status) &&
    (!filters.sub_agent || task.sub_agent === filters.sub_agent) &&
    (!filters.user_id || task.user_id === filters.user_id)
  )
}

/** The list with `task` (from an event) in its place, newest first; dropped when it no longer matches. */
function upsert(tasks, task, filters) {
  const rest = tasks.filter((item) => item.id !== task.id)
  if (!matches(task, filters)) return rest
  const { prompt: _prompt, result: _result, error: _error, ...item } = task
  return [...rest, item].sort((a, b) =>
    a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1,
  )
}

function query(filters, offset) {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) })
  for (const name of ['status', 'sub_agent', 'user_id']) if (filters[name]) params.set(name, filters[name])
  return `/tasks?${params}`
}

/** Tasks of the key's account and environment, kept current by the event stream. */
export function TaskList() {
  const [filters, setFilters] = useState({ status: '', sub_agent: '', user_id: '' })
  // What is typed in the user field, applied on Enter or when the field loses focus. Kept in state so
  // a render caused by a live update does not put the applied value back into the field.
  const [userText, setUserText] = useState('')
  const [tasks, setTasks] = useState(null)
  const [hasMore, setHasMore] = useState(false)
  const [error, setError] = useState(null)
  const [live, setLive] = useState('connecting')
  const [subagents, setSubagents] = useState([])

  useEffect(() => {
    api('/subagents?limit=100')
      .then((page) => setSubagents(page.data.map((subagent) => subagent.id)))
      .catch(() => setSubagents([]))
  }, [])

  useEffect(() => {
    // Events that arrive while the first page loads are applied on top of it.
    let early = []
    let cancelled = false
    const load = () =>
      api(query(filters, 0))
        .then((page) => {
          if (cancelled) return
          let list = page.data
          for (const task of early ?? []) list = upsert(list, task, filters)
          early = null
          setTasks(list)
          setHasMore(page.has_more)
          setError(null)
        })
        .catch((failure) => !cancelled && setError(failure))
    const stop = streamEvents(`/events?type=${TASK_EVENTS}`, {
      onOpen: load,
      onEvent: (event) => {
        if (!event.task) return
        if (early !== null) early.push(event.task)
        else setTasks((current) => upsert(current ?? [], event.task, filters))
      },
      onState: (state) => {
        setLive(state)
        if (state === 'off' && early !== null) void load()
      },
    })
    return () => {
      cancelled = true
      stop()
    }
  }, [filters.status, filters.sub_agent, filters.user_id])

  const more = () =>
    api(query(filters, tasks.length))
      .then((page) => {
        setTasks((current) => [...current, ...page.data.filter((task) => !current.some((item) => item.id === task.id))])
        setHasMore(page.has_more)
      })
      .catch(setError)
  // Tasks pinned to one tool are the exception: the column shows only when one is.
  const withTool = (tasks ?? []).some((task) => task.tool !== null)
  // From the current filters, not the ones this render saw: two changes in a row must both hold.
  const set = (name) => (event) => {
    const value = event.currentTarget.value.trim()
    setFilters((current) => ({ ...current, [name]: value }))
  }

  return html`
    <div class="page-head">
      <h1>Tasks</h1>
      <${LiveState} state=${live} />
    </div>
    <form class="filters" onSubmit=${(event) => event.preventDefault()}>
      <label
        >Status
        <select name="status" value=${filters.status} onChange=${set('status')}>
          <option value="">any</option>
          ${STATUSES.map((status) => html`<option value=${status}>${status}</option>`)}
        </select>
      </label>
      <label
        >Subagent
        <select name="sub_agent" value=${filters.sub_agent} onChange=${set('sub_agent')}>
          <option value="">any</option>
          ${subagents.map((id) => html`<option value=${id}>${id}</option>`)}
        </select>
      </label>
      <label
        >User
        <input
          name="user_id"
          type="search"
          placeholder="user id"
          value=${userText}
          onInput=${(event) => setUserText(event.currentTarget.value)}
          onChange=${set('user_id')}
        />
      </label>
    </form>
    <${ErrorNote} error=${error} />
    ${
      tasks === null
        ? html`<p class="muted">Loading…</p>`
        : tasks.length === 0
          ? html`<p class="empty">
              No tasks${filters.status || filters.sub_agent || filters.user_id ? ' match these filters' : ' yet'}.
            </p>`
          : html`
              <table class="tasks">
                <thead>
                  <tr>
                    <th>Task</th>
                    <th>Status</th>
                    <th>Subagent</th>
                    ${withTool ? html`<th>Tool</th>` : null}
                    <th>User</th>
                    <th>Created</th>
                    <th class="num">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  ${tasks.map((task) => html`<${TaskRow} key=${task.id} task=${task} withTool=${withTool} />`)}
                </tbody>
              </table>
              ${hasMore ? html`<button class="secondary" onClick=${more}>Load more</button>` : null}
            `
    }
  `
}

function TaskRow({ task, withTool }) {
  const took = taskDuration(task)
  return html`
    <tr data-task=${task.id} data-status=${task.status}>
      <td>
        <a class="mono" href=${`#/tasks/${enc(task.id)}`}>${task.id}</a
        >${task.mode === 'test' ? html` <span class="tag">test</span>` : null}
      </td>
      <td>
        <${StatusBadge}
          status=${task.status}
        />${task.waiting ? html` <span class="muted small">${REASONS[task.waiting.reason] ?? task.waiting.reason}</span>` : null}
      </td>
      <td>${task.sub_agent ?? html`<span class="muted">–</span>`}</td>
      ${withTool ? html`<td>${task.tool ?? html`<span class="muted">–</span>`}</td>` : null}
      <td>${task.user_id ?? html`<span class="muted">–</span>`}</td>
      <td><${Time} iso=${task.created_at} /></td>
      <td class="num">${took === null ? html`<span class="muted">–</span>` : duration(took)}</td>
    </tr>
  `
}

export function LiveState({ state }) {
  const text =
    { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', ended: 'ended', off: 'not live' }[
      state
    ] ?? state
  return html`<span class=${`live live-${state}`} title="Updates arrive over the event stream">${text}</span>`
}
