import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Calendar, DateOutsideCalendar } from "../src/index.js"

// The State Council's 2024 holiday notice, as published.
const year2024 = {
  year: 2024,
  holidays: [
    "2024-01-01",
    "2024-02-12",
    "2024-02-13",
    "2024-02-14",
    "2024-02-15",
    "2024-02-16",
    "2024-04-04",
    "2024-04-05",
    "2024-05-01",
    "2024-05-02",
    "2024-05-03",
    "2024-06-10",
    "2024-09-16",
    "2024-09-17",
    "2024-10-01",
    "2024-10-02",
    "2024-10-03",
    "2024-10-04",
    "2024-10-07"
  ],
  workdays: [
    "2024-02-04",
    "2024-02-18",
    "2024-04-07",
    "2024-04-28",
    "2024-05-11",
    "2024-09-14",
    "2024-09-29",
    "2024-10-12"
  ]
}

const calendar = Calendar.make({ years: [year2024] })

describe("working days in Asia/Shanghai", () => {
  it.effect("a Saturday worked in exchange for the National Day holiday is a working day", () =>
    Effect.gen(function* () {
      expect(yield* calendar.isWorkingDay("2024-10-12")).toBe(true)
      expect(yield* calendar.isWorkingDay("2024-10-13")).toBe(false)
      expect(yield* calendar.isWorkingDay("2024-10-03")).toBe(false)
      expect(yield* calendar.isWorkingDay("2024-10-08")).toBe(true)
    })
  )

  it.effect("three working days from the eve of National Day end on the evening of 10 October", () =>
    Effect.gen(function* () {
      const received = new Date("2024-09-30T02:00:00Z") // 10:00 in Shanghai
      const deadline = yield* calendar.deadline(received, 3)
      expect(deadline.toISOString()).toBe("2024-10-10T15:59:59.999Z")
    })
  )

  it.effect("a request received late in the evening counts from the Shanghai date, not the UTC date", () =>
    Effect.gen(function* () {
      const received = new Date("2024-10-11T17:30:00Z") // 01:30 on Saturday 12 October in Shanghai, a working day
      expect(calendar.localDate(received)).toBe("2024-10-12")
      const deadline = yield* calendar.deadline(received, 1)
      expect(deadline.toISOString()).toBe("2024-10-14T15:59:59.999Z")
    })
  )

  it("a date outside the holiday data is refused, not guessed", () => {
    const exit = Effect.runSyncExit(calendar.deadline(new Date("2024-12-30T02:00:00Z"), 5))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Effect.runSync(Effect.flip(calendar.isWorkingDay("2025-01-02")))
    expect(error).toBeInstanceOf(DateOutsideCalendar)
    expect(error).toMatchObject({ code: "CORE.DATE_OUTSIDE_CALENDAR", date: "2025-01-02", covered: "2024" })
    expect(error.message).toContain("2025-01-02")
  })
})
