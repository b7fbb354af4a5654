import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Calendar from "../../src/Calendar.js"
import { DateOutsideCalendar } from "../../src/Errors.js"
import * as Holidays from "../../src/Holidays.js"

const calendar = Calendar.make(Holidays.prc)

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay()
const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6
const endOf = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000 - 1)
const working = (date: string) => Effect.runSync(calendar.isWorkingDay(date))

describe("the PRC's holidays as the State Council published them", () => {
  it("covers 2019 through 2026, each year once", () => {
    expect(Holidays.prc.years.map((y) => y.year)).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])
  })

  it("lists each year's weekday holidays and weekend working days, within the year, once each", () => {
    for (const { year, holidays, workdays } of Holidays.prc.years) {
      for (const date of holidays) {
        expect(date.startsWith(`${year}-`), date).toBe(true)
        expect(isWeekend(date), `${date} is a weekday off`).toBe(false)
      }
      for (const date of workdays) {
        expect(date.startsWith(`${year}-`), date).toBe(true)
        expect(isWeekend(date), `${date} is a weekend day worked`).toBe(true)
      }
      expect(new Set(holidays).size).toBe(holidays.length)
      expect(new Set(workdays).size).toBe(workdays.length)
    }
  })

  it("has as many weekdays off and weekend days worked as each year's notice", () => {
    expect(Holidays.prc.years.map((y) => [y.year, y.holidays.length, y.workdays.length])).toEqual([
      [2019, 17, 6],
      [2020, 19, 6],
      [2021, 18, 7],
      [2022, 18, 7],
      [2023, 18, 7],
      [2024, 19, 8],
      [2025, 18, 5],
      [2026, 19, 6]
    ])
  })

  it("gives 2019 the four-day Labour Day of the March amendment, not the one day first announced", () => {
    expect(["2019-05-01", "2019-05-02", "2019-05-03"].map(working)).toEqual([false, false, false])
    expect(["2019-04-28", "2019-05-05"].map(working)).toEqual([true, true])
  })

  it("extends 2020's Spring Festival to 2 February, so Saturday 1 February was not worked", () => {
    expect(["2020-01-19", "2020-01-31", "2020-02-01", "2020-02-03"].map(working)).toEqual([true, false, false, true])
  })

  it("starts 2023 with New Year's Day moved to Monday 2 January, the break having begun on 31 December", () => {
    expect(["2023-01-02", "2023-01-03"].map(working)).toEqual([false, true])
  })

  it("knows 2026: Sunday 4 January worked after New Year, and a nine-day Spring Festival", () => {
    expect(["2026-01-02", "2026-01-04", "2026-02-14", "2026-02-23", "2026-02-24", "2026-02-28"].map(working)).toEqual([
      false,
      true,
      true,
      false,
      true,
      true
    ])
  })

  it.effect("three working days from the eve of National Day 2024 end on the evening of 10 October", () =>
    Effect.gen(function* () {
      expect(yield* calendar.deadline(new Date("2024-09-30T10:00:00+08:00"), 3)).toEqual(endOf("2024-10-10"))
      // In 2025 the break ran 1-8 October: the third working day after 30 September is Saturday the 11th, worked.
      expect(yield* calendar.deadline(new Date("2025-09-30T10:00:00+08:00"), 2)).toEqual(endOf("2025-10-10"))
      expect(yield* calendar.deadline(new Date("2025-09-30T10:00:00+08:00"), 3)).toEqual(endOf("2025-10-11"))
    })
  )

  it.effect("refuses a date in 2027, whose notice is not out, naming the years it covers", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(calendar.deadline(new Date("2026-12-30T10:00:00+08:00"), 3))
      expect(error).toBeInstanceOf(DateOutsideCalendar)
      expect(error).toMatchObject({ date: "2027-01-01", covered: "2019-2026" })
    })
  )

  it("is the calendar a kernel runs on when the host gives none", () => {
    expect(Effect.runSync(Calendar.make().isWorkingDay("2024-10-12"))).toBe(true)
    expect(Effect.runSync(Effect.flip(Calendar.make().isWorkingDay("2018-12-31")))).toMatchObject({
      covered: "2019-2026"
    })
  })

  it("takes a year a host adds, and a later entry for a year replaces an earlier one", () => {
    const year2027 = Holidays.year(2027, [
      { name: "元旦", off: ["2027-01-01", "2027-01-03"] },
      { name: "春节", off: ["2027-02-05", "2027-02-11"], work: ["2027-02-13"] }
    ])
    expect(year2027).toEqual({
      year: 2027,
      holidays: ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
      workdays: ["2027-02-13"]
    })
    const corrected = { year: 2026, holidays: [], workdays: [] }
    const extended = Calendar.make({ years: [...Holidays.prc.years, year2027, corrected] })
    expect(Effect.runSync(extended.isWorkingDay("2027-02-13"))).toBe(true)
    expect(Effect.runSync(extended.isWorkingDay("2026-10-01"))).toBe(true)
    expect(Effect.runSync(Effect.flip(extended.isWorkingDay("2028-01-03")))).toMatchObject({ covered: "2019-2027" })
  })
})
