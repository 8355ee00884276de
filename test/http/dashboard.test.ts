import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/test-server.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const get = (path: string, init?: RequestInit): Promise<Response> =>
  fetch(`${server!.origin}${path}`, { redirect: 'manual', ...init })

describe('the dashboard', () => {
  it('is not served unless the handler enables it', async () => {
    server = await startTestServer()
    expect(server.handler.dashboard).toBeNull()
    const response = await get('/dashboard/')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'route_not_found' } })
  })

  it('serves its page with a strict Content-Security-Policy and the API prefix', async () => {
    server = await startTestServer({ handler: { dashboard: true } })
    expect(server.handler.dashboard).toBe('/dashboard')
    const redirect = await get('/dashboard')
    expect(redirect.status).toBe(308)
    expect(redirect.headers.get('location')).toBe('dashboard/')
    const page = await get('/dashboard/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await page.text()
    expect(html).toContain('<meta name="inboard-api" content="/v1">')
    expect(html).toContain('<script type="module" src="app.js"></script>')
    // The inline import map is the one script the hash allows.
    const importMap = /<script type="importmap">(.*?)<\/script>/.exec(html)?.[1] ?? ''
    const { createHash } = await import('node:crypto')
    expect(csp).toContain(`'sha256-${createHash('sha256').update(importMap).digest('base64')}'`)
  })

  it('serves its modules, stylesheet and Preact and htm from the package, a few tens of KB in all', async () => {
    server = await startTestServer({ handler: { dashboard: true } })
    const names = [
      'app.js',
      'api.js',
      'event-stream.js',
      'task-list.js',
      'task-page.js',
      'waterfall.js',
      'dashboard.css',
      'vendor/preact.js',
      'vendor/preact-hooks.js',
      'vendor/htm.js',
    ]
    let bytes = 0
    for (const name of names) {
      const response = await get(`/dashboard/${name}`)
      expect(response.status, name).toBe(200)
      expect(response.headers.get('content-type'), name).toMatch(
        name.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
      )
      expect(response.headers.get('content-security-policy'), name).toContain("default-src 'none'")
      bytes += (await response.arrayBuffer()).byteLength
    }
    expect(bytes).toBeGreaterThan(10_000)
    expect(bytes).toBeLessThan(120_000)
    const preact = await (await get('/dashboard/vendor/preact.js')).text()
    expect(preact).toMatch(/export\s*\{/)
    const etag = (await get('/dashboard/app.js')).headers.get('etag')!
    expect((await get('/dashboard/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })

  it('serves only its own files: other names, traversal and other methods are refused', async () => {
    server = await startTestServer({ handler: { dashboard: true } })
    for (const path of [
      '/dashboard/nope.js',
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/vendor/../../package.json',
      '/dashboard/dashboard-files.ts',
      '/dashboard/vendor/',
    ]) {
      const response = await get(path)
      expect(response.status, path).toBe(404)
    }
    const head = await get('/dashboard/app.js', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect((await get('/dashboard/', { method: 'POST' })).status).toBe(405)
  })
})
