/** What a secret is replaced with wherever the runtime emits text. */
export const REDACTED = '[redacted]'

/** Shorter values are not registered: scrubbing them would blank ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 8
/** Secrets seen in calls (tokens, per-user keys) kept at once; the oldest are forgotten first. Configured ones stay. */
const MAX_RECENT = 10_000
/** Up to this many forms, scrubbing searches each one; past it, it scans once through a prefix index. */
const SCAN_THRESHOLD = 64
const PREFIX = MIN_SECRET_LENGTH
const MAX_DEPTH = 64

/** The forms a secret travels in: as is, URL- and form-encoded, and escaped inside JSON text. */
function formsOf(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ])
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH)
}

/**
 * Every secret value the runtime sends (credentials handed to calls, tools' configured secrets,
 * OAuth client secrets and refresh tokens), and the one place that removes them from what the
 * runtime emits: error messages, trace notes, results, and so events, webhooks and logs.
 */
export class SecretScrubber {
  readonly #pinned = new Set<string>()
  /** Recently used secrets in insertion order, refreshed on reuse. */
  readonly #recent = new Set<string>()
  /** Each form with how many registered secrets produce it. */
  readonly #forms = new Map<string, number>()
  readonly #byPrefix = new Map<string, Set<string>>()

  /** Registers a secret for good (a tool's configured key, an OAuth client secret). */
  pin(value: string | null | undefined): void {
    if (!usable(value) || this.#pinned.has(value)) return
    this.#pinned.add(value)
    if (this.#recent.delete(value)) return
    this.#addForms(value)
  }

  /** Registers a secret a call sends (a user's token or key); the least recently used go past 10,000. */
  add(value: string | null | undefined): void {
    if (!usable(value) || this.#pinned.has(value)) return
    if (this.#recent.delete(value)) {
      this.#recent.add(value)
      return
    }
    this.#recent.add(value)
    this.#addForms(value)
    if (this.#recent.size > MAX_RECENT) {
      const oldest = this.#recent.values().next().value as string
      this.#recent.delete(oldest)
      this.#removeForms(oldest)
    }
  }

  /** `text` with every registered secret, in any of its forms, replaced by `[redacted]`. */
  scrub(text: string): string {
    if (this.#forms.size === 0 || text.length < MIN_SECRET_LENGTH) return text
    return this.#forms.size <= SCAN_THRESHOLD ? this.#replaceEach(text) : this.#scan(text)
  }

  /** A copy of a JSON-like value with secrets scrubbed from every string (keys included); cycles are kept as they are. */
  scrubValue<T>(value: T): T {
    if (this.#forms.size === 0) return value
    return this.#deep(value, 0, new Set()) as T
  }

  /**
   * Scrubs an error in place — message, stack, suggestion, details and its chain of causes — so
   * that whoever logs, traces or rethrows it next sees no secret.
   */
  scrubError<E>(error: E): E {
    if (this.#forms.size === 0) return error
    let current: unknown = error
    for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
      const target = current as Error & { suggestion?: unknown; details?: unknown }
      rewrite(target, 'message', this.scrub(target.message))
      if (typeof target.stack === 'string') rewrite(target, 'stack', this.scrub(target.stack))
      if (typeof target.suggestion === 'string') rewrite(target, 'suggestion', this.scrub(target.suggestion))
      if (target.details !== undefined) rewrite(target, 'details', this.scrubValue(target.details))
      current = target.cause
    }
    return error
  }

  #deep(value: unknown, depth: number, seen: Set<object>): unknown {
    if (typeof value === 'string') return this.scrub(value)
    if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH || seen.has(value)) return value
    seen.add(value)
    try {
      if (Array.isArray(value)) return value.map((item) => this.#deep(item, depth + 1, seen))
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(value)) out[this.scrub(key)] = this.#deep(child, depth + 1, seen)
      return out
    } finally {
      seen.delete(value)
    }
  }

  #replaceEach(text: string): string {
    let out = text
    // Longest first, so an encoded form is not half-replaced through a shorter one inside it.
    for (const form of [...this.#forms.keys()].sort((a, b) => b.length - a.length)) {
      if (out.includes(form)) out = out.split(form).join(REDACTED)
    }
    return out
  }

  #scan(text: string): string {
    let out = ''
    let last = 0
    for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; i++) {
      const bucket = this.#byPrefix.get(text.slice(i, i + PREFIX))
      if (bucket === undefined) continue
      let match = ''
      for (const form of bucket) if (form.length > match.length && text.startsWith(form, i)) match = form
      if (match === '') continue
      out += text.slice(last, i) + REDACTED
      last = i + match.length
      i = last - 1
    }
    return last === 0 ? text : out + text.slice(last)
  }

  #addForms(value: string): void {
    for (const form of formsOf(value)) {
      const count = this.#forms.get(form) ?? 0
      this.#forms.set(form, count + 1)
      if (count > 0) continue
      const prefix = form.slice(0, PREFIX)
      let bucket = this.#byPrefix.get(prefix)
      if (bucket === undefined) this.#byPrefix.set(prefix, (bucket = new Set()))
      bucket.add(form)
    }
  }

  #removeForms(value: string): void {
    for (const form of formsOf(value)) {
      const count = this.#forms.get(form) ?? 0
      if (count > 1) {
        this.#forms.set(form, count - 1)
        continue
      }
      this.#forms.delete(form)
      const prefix = form.slice(0, PREFIX)
      const bucket = this.#byPrefix.get(prefix)
      bucket?.delete(form)
      if (bucket?.size === 0) this.#byPrefix.delete(prefix)
    }
  }
}

function usable(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.length >= MIN_SECRET_LENGTH
}

/** Errors' fields may be read-only (`readonly` in TypeScript, or getters): define over them. */
function rewrite(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: key !== 'message' && key !== 'stack',
    })
  } catch {
    // A frozen error keeps its text; it is scrubbed again where it is turned into emitted text.
  }
}
