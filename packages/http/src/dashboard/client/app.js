import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { forgetKey, onUnauthorized, storedKey } from './api.js'
import { html } from './html.js'
import { KeyForm } from './key-form.js'
import { MemoryPage } from './memory-page.js'
import { SubagentsPage } from './subagents-page.js'
import { TaskList } from './task-list.js'
import { TaskPage } from './task-page.js'

/** `#/tasks`, `#/tasks/<id>`, `#/subagents`, `#/subagents/<id>/memory`. */
function routeOf(hash) {
  let parts
  try {
    parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  } catch {
    parts = []
  }
  if (parts[0] === 'tasks' && parts[1]) return { page: 'task', id: parts[1] }
  if (parts[0] === 'subagents' && parts[1]) return { page: 'memory', id: parts[1] }
  if (parts[0] === 'subagents') return { page: 'subagents' }
  return { page: 'tasks' }
}

function useRoute() {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const changed = () => setHash(location.hash)
    addEventListener('hashchange', changed)
    return () => removeEventListener('hashchange', changed)
  }, [])
  return routeOf(hash)
}

function App() {
  const [key, setKey] = useState(storedKey())
  const route = useRoute()
  useEffect(() => {
    onUnauthorized(() => {
      forgetKey()
      setKey(null)
    })
  }, [])
  if (!key) return html`<main class="narrow"><${KeyForm} onKey=${setKey} /></main>`
  const signOut = () => {
    forgetKey()
    setKey(null)
  }
  const page =
    route.page === 'task'
      ? html`<${TaskPage} key=${route.id} id=${route.id} />`
      : route.page === 'memory'
        ? html`<${MemoryPage} key=${route.id} id=${route.id} />`
        : route.page === 'subagents'
          ? html`<${SubagentsPage} />`
          : html`<${TaskList} />`
  const tab = route.page === 'task' || route.page === 'tasks' ? 'tasks' : 'subagents'
  return html`
    <header class="topbar">
      <a class="brand" href="#/tasks">Inboard</a>
      <nav>
        <a href="#/tasks" class=${tab === 'tasks' ? 'active' : ''}>Tasks</a>
        <a href="#/subagents" class=${tab === 'subagents' ? 'active' : ''}>Subagents</a>
      </nav>
      <span class="spacer"></span>
      <span class="key-hint" title="The API key this tab uses">${key.slice(0, 8)}…${key.slice(-4)}</span>
      <button class="link" onClick=${signOut}>Forget key</button>
    </header>
    <main>${page}</main>
  `
}

render(html`<${App} />`, document.getElementById('root'))
