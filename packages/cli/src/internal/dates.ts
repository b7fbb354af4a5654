/**
 * Dates and times as the command reads them. A district's days are days in
 * Asia/Shanghai (UTC+8 all year, no daylight saving), so a time written
 * without an offset is a time there, whatever the server's own zone.
 */
import type { Messages } from "../messages.js"
import { UsageError } from "./exit.js"

const SHANGHAI_MS = 8 * 60 * 60 * 1000

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/

/** `text` when it is a real date written `YYYY-MM-DD`; `undefined` otherwise (`2024-02-30`, `2024-10-1`). */
export const parseDate = (text: string): string | undefined => {
  const parts = DATE.exec(text)
  if (parts === null) return undefined
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  // Date.UTC rolls 30 February over to 1 March: a real date reads back as it was written.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? text
    : undefined
}

/**
 * An instant written in ISO 8601: a date (its first moment), or a date and a
 * time to the minute, second or millisecond, with `T` or a space between, and
 * `Z` or an offset such as `+08:00`; without an offset, Asia/Shanghai.
 * `undefined` for anything else (`next Tuesday`, `2024-10-11T25:00`).
 */
export const parseInstant = (text: string): Date | undefined => {
  const parts = INSTANT.exec(text.trim())
  if (parts === null) return undefined
  const [, date, hours = "00", minutes = "00", seconds = "00", fraction = "", zone = "+08:00"] = parts
  if (parseDate(date!) === undefined || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    return undefined
  }
  if (zone !== "Z" && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59)) return undefined
  return new Date(`${date}T${hours}:${minutes}:${seconds}${fraction && fraction.padEnd(4, "0")}${zone}`)
}

/** An instant as a time in Asia/Shanghai: `2024-10-11T00:30:00+08:00`, with milliseconds only when it has some. */
export const inShanghai = (at: Date): string => {
  const local = new Date(at.getTime() + SHANGHAI_MS).toISOString()
  return `${local.slice(0, at.getUTCMilliseconds() === 0 ? 19 : 23)}+08:00`
}

/** The date of an instant in Asia/Shanghai. */
export const dateInShanghai = (at: Date): string => inShanghai(at).slice(0, 10)

/** The first day of a date's month. */
export const firstOfMonth = (date: string): string => `${date.slice(0, 8)}01`

/**
 * The dates of the options that name one (`--from`, `--to`), checked: every
 * one that is not a real `YYYY-MM-DD` date is listed in one usage error.
 */
export const checkDates = <K extends string>(
  t: Messages,
  given: { readonly [O in K]: string | undefined }
): { readonly [O in K]: string | undefined } => {
  const entries = Object.entries<string | undefined>(given)
  const bad = entries.filter(([, value]) => value !== undefined && parseDate(value) === undefined)
  if (bad.length > 0) throw new UsageError(bad.map(([option, value]) => t.badDate(option, value!)).join("\n"))
  return given
}
