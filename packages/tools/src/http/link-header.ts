/**
 * The URL of the `rel="next"` entry of an RFC 8288 `Link` header, resolved against the URL of the
 * response it came with; undefined when there is none.
 */
export function nextLink(header: string | null, base: string): URL | undefined {
  if (header === null) return undefined
  for (const entry of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(entry[2] ?? '')
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (rels.includes('next') && entry[1] !== undefined) return new URL(entry[1], base)
  }
  return undefined
}
