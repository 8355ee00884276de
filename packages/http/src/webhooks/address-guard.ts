import { isIP } from 'node:net'
import { classifyAddress, isMetadataHostName } from '@inboard/tools'

/**
 * True for an IP address webhooks must not reach: anything the shared classification does not call
 * public (loopback, private, link-local, shared, metadata, multicast, reserved, …), including IPv6
 * forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) and deprecated site-local fec0::/10.
 */
export function isBlockedAddress(address: string): boolean {
  const found = classifyAddress(address)
  return found === undefined || found.kind !== 'public'
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
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '')
  if (isIP(host) !== 0) return isBlockedAddress(host) ? 'points to a private, loopback or link-local address' : null
  if (host === 'localhost' || host.endsWith('.localhost') || isMetadataHostName(host))
    return 'points to a local or metadata host'
  return null
}
