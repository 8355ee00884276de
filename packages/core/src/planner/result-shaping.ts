import { isStopword, root, words } from '../text/tokens.js'

type Path = readonly string[]
type Row = Record<string, unknown>

/** Words that name the same field under different keys; both sides of a match fold through this. */
const SYNONYMS: Readonly<Record<string, string>> = {
  temp: 'temperatur',
  degre: 'temperatur',
  celsiu: 'temperatur',
  fahrenheit: 'temperatur',
  weather: 'condition',
  summary: 'condition',
  forecast: 'condition',
  rh: 'humidity',
  expect: 'clos',
  closing: 'clos',
  valu: 'amount',
  worth: 'amount',
  sum: 'amount',
  titl: 'nam',
  label: 'nam',
  organization: 'company',
  organisation: 'company',
  org: 'company',
  employer: 'company',
  firm: 'company',
  mail: 'email',
  tel: 'phon',
  telephon: 'phon',
  mobil: 'phon',
  cell: 'phon',
  at: 'dat',
  on: 'dat',
  tim: 'dat',
  timestamp: 'dat',
  day: 'dat',
  stat: 'statu',
  stag: 'statu',
  identifier: 'id',
  uuid: 'id',
}
/** Words that only decorate a phrase ("associated contact email"). */
const FILLER = new Set([
  'associated',
  'related',
  'linked',
  'corresponding',
  'respective',
  'primary',
  'main',
  'current',
  'full',
  'total',
])

function fold(word: string): string {
  const rooted = root(word)
  return SYNONYMS[rooted] ?? rooted
}

interface Words {
  /** Lowercase words, joined by spaces, for exact comparison. */
  plain: string
  /** Folded meaningful words. */
  folded: string[]
}

/** Output keys and requested phrases repeat from task to task; fold each text once. */
const keyWordCache = new Map<string, Words>()
const phraseWordCache = new Map<string, Words>()
const CACHE_LIMIT = 4096

function cached(cache: Map<string, Words>, text: string, make: (text: string) => Words): Words {
  let entry = cache.get(text)
  if (!entry) {
    if (cache.size >= CACHE_LIMIT) cache.clear()
    entry = make(text)
    cache.set(text, entry)
  }
  return entry
}

function keyWords(key: string): Words {
  return cached(keyWordCache, key, (text) => {
    const all = words(text)
    return { plain: all.join(' '), folded: all.filter((word) => word.length > 1 || all.length === 1).map(fold) }
  })
}

function phraseWords(phrase: string): Words {
  return cached(phraseWordCache, phrase, (text) => {
    const all = words(text)
    return {
      plain: all.join(' '),
      folded: all.filter((word) => word.length > 1 && !isStopword(word) && !FILLER.has(word)).map(fold),
    }
  })
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Key paths of a row, nested objects included two levels down; arrays are leaves. */
function pathsOf(row: Row, prefix: Path = [], out: Path[] = []): Path[] {
  for (const [key, value] of Object.entries(row)) {
    const path = [...prefix, key]
    out.push(path)
    if (isRow(value) && prefix.length < 1) pathsOf(value, path, out)
  }
  return out
}

/**
 * How well a requested phrase names a key path. The last word is the head noun ("close *date*"),
 * the others narrow it and count more; words of the enclosing list ("deals") count as context.
 */
function matchScore(phrase: Words, path: Path, context: ReadonlySet<string>): number {
  const keySet = new Set<string>()
  let plain = ''
  for (const part of path) {
    const key = keyWords(part)
    for (const word of key.folded) keySet.add(word)
    plain = plain.length === 0 ? key.plain : `${plain} ${key.plain}`
  }
  const wanted = phrase.folded
  let score = 0
  let hits = 0
  for (let i = 0; i < wanted.length; i++) {
    const word = wanted[i] ?? ''
    if (keySet.has(word)) {
      score += i === wanted.length - 1 ? 2 : 3
      hits++
    } else {
      score += context.has(word) ? 1 : -0.5
    }
  }
  if (hits === 0) return 0
  for (const word of keySet) if (!wanted.includes(word)) score -= 0.5
  if (plain === phrase.plain) score += 1
  return score
}

interface Mapping {
  paths: Path[]
  mapped: number
  score: number
}

function mapFields(requested: readonly string[], rows: readonly Row[], context: ReadonlySet<string>): Mapping {
  const candidates: Path[] = []
  const seen = new Set<string>()
  for (const row of rows.slice(0, 5)) {
    for (const path of pathsOf(row)) {
      const key = path.join('\u0000')
      if (!seen.has(key)) {
        seen.add(key)
        candidates.push(path)
      }
    }
  }
  const paths: Path[] = []
  let total = 0
  for (const raw of requested) {
    const phrase = phraseWords(raw)
    if (phrase.folded.length === 0) continue
    let best: Path | null = null
    let bestScore = 0
    for (const path of candidates) {
      const value = matchScore(phrase, path, context)
      if (value > bestScore) {
        best = path
        bestScore = value
      }
    }
    if (best && !paths.includes(best)) {
      paths.push(best)
      total += bestScore
    }
  }
  return { paths, mapped: paths.length, score: total }
}

function pick(row: Row, paths: readonly Path[]): Row {
  const out: Row = {}
  for (const path of paths) {
    let source: unknown = row
    for (const part of path) source = isRow(source) ? source[part] : undefined
    if (source === undefined) continue
    let target = out
    path.forEach((part, i) => {
      if (i === path.length - 1) target[part] = source
      else {
        const existing = target[part]
        const next: Row = isRow(existing) ? existing : {}
        target[part] = next
        target = next
      }
    })
  }
  return out
}

function rowsIn(value: unknown): Row[] | null {
  if (!Array.isArray(value) || value.length === 0) return null
  return value.every(isRow) ? value : null
}

/**
 * Keeps only the fields the prompt asked for, under the output's own keys. A list (an array, or an
 * object holding one, such as `{ deals: [...] }`) stays a list of trimmed rows. When no requested
 * field matches anything, or nothing was requested, the output is returned unchanged.
 *
 * @param context roots of words naming what the output holds (the capability's), e.g. `deal`.
 */
export function shapeResult(
  output: unknown,
  requested: readonly string[],
  context: ReadonlySet<string> = new Set(),
): unknown {
  if (requested.length === 0) return output
  const list = rowsIn(output)
  if (list) {
    const mapping = mapFields(requested, list, context)
    return mapping.mapped > 0 ? list.map((row) => pick(row, mapping.paths)) : output
  }
  if (!isRow(output)) return output
  let best: { key: string | null; mapping: Mapping; rows: Row[] } = {
    key: null,
    mapping: mapFields(requested, [output], context),
    rows: [output],
  }
  for (const [key, value] of Object.entries(output)) {
    const rows = rowsIn(value)
    if (!rows) continue
    const inner = new Set(context)
    for (const word of keyWords(key).folded) inner.add(word)
    const mapping = mapFields(requested, rows, inner)
    if (
      mapping.mapped > best.mapping.mapped ||
      (mapping.mapped === best.mapping.mapped && mapping.score > best.mapping.score)
    ) {
      best = { key, mapping, rows }
    }
  }
  if (best.mapping.mapped === 0) return output
  if (best.key === null) return pick(output, best.mapping.paths)
  const { paths } = best.mapping
  return { [best.key]: best.rows.map((row) => pick(row, paths)) }
}
