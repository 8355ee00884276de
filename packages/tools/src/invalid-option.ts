import { InboardError } from './inboard-error.js'

/**
 * A configuration mistake (an option a factory cannot work with): `invalid_request` naming the
 * option in `param`, the same error the runtime throws for its own options.
 */
export function invalidOption(param: string, message: string): InboardError {
  return new InboardError('invalid_request', message, { param })
}
