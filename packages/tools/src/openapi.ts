// `@inboard/tools/openapi`: tools from OpenAPI 3.0/3.1 documents. Needs the optional peer `yaml`.
export { openApiTools } from './adapters/openapi/index.js'
export type { OpenApiToolsOptions, OpenApiPagination } from './adapters/openapi/index.js'
export { parseOpenApi } from './adapters/openapi/parse-open-api.js'
export type { OpenApiDocument } from './adapters/openapi/parse-open-api.js'
