import type { ModelJsonSchema } from './model-types.js'

// "Return name, email, and company" / "return the invoice id and total." — up to the end of the sentence.
const RETURN_CLAUSE =
  /\b(?:return|returning|respond with|give me)\s+(?:only\s+)?(?:the\s+|their\s+|its\s+)?([^.;!?\n]+)/i
const SPLIT = /\s*(?:,\s*(?:and\s+)?|\band\b|&|\/)\s*/i
const LEAD = /^(?:the|a|an|its|their|each|every)\s+/i

/** Field names a prompt asks for ("Return invoice id, total and due date" → invoice_id, total, due_date). */
export function returnFields(prompt: string): string[] {
  const clause = RETURN_CLAUSE.exec(prompt)?.[1]
  if (clause === undefined) return []
  const fields: string[] = []
  for (const part of clause.split(SPLIT)) {
    const name = part
      .replace(LEAD, '')
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
    if (name !== '' && name.split('_').length <= 4 && !fields.includes(name)) fields.push(name)
  }
  return fields
}

/** The JSON Schema of a result with these fields (each required, any JSON value). */
export function resultSchema(fields: readonly string[]): ModelJsonSchema {
  return { type: 'object', properties: Object.fromEntries(fields.map((field) => [field, {}])), required: [...fields] }
}

/** The result a final answer carries: the JSON object in the text, checked for the fields; or why not. */
export function parseResult(
  text: string,
  fields: readonly string[],
): { ok: true; value: unknown } | { ok: false; issue: string } {
  if (fields.length === 0) return { ok: true, value: text.trim() }
  const json =
    /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1] ?? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return { ok: false, issue: 'the answer is not a JSON object' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, issue: 'the answer is not a JSON object' }
  const missing = fields.filter((field) => !(field in value))
  if (missing.length > 0) return { ok: false, issue: `the JSON object lacks ${missing.join(', ')}` }
  return { ok: true, value }
}
