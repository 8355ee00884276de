// Test doubles shipped as @inboard/ai/testing
export { createFakeModelServer } from './testing/fake-model-server.js'
export type { FakeModelServer } from './testing/fake-model-server.js'
export type { FakeModelRequest, FakeModelReply } from './testing/fake-model-types.js'
