/**
 * The PRC's public holidays and the weekend days worked in exchange (调休), as
 * the General Office of the State Council published them each year in its
 * notice on holiday arrangements (国务院办公厅关于YYYY年部分节假日安排的通知),
 * with the later notices that changed a year's arrangement. A kernel runs on
 * this data unless the host gives its own; nothing is guessed for a year whose
 * notice is not out, so a date in such a year is refused with
 * `DateOutsideCalendar`.
 *
 * Each year lists the dates of that calendar year only: a break that starts in
 * December (New Year 2019 began on 30 December 2018) contributes only its days
 * in the new year, and the days before belong to the previous year's entry.
 *
 * @since 0.3.0
 */
import type { CalendarData, CalendarYear } from "./Calendar.js"

/**
 * One holiday as a notice announces it: the break from its first to its last
 * day (weekends included, as the notice counts them) and the weekend days
 * worked in exchange.
 *
 * @since 0.3.0
 */
export interface Festival {
  /** The holiday as the notice names it (春节, 国庆节、中秋节…). */
  readonly name: string
  /** The first and last day of the break, `YYYY-MM-DD`. */
  readonly off: readonly [first: string, last: string]
  /** The Saturdays and Sundays worked in exchange, `YYYY-MM-DD`. */
  readonly work?: ReadonlyArray<string>
}

const DAY_MS = 24 * 60 * 60 * 1000

const isWeekend = (date: string): boolean => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}

const datesFrom = (first: string, last: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10))
  }
  return out
}

/**
 * A year of calendar data from its holidays as the notice announces them: the
 * weekdays of each break become `holidays` (a weekend day of a break is off
 * anyway), the days worked in exchange become `workdays`.
 *
 * @example
 * ```ts
 * // When the State Council publishes 2027's notice, a host adds it without waiting for a release:
 * const year2027 = Holidays.year(2027, [{ name: "元旦", off: ["2027-01-01", "2027-01-03"] }, …])
 * makeKernel({ storage, calendar: { years: [...Holidays.prc.years, year2027] } })
 * ```
 * @since 0.3.0
 */
export const year = (year: number, festivals: ReadonlyArray<Festival>): CalendarYear => ({
  year,
  holidays: festivals.flatMap((f) => datesFrom(f.off[0], f.off[1]).filter((date) => !isWeekend(date))),
  workdays: festivals.flatMap((f) => f.work ?? [])
})

// 国办发明电〔2018〕15号 (4 December 2018), with Labour Day as changed by 国务院办公厅关于调整2019年劳动节假期安排的通知,
// 国办发明电〔2019〕3号 (22 March 2019): from 1 May alone to 1-4 May, 28 April and 5 May worked. New Year ran
// from 30 December 2018 (29 December 2018 worked): only 1 January falls in 2019.
const y2019 = year(2019, [
  { name: "元旦", off: ["2019-01-01", "2019-01-01"] },
  { name: "春节", off: ["2019-02-04", "2019-02-10"], work: ["2019-02-02", "2019-02-03"] },
  { name: "清明节", off: ["2019-04-05", "2019-04-07"] },
  { name: "劳动节", off: ["2019-05-01", "2019-05-04"], work: ["2019-04-28", "2019-05-05"] },
  { name: "端午节", off: ["2019-06-07", "2019-06-09"] },
  { name: "中秋节", off: ["2019-09-13", "2019-09-15"] },
  { name: "国庆节", off: ["2019-10-01", "2019-10-07"], work: ["2019-09-29", "2019-10-12"] }
])

// 国办发明电〔2019〕16号 (21 November 2019). Its Spring Festival ran 24-30 January with Saturday 1 February worked;
// 国务院办公厅关于延长2020年春节假期的通知, 国办发明电〔2020〕1号 (26 January 2020), extended the break to
// Sunday 2 February against the epidemic, so 31 January became a day off and 1 February was no longer worked.
const y2020 = year(2020, [
  { name: "元旦", off: ["2020-01-01", "2020-01-01"] },
  { name: "春节", off: ["2020-01-24", "2020-02-02"], work: ["2020-01-19"] },
  { name: "清明节", off: ["2020-04-04", "2020-04-06"] },
  { name: "劳动节", off: ["2020-05-01", "2020-05-05"], work: ["2020-04-26", "2020-05-09"] },
  { name: "端午节", off: ["2020-06-25", "2020-06-27"], work: ["2020-06-28"] },
  { name: "国庆节、中秋节", off: ["2020-10-01", "2020-10-08"], work: ["2020-09-27", "2020-10-10"] }
])

// 国办发明电〔2020〕27号 (25 November 2020).
const y2021 = year(2021, [
  { name: "元旦", off: ["2021-01-01", "2021-01-03"] },
  { name: "春节", off: ["2021-02-11", "2021-02-17"], work: ["2021-02-07", "2021-02-20"] },
  { name: "清明节", off: ["2021-04-03", "2021-04-05"] },
  { name: "劳动节", off: ["2021-05-01", "2021-05-05"], work: ["2021-04-25", "2021-05-08"] },
  { name: "端午节", off: ["2021-06-12", "2021-06-14"] },
  { name: "中秋节", off: ["2021-09-19", "2021-09-21"], work: ["2021-09-18"] },
  { name: "国庆节", off: ["2021-10-01", "2021-10-07"], work: ["2021-09-26", "2021-10-09"] }
])

// 国办发明电〔2021〕11号 (25 October 2021).
const y2022 = year(2022, [
  { name: "元旦", off: ["2022-01-01", "2022-01-03"] },
  { name: "春节", off: ["2022-01-31", "2022-02-06"], work: ["2022-01-29", "2022-01-30"] },
  { name: "清明节", off: ["2022-04-03", "2022-04-05"], work: ["2022-04-02"] },
  { name: "劳动节", off: ["2022-04-30", "2022-05-04"], work: ["2022-04-24", "2022-05-07"] },
  { name: "端午节", off: ["2022-06-03", "2022-06-05"] },
  { name: "中秋节", off: ["2022-09-10", "2022-09-12"] },
  { name: "国庆节", off: ["2022-10-01", "2022-10-07"], work: ["2022-10-08", "2022-10-09"] }
])

// 国办发明电〔2022〕16号 (8 December 2022). New Year ran from 31 December 2022: only 1-2 January fall in 2023.
const y2023 = year(2023, [
  { name: "元旦", off: ["2023-01-01", "2023-01-02"] },
  { name: "春节", off: ["2023-01-21", "2023-01-27"], work: ["2023-01-28", "2023-01-29"] },
  { name: "清明节", off: ["2023-04-05", "2023-04-05"] },
  { name: "劳动节", off: ["2023-04-29", "2023-05-03"], work: ["2023-04-23", "2023-05-06"] },
  { name: "端午节", off: ["2023-06-22", "2023-06-24"], work: ["2023-06-25"] },
  { name: "中秋节、国庆节", off: ["2023-09-29", "2023-10-06"], work: ["2023-10-07", "2023-10-08"] }
])

// 国办发明电〔2023〕7号 (25 October 2023).
const y2024 = year(2024, [
  { name: "元旦", off: ["2024-01-01", "2024-01-01"] },
  { name: "春节", off: ["2024-02-10", "2024-02-17"], work: ["2024-02-04", "2024-02-18"] },
  { name: "清明节", off: ["2024-04-04", "2024-04-06"], work: ["2024-04-07"] },
  { name: "劳动节", off: ["2024-05-01", "2024-05-05"], work: ["2024-04-28", "2024-05-11"] },
  { name: "端午节", off: ["2024-06-10", "2024-06-10"] },
  { name: "中秋节", off: ["2024-09-15", "2024-09-17"], work: ["2024-09-14"] },
  { name: "国庆节", off: ["2024-10-01", "2024-10-07"], work: ["2024-09-29", "2024-10-12"] }
])

// 国办发明电〔2024〕12号 (12 November 2024), the first under the holiday rules revised in November 2024
// (Spring Festival and Labour Day one day longer each).
const y2025 = year(2025, [
  { name: "元旦", off: ["2025-01-01", "2025-01-01"] },
  { name: "春节", off: ["2025-01-28", "2025-02-04"], work: ["2025-01-26", "2025-02-08"] },
  { name: "清明节", off: ["2025-04-04", "2025-04-06"] },
  { name: "劳动节", off: ["2025-05-01", "2025-05-05"], work: ["2025-04-27"] },
  { name: "端午节", off: ["2025-05-31", "2025-06-02"] },
  { name: "国庆节、中秋节", off: ["2025-10-01", "2025-10-08"], work: ["2025-09-28", "2025-10-11"] }
])

// 国办发明电〔2025〕7号 (4 November 2025).
const y2026 = year(2026, [
  { name: "元旦", off: ["2026-01-01", "2026-01-03"], work: ["2026-01-04"] },
  { name: "春节", off: ["2026-02-15", "2026-02-23"], work: ["2026-02-14", "2026-02-28"] },
  { name: "清明节", off: ["2026-04-04", "2026-04-06"] },
  { name: "劳动节", off: ["2026-05-01", "2026-05-05"], work: ["2026-05-09"] },
  { name: "端午节", off: ["2026-06-19", "2026-06-21"] },
  { name: "中秋节", off: ["2026-09-25", "2026-09-27"] },
  { name: "国庆节", off: ["2026-10-01", "2026-10-07"], work: ["2026-09-20", "2026-10-10"] }
])

/**
 * The PRC's holidays from 2019 through 2026, the latest year the State Council
 * has published. A host extends it with a year published since, or corrects
 * one (a later entry for a year replaces an earlier one):
 * `{ years: [...Holidays.prc.years, year2027] }`.
 *
 * @example
 * ```ts
 * const calendar = Calendar.make(Holidays.prc)
 * Effect.runSync(calendar.isWorkingDay("2024-10-12")) // true: a Saturday worked for National Day
 * ```
 * @since 0.3.0
 */
export const prc: CalendarData = { years: [y2019, y2020, y2021, y2022, y2023, y2024, y2025, y2026] }
