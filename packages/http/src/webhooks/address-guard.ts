import { BlockList, isIP } from 'node:net'

/** Loopback, private, link-local, shared, metadata and other non-public ranges. */
const blocked = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6')
}

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data'])

/** True for an IP address webhooks must not reach (IPv4-mapped and NAT64 forms included). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return blocked.check(address, 'ipv4')
  if (family !== 6) return true
  const embedded = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (embedded !== undefined) return blocked.check(embedded, 'ipv4')
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
  if (mappedHex) {
    const high = parseInt(mappedHex[1]!, 16)
    const low = parseInt(mappedHex[2]!, 16)
    return blocked.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4')
  }
  return blocked.check(address, 'ipv6')
}

/**
 * Why a webhook URL is refused before any DNS lookup (scheme, credentials, a literal private
 * address, a metadata or localhost name), or null if it may be tried. Names are checked again
 * against every address they resolve to when the request is made.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https'
  if (url.username !== '' || url.password !== '') return 'must not contain credentials'
  if (allowPrivate) return null
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '')
  if (isIP(host) !== 0) return isBlockedAddress(host) ? 'points to a private, loopback or link-local address' : null
  if (host === 'localhost' || host.endsWith('.localhost') || METADATA_HOSTS.has(host)) return 'points to a local or metadata host'
  return null
}
