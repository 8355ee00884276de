/** Words that carry no domain meaning when matching prompts to tools. */
const STOPWORDS = new Set(
  (
    'a an and any all are as at be by can do does for from get give handle has have i in into is it its ' +
    'me my of on or our out please return show some than that the their them then there these this those ' +
    'to up us use using via want was we what when where which who will with within you your manage ' +
    'tasks task data connect run current make new call set list fetch pull look find lookup'
  ).split(' '),
)

/** Lowercase word tokens of `text`, split on non-alphanumerics, `_`, `-` and camelCase humps. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
}

/** A crude stem so `contacts`/`contact` and `deals`/`deal` match. */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1)
  return word
}

/** Stemmed, meaningful tokens of `text` (stopwords removed). */
export function keywords(text: string): Set<string> {
  const out = new Set<string>()
  for (const word of words(text)) {
    if (!STOPWORDS.has(word)) out.add(stem(word))
  }
  return out
}

/** Whether a lowercase word carries no domain meaning (see {@link keywords}). */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word)
}

/**
 * A stronger fold than {@link stem} that also drops verb endings and a final `e`, so
 * `created`/`create`/`creates` and `pricing`/`price` meet. Used where both sides go through it.
 */
export function root(word: string): string {
  let out = stem(word)
  if (out.length > 5 && out.endsWith('ing')) out = out.slice(0, -3)
  else if (out.length > 4 && out.endsWith('ed')) out = out.slice(0, -2)
  if (out.length > 3 && out.endsWith('e')) out = out.slice(0, -1)
  return out
}
