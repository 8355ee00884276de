/** A span of time in UTC milliseconds; an open bound is null. */
export interface DateRange {
  from: number | null
  to: number | null
}

/** A date phrase found in text. Resolving it needs `now`, so prompt analysis can be cached. */
export interface DateMention {
  start: number
  end: number
  text: string
  /** The word that bounds it: "since" (`from`), "before", "until" (`to`), or null. */
  anchor: Anchor
  resolve(now: number): DateRange
}

type Unit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year'
export type Anchor = 'from' | 'before' | 'to' | null

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const COUNT_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
  few: 3,
  couple: 2,
}
const COUNT = `(\\d+|${Object.keys(COUNT_WORDS).join('|')})`
const UNIT = '(minute|hour|day|week|month|quarter|year)s?'
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?'
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

const ISO = /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?\b/g
const MONTH_DAY = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'gi')
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?\\b`, 'gi')
const WINDOW = new RegExp(`\\b(last|past|previous|prior|next|coming)\\s+(?:${COUNT}\\s+)?${UNIT}\\b`, 'gi')
const AGO = new RegExp(`\\b${COUNT}\\s+${UNIT}\\s+ago\\b`, 'gi')
const NAMED_DAY = /\b(today|yesterday|tomorrow)\b/gi
const THIS_PERIOD = /\b(this|current)\s+(week|month|quarter|year)\b/gi
const WEEKDAY = /\b(?:(last|next|this)\s+)?(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/gi
const FROM_ANCHOR = /(?:since|after|from|starting(?:\s+(?:on|from))?|beginning|as\s+of|between)\s{1,3}(?:the\s{1,3})?$/i
const BEFORE_ANCHOR = /(?:before|prior\s+to|earlier\s+than|older\s+than)\s{1,3}(?:the\s{1,3})?$/i
const TO_ANCHOR = /(?:until|till|through|thru|to|by|ending(?:\s+on)?|up\s+to|no\s+later\s+than)\s{1,3}(?:the\s{1,3})?$/i
const JOINER = /^\s*(?:and|to|through|thru|until|till|-|–)\s*$/i

function countOf(word: string | undefined): number {
  if (word === undefined) return 1
  const n = COUNT_WORDS[word.toLowerCase()]
  return n ?? Number.parseInt(word, 10)
}

function startOfDay(ms: number): number {
  return ms - (((ms % DAY) + DAY) % DAY)
}

function day(ms: number): DateRange {
  const from = startOfDay(ms)
  return { from, to: from + DAY - 1 }
}

function shift(ms: number, unit: Unit, n: number): number {
  switch (unit) {
    case 'minute':
      return ms + n * MINUTE
    case 'hour':
      return ms + n * HOUR
    case 'day':
      return ms + n * DAY
    case 'week':
      return ms + n * 7 * DAY
    default: {
      const date = new Date(ms)
      const months = unit === 'month' ? n : unit === 'quarter' ? 3 * n : 12 * n
      date.setUTCMonth(date.getUTCMonth() + months)
      return date.getTime()
    }
  }
}

function periodStart(now: number, unit: 'week' | 'month' | 'quarter' | 'year'): number {
  const date = new Date(startOfDay(now))
  if (unit === 'week') return date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY
  const month =
    unit === 'month' ? date.getUTCMonth() : unit === 'quarter' ? date.getUTCMonth() - (date.getUTCMonth() % 3) : 0
  return Date.UTC(date.getUTCFullYear(), month, 1)
}

function calendarDay(year: number | null, monthName: string, dayOfMonth: number): (now: number) => DateRange {
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase())
  return (now) => day(Date.UTC(year ?? new Date(now).getUTCFullYear(), month, dayOfMonth))
}

function isoRange(match: RegExpExecArray): DateRange | null {
  const [text, y, mo, d, h] = match
  const at = Date.parse(
    h === undefined
      ? `${y}-${mo}-${d}T00:00:00Z`
      : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
        ? text.replace(' ', 'T')
        : `${text.replace(' ', 'T')}Z`,
  )
  if (Number.isNaN(at)) return null
  return h === undefined ? day(at) : { from: at, to: at }
}

function anchorBefore(text: string, index: number): Anchor {
  const before = text.slice(Math.max(0, index - 24), index)
  if (FROM_ANCHOR.test(before)) return 'from'
  if (BEFORE_ANCHOR.test(before)) return 'before'
  if (TO_ANCHOR.test(before)) return 'to'
  return null
}

/** Applies "since", "before", "until"… to a point-like range. */
function anchored(range: DateRange, anchor: Anchor): DateRange {
  if (anchor === 'from') return { from: range.from, to: null }
  if (anchor === 'before') return { from: null, to: range.from === null ? null : range.from - 1 }
  if (anchor === 'to') return { from: null, to: range.to }
  return range
}

interface Raw {
  start: number
  end: number
  /** Windows ("last 30 days") already say which side is open; points take the anchor word. */
  point: boolean
  resolve(now: number): DateRange | null
}

const WINDOW_HINT = /last|past|previous|prior|next|coming/i
const PERIOD_HINT = /this|current/i

function collect(text: string): Raw[] {
  const raws: Raw[] = []
  // Each pattern only runs when a cheap test says it could match.
  const hasDigit = /\d/.test(text)
  const lower = text.toLowerCase()
  const hasDay = lower.includes('day') || lower.includes('tomorrow')
  const add = (match: RegExpExecArray, point: boolean, resolve: (now: number) => DateRange | null): void => {
    const start = match.index
    const end = start + match[0].length
    if (raws.some((raw) => start < raw.end && end > raw.start)) return
    raws.push({ start, end, point, resolve })
  }
  if (hasDigit)
    for (const match of text.matchAll(ISO)) {
      const range = isoRange(match)
      if (range) add(match, true, () => range)
    }
  if (hasDigit)
    for (const match of text.matchAll(MONTH_DAY)) {
      add(match, true, calendarDay(match[3] === undefined ? null : Number(match[3]), match[1] ?? '', Number(match[2])))
    }
  if (hasDigit)
    for (const match of text.matchAll(DAY_MONTH)) {
      add(match, true, calendarDay(match[3] === undefined ? null : Number(match[3]), match[2] ?? '', Number(match[1])))
    }
  if (WINDOW_HINT.test(text))
    for (const match of text.matchAll(WINDOW)) {
      const forward = /^(?:next|coming)$/i.test(match[1] ?? '')
      const n = countOf(match[2])
      const unit = (match[3] ?? 'day').toLowerCase() as Unit
      add(match, false, (now) =>
        forward ? { from: now, to: shift(now, unit, n) } : { from: shift(now, unit, -n), to: now },
      )
    }
  if (lower.includes('ago'))
    for (const match of text.matchAll(AGO)) {
      const n = countOf(match[1])
      const unit = (match[2] ?? 'day').toLowerCase() as Unit
      add(match, true, (now) => day(shift(now, unit, -n)))
    }
  if (hasDay)
    for (const match of text.matchAll(NAMED_DAY)) {
      const offset = { today: 0, yesterday: -1, tomorrow: 1 }[(match[1] ?? 'today').toLowerCase()] ?? 0
      add(match, true, (now) => day(now + offset * DAY))
    }
  if (PERIOD_HINT.test(text))
    for (const match of text.matchAll(THIS_PERIOD)) {
      const unit = (match[2] ?? 'week').toLowerCase() as 'week' | 'month' | 'quarter' | 'year'
      add(match, false, (now) => {
        const from = periodStart(now, unit)
        return { from, to: shift(from, unit, 1) - 1 }
      })
    }
  if (hasDay)
    for (const match of text.matchAll(WEEKDAY)) {
      const target = WEEKDAYS.indexOf((match[2] ?? '').toLowerCase())
      const next = (match[1] ?? '').toLowerCase() === 'next'
      add(match, true, (now) => {
        const today = new Date(now).getUTCDay()
        const delta = next ? (target - today + 7) % 7 || 7 : -((today - target + 7) % 7)
        return day(now + delta * DAY)
      })
    }
  return raws.sort((a, b) => a.start - b.start)
}

/**
 * Date phrases in `text`: ISO dates and times, "March 3, 2025", "last 30 days", "next week",
 * "3 days ago", "today", "yesterday", "this month", weekdays, with "since"/"before"/"until" anchors
 * and "between X and Y" / "from X to Y" ranges. Windows roll back from now ("last week" is the
 * past 7 days); "this week" is the calendar week (Monday first). Everything is UTC.
 */
export function findDatePhrases(text: string): DateMention[] {
  const raws = collect(text)
  const mentions: DateMention[] = []
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]
    if (!raw) continue
    const anchor = raw.point ? anchorBefore(text, raw.start) : null
    const next = raws[i + 1]
    if (anchor === 'from' && next?.point === true && JOINER.test(text.slice(raw.end, next.start))) {
      mentions.push({
        start: raw.start,
        end: next.end,
        text: text.slice(raw.start, next.end),
        anchor: null,
        resolve: (now) => ({ from: raw.resolve(now)?.from ?? null, to: next.resolve(now)?.to ?? null }),
      })
      i++
      continue
    }
    mentions.push({
      start: raw.start,
      end: raw.end,
      text: text.slice(raw.start, raw.end),
      anchor,
      resolve: (now) => {
        const range = raw.resolve(now)
        return range ? anchored(range, anchor) : { from: null, to: null }
      },
    })
  }
  return mentions
}

/** `YYYY-MM-DD` of a UTC timestamp. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Full ISO-8601 UTC timestamp. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString()
}
