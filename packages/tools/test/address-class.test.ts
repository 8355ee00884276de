import { describe, expect, it } from 'vitest'
import { classifyAddress } from '@inboard/tools'
import type { AddressKind } from '@inboard/tools'

const kindOf = (text: string): AddressKind | undefined => classifyAddress(text)?.kind

describe('classifyAddress', () => {
  it.each([
    // Loopback in every IPv4 notation resolvers and URL parsers accept
    ['127.0.0.1', 'loopback', '127.0.0.1'],
    ['127.255.255.254', 'loopback', '127.255.255.254'],
    ['2130706433', 'loopback', '127.0.0.1'],
    ['0x7f000001', 'loopback', '127.0.0.1'],
    ['0X7F000001', 'loopback', '127.0.0.1'],
    ['0177.0.0.1', 'loopback', '127.0.0.1'],
    ['0177.0000.0000.0001', 'loopback', '127.0.0.1'],
    ['0x7f.0.0.1', 'loopback', '127.0.0.1'],
    ['0x7f.1', 'loopback', '127.0.0.1'],
    ['127.1', 'loopback', '127.0.0.1'],
    ['127.0.1', 'loopback', '127.0.0.1'],
    ['017700000001', 'loopback', '127.0.0.1'],
    ['127.0.0.1.', 'loopback', '127.0.0.1'],
    // Private, shared and link-local
    ['10.0.0.1', 'private', '10.0.0.1'],
    ['012.0.0.1', 'private', '10.0.0.1'],
    ['167772161', 'private', '10.0.0.1'],
    ['172.16.0.1', 'private', '172.16.0.1'],
    ['172.31.255.255', 'private', '172.31.255.255'],
    ['192.168.1.1', 'private', '192.168.1.1'],
    ['0xc0a80101', 'private', '192.168.1.1'],
    ['192.168.257', 'private', '192.168.1.1'],
    ['100.64.0.1', 'shared', '100.64.0.1'],
    ['100.127.255.255', 'shared', '100.127.255.255'],
    ['169.254.1.1', 'link_local', '169.254.1.1'],
    // Metadata endpoints win over the blocks around them
    ['169.254.169.254', 'metadata', '169.254.169.254'],
    ['0xa9fea9fe', 'metadata', '169.254.169.254'],
    ['2852039166', 'metadata', '169.254.169.254'],
    ['0251.0376.0251.0376', 'metadata', '169.254.169.254'],
    ['169.254.170.2', 'metadata', '169.254.170.2'],
    ['100.100.100.200', 'metadata', '100.100.100.200'],
    // Everything else special
    ['0.0.0.0', 'unspecified', '0.0.0.0'],
    ['0', 'unspecified', '0.0.0.0'],
    ['0.1.2.3', 'unspecified', '0.1.2.3'],
    ['255.255.255.255', 'broadcast', '255.255.255.255'],
    ['4294967295', 'broadcast', '255.255.255.255'],
    ['224.0.0.1', 'multicast', '224.0.0.1'],
    ['239.255.255.250', 'multicast', '239.255.255.250'],
    ['240.0.0.1', 'reserved', '240.0.0.1'],
    ['192.0.0.8', 'reserved', '192.0.0.8'],
    ['192.88.99.1', 'reserved', '192.88.99.1'],
    ['198.18.0.1', 'benchmarking', '198.18.0.1'],
    ['198.19.255.255', 'benchmarking', '198.19.255.255'],
    ['192.0.2.1', 'documentation', '192.0.2.1'],
    ['198.51.100.7', 'documentation', '198.51.100.7'],
    ['203.0.113.9', 'documentation', '203.0.113.9'],
    // Public neighbours of the special blocks
    ['8.8.8.8', 'public', '8.8.8.8'],
    ['134744072', 'public', '8.8.8.8'],
    ['1.1.1.1', 'public', '1.1.1.1'],
    ['100.63.255.255', 'public', '100.63.255.255'],
    ['100.128.0.0', 'public', '100.128.0.0'],
    ['172.15.255.255', 'public', '172.15.255.255'],
    ['172.32.0.0', 'public', '172.32.0.0'],
    ['192.167.255.255', 'public', '192.167.255.255'],
    ['198.17.255.255', 'public', '198.17.255.255'],
    ['198.20.0.0', 'public', '198.20.0.0'],
    ['11.0.0.0', 'public', '11.0.0.0'],
    ['223.255.255.255', 'public', '223.255.255.255'],
  ] as const)('classifies IPv4 %s as %s', (text, kind, address) => {
    expect(classifyAddress(text)).toMatchObject({ version: 4, kind, address })
  })

  it.each([
    ['::1', 'loopback', '::1'],
    ['0:0:0:0:0:0:0:1', 'loopback', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback', '::1'],
    ['[::1]', 'loopback', '::1'],
    ['::', 'unspecified', '::'],
    ['fe80::1', 'link_local', 'fe80::1'],
    ['fe80::1%eth0', 'link_local', 'fe80::1'],
    ['FEBF:ffff::1', 'link_local', 'febf:ffff::1'],
    ['fc00::1', 'unique_local', 'fc00::1'],
    ['fd12:3456:789a::1', 'unique_local', 'fd12:3456:789a::1'],
    ['fd00:ec2::254', 'metadata', 'fd00:ec2::254'],
    ['fec0::1', 'private', 'fec0::1'],
    ['64:ff9b:1::1', 'private', '64:ff9b:1::1'],
    ['ff02::1', 'multicast', 'ff02::1'],
    ['ff05::1:3', 'multicast', 'ff05::1:3'],
    ['2001:db8::1', 'documentation', '2001:db8::1'],
    ['3fff::1', 'documentation', '3fff::1'],
    ['2001:2::1', 'benchmarking', '2001:2::1'],
    ['2001::1', 'reserved', '2001::1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['100::1', 'reserved', '100::1'],
    ['5f00::1', 'reserved', '5f00::1'],
    ['4000::1', 'reserved', '4000::1'],
    ['e000::1', 'reserved', 'e000::1'],
    ['2606:4700:4700::1111', 'public', '2606:4700:4700::1111'],
    ['2a00:1450:4001:80b::200e', 'public', '2a00:1450:4001:80b::200e'],
    ['2001:4860:4860::8888', 'public', '2001:4860:4860::8888'],
  ] as const)('classifies IPv6 %s as %s', (text, kind, address) => {
    expect(classifyAddress(text)).toMatchObject({ version: 6, kind, address })
  })

  it.each([
    // IPv4-mapped, in dotted and hex spellings
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['[::ffff:127.0.0.1]', 'loopback', '127.0.0.1'],
    ['::FFFF:169.254.169.254', 'metadata', '169.254.169.254'],
    ['::ffff:a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['::ffff:10.1.2.3', 'private', '10.1.2.3'],
    ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0'],
    ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
    // IPv4-translated (SIIT) and IPv4-compatible
    ['::ffff:0:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::127.0.0.1', 'loopback', '127.0.0.1'],
    ['::7f00:1', 'loopback', '127.0.0.1'],
    ['::192.168.0.1', 'private', '192.168.0.1'],
    ['::2', 'unspecified', '0.0.0.2'],
    // NAT64 and 6to4
    ['64:ff9b::127.0.0.1', 'loopback', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', 'metadata', '169.254.169.254'],
    ['64:ff9b::808:808', 'public', '8.8.8.8'],
    ['2002:7f00:1::', 'loopback', '127.0.0.1'],
    ['2002:c0a8:101::1', 'private', '192.168.1.1'],
    ['2002:808:808::1', 'public', '8.8.8.8'],
  ] as const)('classifies %s by the IPv4 address it carries', (text, kind, ipv4) => {
    expect(classifyAddress(text)).toMatchObject({ version: 6, kind, ipv4 })
  })

  it('reads IPv4 numbers exactly as the WHATWG URL parser does', () => {
    const forms = [
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '0x7f.1',
      '10.1',
      '192.168.257',
      '0300.0250.0.01',
      '0xc0.0xa8.0x1.0x1',
      '4294967295',
      '0',
      '1.2.3.4.',
    ]
    for (const form of forms) {
      expect(classifyAddress(form)?.address, form).toBe(new URL(`http://${form}/`).hostname.replace(/\.$/, ''))
    }
  })

  it('names the special-purpose block an address fell in, and none for a public one', () => {
    expect(classifyAddress('10.9.8.7')?.range).toBe('10.0.0.0/8')
    expect(classifyAddress('::ffff:169.254.169.254')?.range).toBe('169.254.169.254/32')
    expect(classifyAddress('fe80::abcd')?.range).toBe('fe80::/10')
    expect(classifyAddress('4000::1')?.range).toBe('outside 2000::/3')
    expect(classifyAddress('93.184.216.34')?.range).toBeNull()
  })

  it('writes IPv6 addresses in RFC 5952 compressed form', () => {
    expect(classifyAddress('2001:0db8:0000:0000:0001:0000:0000:0001')?.address).toBe('2001:db8::1:0:0:1')
    expect(classifyAddress('2001:db8:0:1:1:1:1:1')?.address).toBe('2001:db8:0:1:1:1:1:1')
    expect(classifyAddress('FE80:0:0:0:0:0:0:0')?.address).toBe('fe80::')
  })

  it.each([
    'localhost',
    'example.com',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.256',
    '1.2.65536',
    '1.16777216',
    '4294967296',
    '0x1g',
    '08.0.0.1',
    '09',
    '1..1',
    '.1.1.1',
    '',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7::8',
    '12345::',
    '::ffff:256.0.0.1',
    '::ffff:1.2.3',
    'g::1',
    '[::1',
  ])('refuses to read %j as an address', (text) => {
    expect(kindOf(text)).toBeUndefined()
  })
})
