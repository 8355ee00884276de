/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6
  readonly value: bigint
}

const IPV4_MAX = 0xffff_ffffn

/**
 * Parses an IP address in any form a resolver or URL parser accepts: dotted IPv4 with decimal, octal
 * (`0177`) or hex (`0x7f`) parts and the short forms `127.1` or `2130706433` (as `inet_aton` and the
 * WHATWG URL parser read them), and IPv6 with `::`, an embedded dotted IPv4 tail, brackets and a
 * zone (`fe80::1%eth0`). Undefined when the text is not an address (a hostname).
 */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim()
  const unbracketed = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed
  if (unbracketed.includes(':')) {
    const value = parseIpv6(unbracketed.replace(/%[^%]*$/, ''))
    return value === undefined ? undefined : { version: 6, value }
  }
  const value = parseIpv4(unbracketed)
  return value === undefined ? undefined : { version: 4, value }
}

/** The canonical text of an address: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return formatIpv4(address.value)
  const groups = Array.from({ length: 8 }, (_, index) => Number((address.value >> BigInt(112 - index * 16)) & 0xffffn))
  let bestStart = -1
  let bestLength = 1
  for (let start = 0; start < 8;) {
    let end = start
    while (end < 8 && groups[end] === 0) end += 1
    if (end - start > bestLength) {
      bestStart = start
      bestLength = end - start
    }
    start = end === start ? start + 1 : end
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestStart === -1) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.')
}

function parseIpv4(text: string): bigint | undefined {
  // The URL parser accepts one trailing dot (`127.0.0.1.`), as DNS does for absolute names.
  const body = text.endsWith('.') ? text.slice(0, -1) : text
  const parts = body.split('.')
  if (parts.length > 4) return undefined
  const numbers: bigint[] = []
  for (const part of parts) {
    const number = parseIpv4Part(part)
    if (number === undefined) return undefined
    numbers.push(number)
  }
  const last = numbers.pop()
  if (last === undefined) return undefined
  let value = 0n
  for (const [index, number] of numbers.entries()) {
    if (number > 255n) return undefined
    value |= number << BigInt(24 - index * 8)
  }
  // The last part fills every byte the earlier parts left: `127.1` is 127.0.0.1.
  const room = (1n << BigInt(8 * (4 - numbers.length))) - 1n
  if (last > room) return undefined
  return (value | last) & IPV4_MAX
}

function parseIpv4Part(part: string): bigint | undefined {
  if (part.length === 0 || part.length > 40) return undefined
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0n : BigInt(part)
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`)
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part)
  return undefined
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0] ?? '')
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : []
  if (head === undefined || tail === undefined) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...head, ...Array<number>(missing).fill(0), ...tail]
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n)
}

/** Hex groups of one side of `::`; a dotted IPv4 address may end it and counts as two groups. */
function parseGroups(text: string): number[] | undefined {
  if (text === '') return []
  const parts = text.split(':')
  const groups: number[] = []
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1 && part.includes('.')) {
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(part)) return undefined
      const octets = part.split('.').map(Number)
      if (octets.some((octet) => octet > 255)) return undefined
      const [a = 0, b = 0, c = 0, d = 0] = octets
      groups.push((a << 8) | b, (c << 8) | d)
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(part)) return undefined
      groups.push(Number.parseInt(part, 16))
    }
  }
  return groups
}
