import { ToolError } from '../../tool-error.js'
import { cidrContains, classifyIp, parseCidr } from './address-class.js'
import type { AddressClass, AddressKind, Cidr } from './address-class.js'
import { HostAllowlist, normalizeHost } from './host-allowlist.js'
import { parseIp } from './ip-address.js'
import { invalidOption } from '../../invalid-option.js'

/** Kinds `allowPrivate: true` opens. Metadata, unspecified, multicast, broadcast, documentation and reserved addresses need an explicit CIDR. */
const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set([
  'loopback',
  'private',
  'shared',
  'link_local',
  'unique_local',
  'benchmarking',
])

/** Names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
])

/** True for the host name of a cloud metadata service (lower case, without a trailing dot); shared with the webhook guard. */
export function isMetadataHostName(host: string): boolean {
  return METADATA_HOSTS.has(host)
}

/** Where an HTTP tool may connect: allowlisted hosts, on public addresses unless private ones are allowed. */
export class DestinationPolicy {
  readonly allowlist: HostAllowlist
  readonly #allowAllPrivate: boolean
  readonly #allowedBlocks: readonly Cidr[]

  constructor(allow: readonly string[], allowPrivate: boolean | readonly string[]) {
    this.allowlist = new HostAllowlist(allow)
    this.#allowAllPrivate = allowPrivate === true
    this.#allowedBlocks = Array.isArray(allowPrivate)
      ? allowPrivate.map((text: string) => {
          const cidr = parseCidr(text)
          if (cidr === undefined)
            throw invalidOption(
              'allowPrivate',
              `httpTool: bad \`allowPrivate\` entry "${text}": expected a CIDR such as 10.0.0.0/8 or fd00::/8`,
            )
          return cidr
        })
      : []
  }

  /** Refuses a URL before anything is sent: its scheme, its host against the allowlist, and an IP literal host. */
  checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ToolError('invalid_input', `Only http and https URLs can be requested, not ${url.protocol}`, {
        recoverable: false,
      })
    }
    if (url.username !== '' || url.password !== '') {
      throw new ToolError(
        'invalid_input',
        'URLs with embedded credentials are not accepted; send credentials in a header',
        { recoverable: false },
      )
    }
    const host = normalizeHost(url.hostname)
    if (!this.allowlist.allows(url)) {
      throw refusal(`${url.host} is not on this tool's allowlist`, url, {
        reason: 'not_allowlisted',
        allowed: this.allowlist.entries,
      })
    }
    if (METADATA_HOSTS.has(host)) throw refusal(`${host} is a cloud metadata service`, url, { reason: 'metadata_host' })
    if (parseIp(host) !== undefined) this.checkAddress(host, url)
  }

  /** Throws when `address` (a resolved or literal IP) may not be connected to. */
  checkAddress(address: string, url: URL): void {
    const refused = this.refusalFor(address, url)
    if (refused !== undefined) throw refused
  }

  /** The refusal for `address`, or undefined when it may be connected to. */
  refusalFor(address: string, url: URL): ToolError | undefined {
    const ip = parseIp(address)
    if (ip === undefined)
      return refusal(`${url.hostname} resolved to "${address}", which is not an IP address`, url, {
        reason: 'unparsable_address',
      })
    const found = classifyIp(ip)
    if (this.#permits(found)) return undefined
    const inner = found.ipv4 === undefined ? '' : ` (carrying ${found.ipv4})`
    return refusal(`${url.hostname} is ${found.address}${inner}, a ${found.kind} address (${found.range})`, url, {
      reason: 'private_address',
      address: found.address,
      kind: found.kind,
      range: found.range,
      ...(found.ipv4 === undefined ? {} : { ipv4: found.ipv4 }),
    })
  }

  #permits(found: AddressClass): boolean {
    if (found.kind === 'public') return true
    if (this.#allowAllPrivate && PRIVATE_KINDS.has(found.kind)) return true
    const candidates = [parseIp(found.address), found.ipv4 === undefined ? undefined : parseIp(found.ipv4)]
    return candidates.some((ip) => ip !== undefined && this.#allowedBlocks.some((block) => cidrContains(block, ip)))
  }
}

function refusal(why: string, url: URL, details: Record<string, unknown>): ToolError {
  const privateAddress = details.reason === 'private_address'
  return new ToolError('forbidden_destination', `Refused to request ${url.origin}: ${why}`, {
    recoverable: false,
    details: { url: url.toString(), host: url.host, ...details },
    suggestion: privateAddress
      ? "Private, loopback and reserved addresses are refused; list the network in the tool's `allowPrivate` option if it is meant to be reachable."
      : details.reason === 'not_allowlisted'
        ? "Call one of the allowed hosts, or add this host to the tool's `allow` option."
        : 'Call a different host.',
  })
}
