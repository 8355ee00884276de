// Defining tools
export { defineTool, capability } from './define-tool.js'
export type { Tool, ToolDefinition, CapabilitySpec, AnyCapabilitySpec } from './define-tool.js'
export type { ToolContext } from './tool-context.js'

// Errors
export { TOOL_ERROR_CODES, ToolError, toToolError } from './tool-error.js'
export type { ToolErrorCode, ToolErrorOptions } from './tool-error.js'
export { INBOARD_ERROR_CODES, InboardError, toInboardError } from './inboard-error.js'
export type { InboardErrorCode, InboardErrorOptions, TaskError } from './inboard-error.js'

// Credentials
export type { Credential, CredentialRequest, CredentialSource } from './credential.js'

// Adapters
export { toolFromDefinition } from './adapters/definition/index.js'
export type { ToolFromDefinitionOptions } from './adapters/definition/index.js'
export { ToolDefinitionError } from './tool-definition-error.js'
export type { DefinitionIssue } from './tool-definition-error.js'
export { jsonSchemaToZod } from './json-schema/json-schema-to-zod.js'
export type { JsonSchemaToZodOptions } from './json-schema/json-schema-to-zod.js'
// OpenAPI and MCP adapters live in the subpaths `@inboard/tools/openapi` and `@inboard/tools/mcp`, so that
// importing this entry loads neither `yaml` nor the MCP SDK (optional peer dependencies).

// Built-in tools
export { weatherTool, weather, weatherAgent } from './builtin/weather/index.js'
export type { WeatherToolOptions } from './builtin/weather/index.js'
export { httpTool } from './builtin/http/index.js'
export type { HttpToolOptions, HttpToolResponse, ResolvedAddress, Resolver } from './builtin/http/index.js'
export { classifyAddress } from './builtin/http/address-class.js'
export { isMetadataHostName } from './builtin/http/destination-policy.js'
export type { AddressClass, AddressKind } from './builtin/http/address-class.js'
export type { PrebuiltSubagentDefinition } from './builtin/prebuilt-subagent.js'
