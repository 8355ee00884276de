// The error class and its codes are written once, in @inboard/tools, so that a configuration
// mistake in a tool and one in the runtime throw the same class; core re-exports them.
export { INBOARD_ERROR_CODES, InboardError, toInboardError } from '@inboard/tools'
export type { InboardErrorCode, InboardErrorOptions, TaskError } from '@inboard/tools'
