// `@inboard/tools/mcp`: tools from MCP servers. Needs the optional peer `@modelcontextprotocol/sdk`.
export { mcpTools } from './adapters/mcp/index.js'
export type { McpToolsOptions, McpServer, McpStdioServer, McpHttpServer } from './adapters/mcp/index.js'
