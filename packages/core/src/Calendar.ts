/**
 * Working days in Asia/Shanghai, from holiday data: the PRC's as shipped
 * (`Holidays.prc`), or what the host supplies instead. The State Council
 * publishes each year's public holidays and the weekend days worked in exchange
 * (调休) late in the year before; a date outside the data is refused with
 * {@link DateOutsideCalendar}, never guessed.
 *
 * @since 0.1.0
 */
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { CoreCode, DateOutsideCalendar } from "./Errors.js"
import { prc } from "./Holidays.js"

const LocalDate = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))

/**
 * One year's data: the days off that fall on weekdays (`holidays`) and the
 * weekend days that are working days (`workdays`), each `YYYY-MM-DD`.
 *
 * @since 0.1.0
 */
export const CalendarYear = Schema.Struct({
  year: Schema.Int,
  holidays: Schema.Array(LocalDate),
  workdays: Schema.Array(LocalDate)
})

/** @since 0.1.0 */
export type CalendarYear = typeof CalendarYear.Type

/**
 * Holiday data: the years it covers, each whole.
 *
 * @since 0.1.0
 */
export const CalendarData = Schema.Struct({ years: Schema.Array(CalendarYear) })

/** @since 0.1.0 */
export type CalendarData = typeof CalendarData.Type

/**
 * The calendar service.
 *
 * @since 0.1.0
 */
export interface CalendarService {
  /** The date in Asia/Shanghai on which an instant falls, `YYYY-MM-DD`. */
  readonly localDate: (instant: Date) => string
  /** Whether a local date is a working day. */
  readonly isWorkingDay: (date: string) => Effect.Effect<boolean, DateOutsideCalendar>
  /**
   * When a task received at `received` and due in `workingDays` working days
   * lapses: the end of the Nth working day after the day of receipt (the last
   * millisecond of that day in Asia/Shanghai).
   */
  readonly deadline: (received: Date, workingDays: number) => Effect.Effect<Date, DateOutsideCalendar>
}

/** @since 0.1.0 */
export class Calendar extends Context.Tag("@shequ/core/Calendar")<Calendar, CalendarService>() {}

// China has kept UTC+8 without daylight saving since 1991, before any year the data can cover.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

const localDate = (instant: Date): string => new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)

const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)

const isWeekend = (date: string): boolean => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** The years the data covers, runs of consecutive years as one range: `2019-2026`, `2019-2021, 2024`. */
const coveredYears = (years: ReadonlyArray<number>): string => {
  if (years.length === 0) return "none"
  const runs: Array<[number, number]> = []
  for (const year of [...years].sort((a, b) => a - b)) {
    const last = runs.at(-1)
    if (last !== undefined && last[1] === year - 1) last[1] = year
    else runs.push([year, year])
  }
  return runs.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(", ")
}

/**
 * Builds the calendar service from holiday data, the PRC's as shipped unless
 * other data is given. A later entry for a year replaces an earlier one, so a
 * host corrects a year by appending it.
 *
 * @example
 * ```ts
 * const calendar = Calendar.make({ years: [{ year: 2024, holidays: ["2024-10-01"], workdays: ["2024-10-12"] }] })
 * Effect.runSync(calendar.isWorkingDay("2024-10-12")) // true: a Saturday worked in exchange
 * ```
 * @since 0.1.0
 */
export const make = (data: CalendarData = prc): CalendarService => {
  const years = new Map(
    data.years.map((y) => [y.year, { holidays: new Set(y.holidays), workdays: new Set(y.workdays) }])
  )
  const covered = coveredYears([...years.keys()])

  const isWorkingDay = (date: string) => {
    const year = years.get(Number(date.slice(0, 4)))
    if (year === undefined) {
      return Effect.fail(new DateOutsideCalendar({ code: CoreCode.DateOutsideCalendar, date, covered }))
    }
    if (year.workdays.has(date)) return Effect.succeed(true)
    if (year.holidays.has(date)) return Effect.succeed(false)
    return Effect.succeed(!isWeekend(date))
  }

  const deadline = (received: Date, workingDays: number) =>
    Effect.gen(function* () {
      let date = localDate(received)
      let counted = 0
      while (counted < workingDays) {
        date = dayAfter(date)
        if (yield* isWorkingDay(date)) counted++
      }
      return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + DAY_MS - 1)
    })

  return { localDate, isWorkingDay, deadline }
}

/** A layer with the given data. @since 0.1.0 */
export const layer = (data: CalendarData): Layer.Layer<Calendar> => Layer.succeed(Calendar, make(data))

/**
 * The current instant from Effect's `Clock`, so tests move time with `TestClock`.
 *
 * @since 0.1.0
 */
export const now: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))
