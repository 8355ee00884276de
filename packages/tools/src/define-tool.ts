import type { z } from 'zod'
import type { ToolContext } from './tool-context.js'
import { invalidOption } from './invalid-option.js'

type Awaitable<T> = T | Promise<T>

/** What a capability returns: its output schema's input type when it declares one. */
type CapabilityResult<O extends z.ZodType | undefined> = O extends z.ZodType ? z.input<O> : unknown

/** One operation of a tool, e.g. `crm.fetch_contacts`. */
export interface CapabilitySpec<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** What the capability does, in words a planner can match a prompt against. */
  description: string
  /** Input schema; the runtime validates planner input against it before `run`. */
  input: I
  /** Output schema; output that fails it fails the step with `invalid_output`. */
  output?: O
  /** The capability changes something outside (sends, writes, pays). In test mode it runs `sandbox` instead. */
  sideEffects?: boolean
  /**
   * Running this call twice has the effect of running it once (it passes `ctx.idempotencyKey` to a
   * service that deduplicates, or sets rather than adds). A side-effecting call in flight when the
   * process died is run again after recovery only when this is true; otherwise a person decides.
   */
  idempotent?: boolean
  /** The task waits with `approval_required` until a person approves this call. */
  requiresApproval?: boolean
  /** Per-call timeout in milliseconds, overriding the runtime's default. */
  timeoutMs?: number
  /** The live implementation. */
  run: (input: z.output<I>, ctx: ToolContext) => Awaitable<CapabilityResult<O>>
  /** A side-effect-free stand-in used in test mode. */
  sandbox?: (input: z.output<I>, ctx: ToolContext) => Awaitable<CapabilityResult<O>>
}

/**
 * A capability with its schema types erased, as a registry of many tools holds it: every
 * {@link CapabilitySpec} is assignable to it.
 */
export interface AnyCapabilitySpec {
  description: string
  input: z.ZodType
  output?: z.ZodType | undefined
  sideEffects?: boolean
  idempotent?: boolean
  requiresApproval?: boolean
  timeoutMs?: number
  // Method signatures (checked bivariantly) so that a capability typed for its own input is
  // assignable here; callers validate the input against `input` before they call.
  run(this: void, input: unknown, ctx: ToolContext): unknown
  sandbox?(this: void, input: unknown, ctx: ToolContext): unknown
}

/** A service (`crm`, `weather`) and the capabilities it offers. */
export interface Tool<Caps extends Record<string, AnyCapabilitySpec> = Record<string, AnyCapabilitySpec>> {
  readonly name: string
  readonly description: string
  /** Domain words used when matching prompts to tools. */
  readonly tags: readonly string[]
  readonly capabilities: Caps
  /**
   * Secret values the tool sends with every call (configured API keys, tokens). The runtime removes
   * them, and their URL-encoded forms, from everything it emits, so an upstream that echoes its
   * request in an error cannot leak them into errors, traces, events, webhooks or logs.
   */
  readonly secrets?: readonly string[]
  /** Releases what the tool holds open (connections, child processes). The runtime calls it on close. */
  readonly close?: () => Promise<void>
}

type CapabilityMap<I extends Record<string, z.ZodType>> = {
  [K in keyof I]: CapabilitySpec<I[K], z.ZodType | undefined>
}

/** Input accepted by {@link defineTool}. */
export interface ToolDefinition<I extends Record<string, z.ZodType>> {
  /** Service name: lowercase letters, digits, `_` and `-`. */
  name: string
  description: string
  tags?: readonly string[]
  capabilities: CapabilityMap<I>
  /** Secret values the tool sends; see {@link Tool.secrets}. @default [] */
  secrets?: readonly string[]
  /** Releases what the tool holds open; see {@link Tool.close}. */
  close?: () => Promise<void>
}

/**
 * Declares one capability with both schemas typed: `run` receives the input schema's output type and
 * must return what the output schema accepts. Inside {@link defineTool} the input type flows into
 * `run` without it; use it when you want the return type checked too.
 */
export function capability<I extends z.ZodType, O extends z.ZodType | undefined = undefined>(
  spec: CapabilitySpec<I, O>,
): CapabilitySpec<I, O> {
  return spec
}

const NAME = /^[a-z][a-z0-9_-]{0,63}$/

/**
 * Declares a tool. Capability input and output types flow from their zod schemas into `run`.
 *
 * @example
 * const weather = defineTool({
 *   name: 'weather',
 *   description: 'Current conditions for any city',
 *   capabilities: {
 *     current: {
 *       description: 'Current temperature and conditions for a location',
 *       input: z.object({ location: z.string() }),
 *       run: async ({ location }) => ({ location, temperature: '18°C' }),
 *     },
 *   },
 * })
 */
export function defineTool<I extends Record<string, z.ZodType>>(definition: ToolDefinition<I>): Tool<CapabilityMap<I>> {
  if (!NAME.test(definition.name)) {
    throw invalidOption('name', `Tool name "${definition.name}" must match ${NAME.source}`)
  }
  const names = Object.keys(definition.capabilities)
  if (names.length === 0) throw invalidOption('capabilities', `Tool "${definition.name}" has no capabilities`)
  for (const name of names) {
    if (!NAME.test(name))
      throw invalidOption(
        `capabilities.${name}`,
        `Capability name "${definition.name}.${name}" must match ${NAME.source}`,
      )
    const spec = definition.capabilities[name] as CapabilitySpec | undefined
    if (typeof spec?.run !== 'function')
      throw invalidOption(`capabilities.${name}.run`, `Capability "${definition.name}.${name}" has no run function`)
  }
  return Object.freeze({
    name: definition.name,
    description: definition.description,
    tags: Object.freeze([...(definition.tags ?? [])]),
    capabilities: Object.freeze({ ...definition.capabilities }),
    ...(definition.secrets === undefined || definition.secrets.length === 0
      ? {}
      : { secrets: Object.freeze([...definition.secrets]) }),
    ...(definition.close === undefined ? {} : { close: definition.close }),
  })
}
