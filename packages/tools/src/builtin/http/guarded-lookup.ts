import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupAddress, LookupOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import type { ToolError } from '../../tool-error.js'

/** One address a hostname resolved to. */
export interface ResolvedAddress {
  readonly address: string
  readonly family: 4 | 6
}

/** Resolves a hostname to every address it has. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>

/** The operating system's resolver (`getaddrinfo`, so `/etc/hosts` counts), every address in its order. */
export const systemResolver: Resolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true })
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))
}

/**
 * A `lookup` for `net.connect` that resolves with `resolve` and checks every address before the
 * socket connects to any of them, so what was checked is what is connected to: no window between a
 * check and a second resolution for DNS rebinding to use. One refused address refuses the host.
 */
export function guardedLookup(
  resolve: Resolver,
  refusalFor: (address: string) => ToolError | undefined,
  onRefused: (refusal: ToolError) => void,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const refusal = refusalFor(address)
          if (refusal !== undefined) {
            onRefused(refusal)
            callback(refusal, '')
            return
          }
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family
        const usable = addresses.filter((address) => family === undefined || family === 0 || address.family === family)
        const first = usable[0]
        if (first === undefined) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '')
          return
        }
        if (options.all === true)
          callback(
            null,
            usable.map(({ address, family: version }): LookupAddress => ({ address, family: version })),
          )
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }
}
