import type { InboardError } from '../../inboard-error.js'
import { invalidOption } from '../../invalid-option.js'

interface HostPattern {
  /** Exact host, or the suffix after `*.`; empty for `*`. */
  readonly host: string
  readonly wildcard: boolean
  /** Undefined: any port. */
  readonly port: number | undefined
  readonly source: string
}

/**
 * The hosts an HTTP tool may call. Entries are hostnames (`api.example.com`), wildcards
 * (`*.example.com`: any subdomain at any depth, not the apex), IP literals (`203.0.113.7`,
 * `[2001:db8::1]`), `*` for any host, each optionally with `:port`. Without a port any port matches.
 */
export class HostAllowlist {
  readonly #patterns: readonly HostPattern[]

  constructor(entries: readonly string[]) {
    if (entries.length === 0) throw invalidOption('allow', 'httpTool: `allow` must list at least one host')
    this.#patterns = entries.map(parseEntry)
  }

  /** The entries as written, for descriptions and error details. */
  get entries(): string[] {
    return this.#patterns.map((pattern) => pattern.source)
  }

  /** Whether `url`'s host and port match an entry. */
  allows(url: URL): boolean {
    const host = normalizeHost(url.hostname)
    const port = effectivePort(url)
    return this.#patterns.some((pattern) => {
      if (pattern.port !== undefined && pattern.port !== port) return false
      if (!pattern.wildcard) return pattern.host === host
      return pattern.host === '' || host.endsWith(`.${pattern.host}`)
    })
  }
}

export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** Lower case, no brackets, no trailing dot: `[::1]` → `::1`, `Example.COM.` → `example.com`. */
export function normalizeHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  return bare.toLowerCase().replace(/\.$/, '')
}

function parseEntry(entry: string): HostPattern {
  const trimmed = entry.trim()
  const bad = (why: string): InboardError => invalidOption('allow', `httpTool: bad \`allow\` entry "${entry}": ${why}`)
  if (trimmed === '*') return { host: '', wildcard: true, port: undefined, source: entry }
  const wildcard = trimmed.startsWith('*.')
  const rest = wildcard ? trimmed.slice(2) : trimmed
  if (rest.includes('*')) throw bad('a wildcard may only open the entry, as in *.example.com')
  if (/[/?#@]/.test(rest)) throw bad('give a host, optionally with :port, not a URL')
  // A bare IPv6 address has several colons and no port; brackets are needed to add one.
  const bareIpv6 = !rest.startsWith('[') && rest.split(':').length > 2
  let url: URL
  try {
    url = new URL(`http://${bareIpv6 ? `[${rest}]` : rest}`)
  } catch {
    throw bad('not a valid host')
  }
  if (wildcard && url.hostname.startsWith('[')) throw bad('wildcards apply to hostnames only')
  const port = url.port === '' ? (/:80$/.test(rest) ? 80 : undefined) : Number(url.port)
  return { host: normalizeHost(url.hostname), wildcard, port, source: entry }
}
