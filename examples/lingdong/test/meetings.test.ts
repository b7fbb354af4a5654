import { type Actor, type Kernel, Party, starsFor } from "@shequ/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MEETING_BRANCHES, type MeetingsResult, readAttendance, runMeetings } from "../src/meetings.js"
import { runParty } from "../src/party.js"
import { replay, setClock, shanghai } from "../src/replay.js"
import { LINGDONG } from "../src/scenario.js"
import { type Places, staffIds } from "../src/staff.js"
import { readStars, runStars, SCHEME, type StarsResult } from "../src/stars.js"
import { SEED, smallLingdong } from "./district.js"

const SCALE = 0.1

describe("三会一课 and star rating in 2020", () => {
  let kernel: Kernel
  let places: Places
  let meetings: MeetingsResult
  let stars: StarsResult
  let office: Actor.Actor
  beforeAll(async () => {
    const small = await smallLingdong(SCALE)
    kernel = small.kernel
    places = small.places
    await runParty(kernel, { seed: SEED, scale: SCALE }, places)
    meetings = await runMeetings(kernel, { seed: SEED, scale: SCALE }, places)
    stars = await runStars(kernel, places, meetings)
    office = await kernel.actorFor(staffIds.districtOffice)
  })
  afterAll(() => kernel.close())

  const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)

  it("a few branches hold their meetings from March, each recorded with everyone its roll expects", async () => {
    expect(meetings.branches).toHaveLength(Math.max(1, Math.round(MEETING_BRANCHES * SCALE)))
    const year = await kernel.exec(
      Party.queries.attendance({ district: LINGDONG, from: "2020-01-01", to: "2020-12-31" }),
      office
    )
    // The printed figures are the kernel's, line for line; every meeting recorded is counted once.
    expect(meetings.attendance).toEqual(year)
    expect(sum(year.map((a) => a.meetings))).toBe(meetings.commands)
    for (const branch of meetings.branches) {
      const held = year.find((a) => a.organisation === branch.id)!.meetings
      // Four members' meetings, four lectures, ten committee meetings, and ten party group meetings per cell.
      expect((held - 18) % 10).toBe(0)
      expect(held).toBeGreaterThan(18)
    }
    for (const figures of year) {
      expect(figures.rate).toBeCloseTo(figures.present / (figures.present + figures.absent + figures.excused), 12)
      expect(figures.rate).toBeGreaterThan(0.75)
    }
    // No meeting was held before March.
    const early = await kernel.exec(
      Party.queries.attendance({ district: LINGDONG, from: "2020-01-01", to: "2020-02-29" }),
      office
    )
    expect(early).toEqual([])
  })

  it("the attendance printed moves with what the kernel records, not with the replay's own tally", async () => {
    const branch = meetings.branches[0]!
    const secretary = await kernel.actorFor(staffIds.secretary(branch.community))
    const before = meetings.attendance.find((a) => a.organisation === branch.id)!
    const after = await replay(
      Effect.gen(function* () {
        yield* setClock(shanghai("2020-12-30", "19:00"))
        const roll = yield* kernel.run(
          Party.queries.roll({ district: LINGDONG, organisation: branch.id, kind: "party_lecture", on: "2020-12-30" }),
          secretary
        )
        yield* kernel.run(
          Party.commands.recordMeeting({
            district: LINGDONG,
            organisation: branch.id,
            kind: "party_lecture",
            heldOn: "2020-12-30",
            topic: "党课：年终补课",
            attendance: roll.map((r) => ({ member: r.member, status: "absent" as const })) as [
              { member: string; status: "absent" },
              ...Array<{ member: string; status: "absent" }>
            ]
          }),
          secretary
        )
        return {
          roll: roll.length,
          figures: (yield* readAttendance(kernel, LINGDONG, [branch.id], office))[0]!
        }
      })
    )
    expect(after.figures).toMatchObject({
      meetings: before.meetings + 1,
      present: before.present,
      absent: before.absent + after.roll
    })
  })

  it("members of those branches are scored on the district's scheme, with evidence, and their stars are the kernel's", async () => {
    const { ratings, scheme } = await kernel.exec(
      Party.queries.stars({ district: LINGDONG, scheme: stars.scheme }),
      office
    )
    expect(scheme.thresholds).toEqual(SCHEME.thresholds)
    expect(ratings.length).toBeGreaterThan(0)
    for (const rating of ratings) {
      expect(rating.items.map((i) => i.item)).toEqual(SCHEME.items.map((i) => i.code))
      expect(rating.items.every((i) => i.evidence.length > 0 && i.on === "2020-12-28")).toBe(true)
      expect(rating.stars).toBe(starsFor(rating.score, SCHEME.thresholds))
      expect(meetings.branches.map((b) => b.id)).toContain(rating.organisation)
    }
    // The table by organisation counts the kernel's ratings, member for member.
    expect(sum(stars.byOrganisation.map((o) => o.rated))).toBe(ratings.length)
    for (const row of stars.byOrganisation) {
      const theirs = ratings.filter((r) => r.organisation === row.organisation)
      expect(row.stars).toEqual([0, 1, 2, 3, 4, 5].map((n) => theirs.filter((r) => r.stars === n).length))
    }
    expect(stars.best).toEqual(ratings.slice(0, 3))
    // The scheme spreads the members over the stars rather than giving everyone the same.
    expect(new Set(ratings.map((r) => r.stars)).size).toBeGreaterThan(1)
  })

  it("a corrected score changes the stars printed", async () => {
    const best = stars.best[0]!
    const branch = meetings.branches.find((b) => b.id === best.organisation)!
    const secretary = await kernel.actorFor(staffIds.secretary(branch.community))
    const after = await replay(
      Effect.gen(function* () {
        yield* setClock(shanghai("2020-12-31", "10:00"))
        for (const item of SCHEME.items) {
          yield* kernel.run(
            Party.commands.enterScore({
              district: LINGDONG,
              scheme: stars.scheme,
              member: best.member,
              item: item.code,
              points: 0,
              evidence: "年终复核：取消评星资格",
              on: "2020-12-31"
            }),
            secretary
          )
        }
        return yield* readStars(kernel, LINGDONG, stars.scheme, office)
      })
    )
    const row = (of: StarsResult["byOrganisation"]) => of.find((o) => o.organisation === best.organisation)!
    expect(row(after.byOrganisation).stars[0]).toBe(row(stars.byOrganisation).stars[0] + 1)
    expect(row(after.byOrganisation).stars[best.stars]).toBe(row(stars.byOrganisation).stars[best.stars]! - 1)
    expect(after.best[0]!.member).not.toBe(best.member)
  })
})
