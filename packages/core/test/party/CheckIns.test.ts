import { Effect, TestClock, TestContext } from "effect"
import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { InvalidInput } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import { type PartyRefused } from "../../src/party/Refused.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { boaiWorker, huiminSecretary, g1Worker } = partyActors

const withMember = async () => {
  const fixture = await partyFixture(sqliteStorage({ filename: ":memory:" }))
  const resident = await fixture.member(fixture.g1[0]!.id, "resident", fixture.organisations.boai.id)
  return { ...fixture, resident }
}

describe("member check-in", () => {
  it("a member is checked in with one community at a time: ended there, they check in with the next", async () => {
    const { exec, resident } = await withMember()
    const first = await exec(
      Party.commands.checkIn({
        district: DISTRICT,
        member: resident.id,
        community: partyPlaces.boai,
        pledge: "参加楼道清扫",
        checkedInOn: "2020-03-02"
      }),
      boaiWorker
    )
    const second = () =>
      exec(
        Party.commands.checkIn({
          district: DISTRICT,
          member: resident.id,
          community: partyPlaces.huimin,
          pledge: "参加夜间巡逻",
          checkedInOn: "2020-09-01"
        }),
        huiminSecretary
      )
    const refused = await rejection(second())
    expect(problemsOf(refused)).toEqual(["member PARTY.ALREADY_CHECKED_IN"])
    expect((refused as PartyRefused).reason["zh-CN"]).toBe("该党员已向博爱社区报到，须先结束该报到")
    await exec(Party.commands.endCheckIn({ district: DISTRICT, checkIn: first.id, endedOn: "2020-08-31" }), boaiWorker)
    await second()
    const late = await rejection(
      exec(
        Party.commands.recordService({
          district: DISTRICT,
          checkIn: first.id,
          servedOn: "2020-09-01",
          what: "清扫楼道",
          hours: 1
        }),
        boaiWorker
      )
    )
    expect(problemsOf(late)).toEqual(["servedOn PARTY.SERVICE_OUTSIDE_CHECK_IN"])
    // Service done while it lasted is still recorded after it ended.
    await exec(
      Party.commands.recordService({
        district: DISTRICT,
        checkIn: first.id,
        servedOn: "2020-08-31",
        what: "清扫楼道",
        hours: 1
      }),
      boaiWorker
    )
    const ended = await rejection(
      exec(Party.commands.endCheckIn({ district: DISTRICT, checkIn: first.id }), boaiWorker)
    )
    expect((ended as PartyRefused).code).toBe("PARTY.CHECK_IN_ENDED")
    const board = (on: string) =>
      exec(Party.queries.pledges({ district: DISTRICT, community: partyPlaces.boai, on }), boaiWorker)
    expect((await board("2020-08-31")).map((b) => [b.pledge, b.hours])).toEqual([["参加楼道清扫", 1]])
    expect(await board("2020-09-01")).toEqual([])
  })

  it("a check-in in a grid names a grid of the community", async () => {
    const { exec, resident } = await withMember()
    const refused = await rejection(
      exec(
        Party.commands.checkIn({
          district: DISTRICT,
          member: resident.id,
          community: partyPlaces.boai,
          grid: partyPlaces.g3,
          pledge: "参加夜间巡逻",
          checkedInOn: "2020-03-02"
        })
      )
    )
    expect(problemsOf(refused)).toEqual(["grid PARTY.GRID_OUTSIDE"])
  })

  it("hours of service are more than none, at most a day, in quarters of an hour; every bad field is listed", async () => {
    const { exec, resident } = await withMember()
    const checkIn = await exec(
      Party.commands.checkIn({
        district: DISTRICT,
        member: resident.id,
        community: partyPlaces.boai,
        grid: partyPlaces.g1,
        pledge: "参加楼道清扫",
        checkedInOn: "2020-03-02"
      }),
      g1Worker
    )
    const bad = await rejection(
      exec(
        Party.commands.recordService({
          district: DISTRICT,
          checkIn: checkIn.id,
          servedOn: "2020-02-30",
          what: " ",
          hours: 1.1
        }),
        g1Worker
      )
    )
    expect(bad).toBeInstanceOf(InvalidInput)
    expect((bad as InvalidInput).problems.map((p) => `${p.path} ${p.code}`)).toEqual([
      "servedOn REGISTRY.DATE",
      "what INVALID_VALUE",
      "hours PARTY.HOURS"
    ])
    for (const hours of [0, 24.25]) {
      expect(
        await rejection(
          exec(
            Party.commands.recordService({
              district: DISTRICT,
              checkIn: checkIn.id,
              servedOn: "2020-03-03",
              what: "清扫",
              hours
            }),
            g1Worker
          )
        )
      ).toBeInstanceOf(InvalidInput)
    }
    await exec(
      Party.commands.recordService({
        district: DISTRICT,
        checkIn: checkIn.id,
        servedOn: "2020-03-03",
        what: "清扫",
        hours: 0.25
      }),
      g1Worker
    )
    const figures = await exec(
      Party.queries.checkInFigures({ district: DISTRICT, from: "2020-03-01", to: "2020-03-31" }),
      g1Worker
    )
    expect(figures).toEqual([
      {
        community: partyPlaces.boai,
        name: "博爱社区",
        kind: "resident",
        checkIns: 1,
        serving: 1,
        services: 1,
        hours: 0.25
      }
    ])
  })

  it("a period that ends before it starts is refused", async () => {
    const { exec } = await withMember()
    const reversed = await rejection(
      exec(Party.queries.checkInFigures({ district: DISTRICT, from: "2020-12-31", to: "2020-01-01" }), boaiWorker)
    )
    expect((reversed as InvalidInput).problems.map((p) => p.code)).toEqual(["PARTY.PERIOD_REVERSED"])
  })

  it("a check-in or a service dated after today is refused: the module records what has happened", async () => {
    const { kernel, resident } = await withMember()
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        // 2020-06-15 10:00 in Shanghai.
        yield* TestClock.setTime(Date.parse("2020-06-15T02:00:00Z"))
        const tomorrow = yield* Effect.flip(
          kernel.run(
            Party.commands.checkIn({
              district: DISTRICT,
              member: resident.id,
              community: partyPlaces.boai,
              pledge: "参加楼道清扫",
              checkedInOn: "2020-06-16"
            }),
            boaiWorker
          )
        )
        const today = yield* kernel.run(
          Party.commands.checkIn({
            district: DISTRICT,
            member: resident.id,
            community: partyPlaces.boai,
            pledge: "参加楼道清扫"
          }),
          boaiWorker
        )
        const board = yield* kernel.run(
          Party.queries.pledges({ district: DISTRICT, community: partyPlaces.boai }),
          boaiWorker
        )
        return { tomorrow, today, board }
      }).pipe(Effect.provide(TestContext.TestContext))
    )
    expect(problemsOf(outcome.tomorrow)).toEqual(["checkedInOn PARTY.DATE_IN_FUTURE"])
    expect(outcome.board.map((b) => [b.checkIn, b.checkedInOn])).toEqual([[outcome.today.id, "2020-06-15"]])
  })
})
