import { formatIp, parseIp } from './ip-address.js'
import type { IpAddress } from './ip-address.js'

/** What an IP address is for, from the IANA special-purpose registries; `public` is everything else. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  /** Carrier-grade NAT, 100.64.0.0/10. */
  | 'shared'
  | 'link_local'
  /** IPv6 unique local addresses, fc00::/7. */
  | 'unique_local'
  /** Cloud instance metadata endpoints (169.254.169.254, fd00:ec2::254, …). */
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'benchmarking'
  | 'documentation'
  | 'reserved'

/** The classification of one address. */
export interface AddressClass {
  /** The address in canonical form (`127.0.0.1` for `0x7f000001`, compressed IPv6). */
  readonly address: string
  readonly version: 4 | 6
  readonly kind: AddressKind
  /** The special-purpose block it fell in, e.g. `127.0.0.0/8`; `null` for public addresses. */
  readonly range: string | null
  /** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), which decided the kind. */
  readonly ipv4?: string
}

interface Range {
  readonly version: 4 | 6
  readonly base: bigint
  readonly prefix: number
  readonly kind: AddressKind | 'embeds_ipv4'
  readonly cidr: string
}

/** An address block, e.g. `10.0.0.0/8`; a bare address is a single-address block. */
export interface Cidr {
  readonly version: 4 | 6
  readonly base: bigint
  readonly prefix: number
}

/** Parses `10.0.0.0/8`, `fc00::/7` or a bare address; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/')
  if (extra !== undefined) return undefined
  const ip = parseIp(address)
  if (ip === undefined) return undefined
  const bits = ip.version === 4 ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = prefixText === undefined ? bits : Number(prefixText)
  if (prefix > bits) return undefined
  return { version: ip.version, base: ip.value & mask(ip.version, prefix), prefix }
}

/** Whether `address` lies in `cidr` (same IP version only). */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return cidr.version === address.version && (address.value & mask(cidr.version, cidr.prefix)) === cidr.base
}

function mask(version: 4 | 6, prefix: number): bigint {
  const bits = version === 4 ? 32 : 128
  const all = (1n << BigInt(bits)) - 1n
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix)
}

function range(cidr: string, kind: Range['kind']): Range {
  const parsed = parseCidr(cidr)
  if (parsed === undefined) throw new TypeError(`Bad built-in range ${cidr}`)
  return { ...parsed, kind, cidr }
}

// First match wins, so single addresses and narrow blocks come before the blocks that contain them.
const IPV4_RANGES: readonly Range[] = [
  range('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OCI, DigitalOcean…
  range('169.254.170.2/32', 'metadata'), // AWS ECS task metadata
  range('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  range('255.255.255.255/32', 'broadcast'),
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link_local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
]

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fd00:ec2::254/128', 'metadata'), // AWS IMDS over IPv6
  range('::ffff:0:0/96', 'embeds_ipv4'), // IPv4-mapped
  range('::ffff:0:0:0/96', 'embeds_ipv4'), // IPv4-translated (SIIT)
  range('::/96', 'embeds_ipv4'), // IPv4-compatible (deprecated)
  range('64:ff9b::/96', 'embeds_ipv4'), // NAT64 well-known prefix
  range('64:ff9b:1::/48', 'private'), // local-use NAT64
  range('100::/64', 'reserved'), // discard-only
  range('2001:2::/48', 'benchmarking'),
  range('2001:db8::/32', 'documentation'),
  range('2001::/23', 'reserved'), // IETF protocol assignments, Teredo included
  range('2002::/16', 'embeds_ipv4'), // 6to4
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'reserved'), // SRv6 SIDs
  range('fc00::/7', 'unique_local'),
  range('fe80::/10', 'link_local'),
  range('fec0::/10', 'private'), // deprecated site-local
  range('ff00::/8', 'multicast'),
]

const GLOBAL_UNICAST = range('2000::/3', 'public')

/**
 * Classifies an IP address in any textual form {@link parseIp} reads; undefined for a hostname. An
 * IPv6 address that carries an IPv4 one (`::ffff:127.0.0.1`, `64:ff9b::7f00:1`, `2002:7f00:1::`)
 * is classified by the IPv4 address inside. IPv6 outside 2000::/3 is `reserved`.
 *
 * @example
 * classifyAddress('0x7f000001') // { address: '127.0.0.1', version: 4, kind: 'loopback', range: '127.0.0.0/8' }
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const ip = parseIp(text)
  return ip === undefined ? undefined : classifyIp(ip)
}

export function classifyIp(ip: IpAddress): AddressClass {
  const address = formatIp(ip)
  const ranges = ip.version === 4 ? IPV4_RANGES : IPV6_RANGES
  const found = ranges.find((candidate) => cidrContains(candidate, ip))
  if (found?.kind === 'embeds_ipv4') {
    const inner = classifyIp({ version: 4, value: embeddedIpv4(found, ip.value) })
    return { address, version: 6, kind: inner.kind, range: inner.range, ipv4: inner.address }
  }
  if (found !== undefined) return { address, version: ip.version, kind: found.kind, range: found.cidr }
  if (ip.version === 6 && !cidrContains(GLOBAL_UNICAST, ip))
    return { address, version: 6, kind: 'reserved', range: 'outside 2000::/3' }
  return { address, version: ip.version, kind: 'public', range: null }
}

/** The IPv4 address inside an IPv6 one: the low 32 bits, or bits 16–47 for 6to4. */
function embeddedIpv4(block: Cidr, value: bigint): bigint {
  return block.prefix === 16 ? (value >> 80n) & 0xffff_ffffn : value & 0xffff_ffffn
}
