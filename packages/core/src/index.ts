// Runtime
export { createRuntime } from './runtime/create-runtime.js'
export type { Runtime } from './runtime/create-runtime.js'
export type {
  RuntimeOptions,
  PrebuiltSubagent,
  RuntimeErrorContext,
  RuntimeErrorHandler,
} from './runtime/runtime-options.js'
export type { TaskApi, TaskScope, WaitOptions, CreateOptions } from './runtime/task-api.js'
export type { SubagentApi } from './runtime/subagent-api.js'

// End-user auth
export type { AuthApi } from './auth/auth-api.js'
export type {
  AccountOptions,
  CredentialSecret,
  StoredCredentialInput,
  ConsentCallback,
  ConsentResult,
  ConnectionStatus,
} from './auth/auth-service.js'
export type {
  AuthOptions,
  ServiceAuthConfig,
  OAuth2ServiceConfig,
  SecretServiceConfig,
  ScopeRequest,
  ScopeSource,
} from './auth/auth-options.js'

// Resources
export type {
  Task,
  TaskListItem,
  TaskStatus,
  TaskMode,
  TaskWaiting,
  WaitingField,
  Trace,
  TraceStep,
  StepStatus,
  Page,
  TokenUsage,
} from './task/task-types.js'
export type { Subagent, SubagentListItem } from './subagents/subagent-registry.js'

// Validation schemas (shared with @inboard/http)
export {
  MAX_PROMPT_LENGTH,
  METADATA_LIMITS,
  taskCreateSchema,
  taskListSchema,
  taskInputSchema,
  taskStatusSchema,
  subagentDeploySchema,
  subagentUpdateSchema,
  subagentListSchema,
  taskIdSchema,
  subagentIdSchema,
} from './runtime/schemas.js'
export type {
  TaskCreateInput,
  TaskListQuery,
  TaskInputBody,
  SubagentDeployInput,
  SubagentUpdateInput,
  SubagentListQuery,
} from './runtime/schemas.js'

// Errors
export { InboardError, INBOARD_ERROR_CODES, toInboardError } from './errors/inboard-error.js'
export type { InboardErrorCode, InboardErrorOptions, TaskError } from './errors/inboard-error.js'

// Events
export { EVENT_TYPES, isRemoteEvent, TASK_EVENT_OF_STATUS } from './events.js'
export type { ListenOptions, RuntimeEvent, RuntimeEventType, RuntimeEventOf, Unsubscribe } from './events.js'

// Planning
export { createDefaultPlanner } from './planner/default-planner.js'
export type {
  Planner,
  PlannerContext,
  PlannerDecision,
  PlannedCall,
  CallApproval,
  CallRecord,
  CapabilityInfo,
  TaskInput,
  JsonSchema,
  ModelCallStep,
} from './planner/planner.js'

// Extending capability calls
export { WaitRequest, ReplanRequest } from './runner/call-middleware.js'
export type { CallMiddleware, CallSite } from './runner/call-middleware.js'
export type { RetryPolicy } from './runner/tool-execution.js'

// Execution memory
export { MEMORY_SCHEMA_VERSION, memoryEntrySchema } from './memory/memory-entry.js'
export type {
  MemoryEntry,
  MemoryEntryOf,
  MemoryKind,
  MemoryValues,
  MemoryProvenance,
  MemoryExport,
  PlanDecisionTemplate,
  PlanCallTemplate,
  ObservedPlan,
} from './memory/memory-entry.js'
export type { MemoryApi, MemorySummary } from './memory/memory-api.js'
export type { MemoryOptions } from './memory/create-memory.js'

// Storage: the contract every storage implements (in memory, @inboard/sqlite, @inboard/postgres)
export type { Storage } from './storage/storage.js'
export { memoryStorage } from './storage/memory/memory-storage.js'
export type { MemoryStorageOptions } from './storage/memory/memory-storage.js'
export type { StoredTask, StoredStep, TaskProgress, InFlightCall } from './storage/stored-task.js'
export type {
  TaskStorage,
  StoredTaskFilter,
  PageRequest,
  TaskUpdateResult,
  TaskClaimOptions,
  TaskPruneOptions,
} from './storage/task-storage.js'
export type { SubagentStorage, StoredSubagent, SubagentKey, StoredSubagentFilter } from './storage/subagent-storage.js'
export type { KeyValueStore } from './storage/key-value-store.js'
export type {
  IdempotencyStorage,
  IdempotencyRecord,
  IdempotencyKey,
  StoredResponse,
} from './storage/idempotency-storage.js'
export type { OutboxStorage, OutboxDelivery, OutboxClaimOptions } from './storage/outbox-storage.js'

// Queue: the contract a queue implements (@inboard/bullmq) to hand tasks out to many processes
export type { Queue, QueueJob, QueueConsumer, QueueTopic, RateLimiter, RateLimit } from './queue/queue.js'

// Telemetry
export type { TelemetryOptions } from './telemetry/telemetry-options.js'

// Time and storage
export { systemClock } from './clock.js'
export type { Clock, TimerHandle } from './clock.js'
