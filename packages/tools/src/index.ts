// Defining tools
export { defineTool, capability } from './define-tool.js'
export type { Tool, ToolDefinition, CapabilitySpec } from './define-tool.js'
export type { ToolContext } from './tool-context.js'

// Errors
export { ToolError, toToolError } from './tool-error.js'
export type { ToolErrorCode, ToolErrorOptions } from './tool-error.js'
