import type { Subagent, SubagentListItem } from '../subagents/subagent-registry.js'
import type { Page } from '../task/task-types.js'
import type { SubagentDeployInput, SubagentListQuery, SubagentUpdateInput } from './schemas.js'

/** `runtime.subagents`: deploy, read, update and delete subagents. Every method returns a promise. */
export interface SubagentApi {
  /** Deploys a subagent; its tools are those its prompt names, unless `tools` lists them. */
  deploy(input: SubagentDeployInput): Promise<Subagent>
  get(id: string): Promise<Subagent>
  /** Newest first; `has_more` is exact. */
  list(query?: SubagentListQuery): Promise<Page<SubagentListItem>>
  /** Replaces the prompt and recomputes the subagent's tools. */
  update(id: string, input: SubagentUpdateInput): Promise<Subagent>
  /** Deletes a subagent: its running tasks finish, new tasks get `subagent_not_found`. */
  delete(id: string): Promise<Subagent>
}
