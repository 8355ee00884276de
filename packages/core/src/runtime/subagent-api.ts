import type { Subagent, SubagentListItem } from '../subagents/subagent-registry.js'
import type { Page } from '../task/task-types.js'
import type { SubagentDeployInput, SubagentListQuery, SubagentUpdateInput } from './schemas.js'
import type { TaskScope } from './task-api.js'

/**
 * `runtime.subagents`: deploy, read, update and delete subagents. Every method returns a promise.
 *
 * Subagents belong to a scope, as tasks do: with `scope.account`, a call sees only that account's
 * subagents (others answer `subagent_not_found`), and a name is unique within the account. Without
 * a scope (or with `account: null`) calls act on the unscoped subagents, the ones every call saw
 * before scopes existed. Prebuilt subagents (`createRuntime({ subagents })`) are visible from every
 * scope; a scoped call cannot change or delete them (`subagent_read_only`), nor take their names.
 * A task uses only subagents of its own scope, plus the prebuilt ones.
 */
export interface SubagentApi {
  /** Deploys a subagent; its tools are those its prompt names, unless `tools` lists them. */
  deploy(input: SubagentDeployInput, scope?: TaskScope): Promise<Subagent>
  get(id: string, scope?: TaskScope): Promise<Subagent>
  /** Newest first; `has_more` is exact. A scope's list includes the prebuilt subagents. */
  list(query?: SubagentListQuery, scope?: TaskScope): Promise<Page<SubagentListItem>>
  /** Replaces the prompt and recomputes the subagent's tools. */
  update(id: string, input: SubagentUpdateInput, scope?: TaskScope): Promise<Subagent>
  /** Deletes a subagent: its running tasks finish, new tasks get `subagent_not_found`. */
  delete(id: string, scope?: TaskScope): Promise<Subagent>
}
