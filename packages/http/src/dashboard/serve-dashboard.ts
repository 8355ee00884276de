import { loadDashboardFiles, type DashboardFile } from './dashboard-files.js'
import { dashboardPage } from './dashboard-page.js'

/** Where the dashboard lives, whatever the API's prefix. */
export const DASHBOARD_PATH = '/dashboard'

/**
 * Serves the dashboard's page and static files for GET and HEAD below {@link DASHBOARD_PATH}. The
 * page talks to the REST API under `apiPrefix` with the key the user pastes in; it holds no
 * privilege of its own.
 */
export function serveDashboard(apiPrefix: string): (request: Request) => Promise<Response> {
  const page = dashboardPage(apiPrefix)
  let files: Promise<ReadonlyMap<string, DashboardFile>> | null = null
  const headers = (contentType: string): Record<string, string> => ({
    'content-type': contentType,
    'content-security-policy': page.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-cache',
  })
  return async (request) => {
    const path = new URL(request.url).pathname
    const rest = path.slice(DASHBOARD_PATH.length)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed\n', {
        status: 405,
        headers: { ...headers('text/plain; charset=utf-8'), allow: 'GET, HEAD' },
      })
    }
    // Relative: correct behind a proxy that serves the app under a path of its own.
    if (rest === '')
      return new Response(null, {
        status: 308,
        headers: { ...headers('text/plain; charset=utf-8'), location: 'dashboard/' },
      })
    if (rest === '/' || rest === '/index.html')
      return new Response(request.method === 'HEAD' ? null : page.html, {
        headers: headers('text/html; charset=utf-8'),
      })
    if (files === null) {
      files = loadDashboardFiles()
      files.catch(() => (files = null))
    }
    const file = (await files).get(rest.slice(1))
    if (file === undefined)
      return new Response('Not found\n', { status: 404, headers: headers('text/plain; charset=utf-8') })
    const reply = { ...headers(file.contentType), etag: file.etag }
    if (request.headers.get('if-none-match') === file.etag) return new Response(null, { status: 304, headers: reply })
    return new Response(request.method === 'HEAD' ? null : file.body, { headers: reply })
  }
}
