import { createHash } from 'node:crypto'
import { IMPORT_MAP } from './dashboard-files.js'

/** The dashboard's HTML shell and the Content-Security-Policy that goes with it. */
export interface DashboardPage {
  html: string
  csp: string
}

/**
 * The shell page: the stylesheet, the import map and the app module, all relative to `/dashboard/`.
 * The only inline script is the import map (browsers have no external import maps), allowed by its
 * hash; everything else must come from the same origin, and nothing may frame the page.
 */
export function dashboardPage(apiPrefix: string): DashboardPage {
  const importMap = JSON.stringify(IMPORT_MAP)
  const hash = createHash('sha256').update(importMap).digest('base64')
  // The prefix passed createHandler's check (slash-separated [\w.~-] segments); escape it all the same.
  const api = apiPrefix.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`)
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="inboard-api" content="${api}">
<title>Inboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="dashboard.css">
<script type="importmap">${importMap}</script>
<script type="module" src="app.js"></script>
</head>
<body>
<div id="root"><noscript>The Inboard dashboard needs JavaScript.</noscript></div>
</body>
</html>
`
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { html, csp }
}
