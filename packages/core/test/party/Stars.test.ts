import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { NotFound } from "../../src/Errors.js"
import { Party } from "../../src/party/Party.js"
import { starsFor, weightedScore } from "../../src/party/Stars.js"
import { partyActors, partyFixture, partyPlaces, problemsOf, rejection } from "../../src/testing/party.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const { boaiSecretary, boaiWorker, huiminSecretary } = partyActors

const items = [
  { code: "study", name: "学习教育", maxPoints: 10, weight: 0.3 },
  { code: "service", name: "服务群众", maxPoints: 10, weight: 0.7 }
]

describe("star rating", () => {
  it("the weighted score is exact to the point a scheme scores in, and each star needs its threshold", () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary; a member on the threshold must still reach it.
    const score = weightedScore(
      [
        { code: "a", weight: 0.1 },
        { code: "b", weight: 0.2 }
      ],
      new Map([
        ["a", 1],
        ["b", 1]
      ])
    )
    expect(score).toBe(0.3)
    expect(starsFor(score, [0.3, 1, 2, 3, 4])).toBe(1)
    expect([0, 1.99, 2, 9.5, 10].map((s) => starsFor(s, [2, 4, 6, 8, 10]))).toEqual([0, 0, 1, 4, 5])
    expect(weightedScore(items, new Map([["study", 7]]))).toBe(2.1)
  })

  it("a scheme's problems are listed whole: a reversed period, an item twice, thresholds falling or out of reach", async () => {
    const { exec } = await partyFixture(sqliteStorage({ filename: ":memory:" }))
    const refused = await rejection(
      exec(
        Party.commands.defineStarScheme({
          district: DISTRICT,
          name: "2020年度星级党员评定",
          at: partyPlaces.boai,
          from: "2020-12-31",
          to: "2020-01-01",
          items: [...items, { code: "study", name: "学习", maxPoints: 5, weight: 1 }],
          thresholds: [2, 4, 4, 8, 16]
        }),
        boaiSecretary
      )
    )
    expect(problemsOf(refused)).toEqual([
      "to PARTY.PERIOD_REVERSED",
      "items[2].code PARTY.LISTED_TWICE",
      "thresholds[2] PARTY.THRESHOLDS_NOT_ASCENDING",
      "thresholds[4] PARTY.THRESHOLD_UNREACHABLE"
    ])
  })

  it("a score names an item of the scheme, for a member the scheme's place holds", async () => {
    const { exec, g1, wang, organisations, member } = await partyFixture(sqliteStorage({ filename: ":memory:" }))
    const scheme = await exec(
      Party.commands.defineStarScheme({
        district: DISTRICT,
        name: "2020年度星级党员评定",
        at: partyPlaces.boai,
        from: "2020-01-01",
        to: "2020-12-31",
        items,
        thresholds: [2, 4, 6, 8, 9.5]
      }),
      boaiSecretary
    )
    const boaiMember = await member(g1[0]!.id, "resident", organisations.boai.id)
    const huiminMember = await member(wang.id, "resident", organisations.huimin.id, partyPlaces.huimin, huiminSecretary)
    const score = (memberId: string, item: string, actor = boaiWorker) =>
      exec(
        Party.commands.enterScore({
          district: DISTRICT,
          scheme: scheme.id,
          member: memberId,
          item,
          points: 6,
          evidence: "参加志愿服务 12 次",
          on: "2020-10-01"
        }),
        actor
      )
    expect(problemsOf(await rejection(score(boaiMember.id, "attendance")))).toEqual(["item PARTY.UNKNOWN_ITEM"])
    expect(problemsOf(await rejection(score(huiminMember.id, "service", huiminSecretary)))).toEqual([
      "member PARTY.MEMBER_OUTSIDE_SCHEME"
    ])
    expect(
      await rejection(
        exec(
          Party.commands.enterScore({
            district: DISTRICT,
            scheme: "0190f000-0000-7000-8000-000000000000",
            member: boaiMember.id,
            item: "service",
            points: 6,
            evidence: "记录",
            on: "2020-10-01"
          }),
          boaiWorker
        )
      )
    ).toBeInstanceOf(NotFound)
    await score(boaiMember.id, "service")
    const { scheme: shown, ratings } = await exec(
      Party.queries.stars({ district: DISTRICT, scheme: scheme.id }),
      boaiSecretary
    )
    expect(shown.thresholds).toEqual([2, 4, 6, 8, 9.5])
    expect(ratings.map((r) => [r.name, r.score, r.stars])).toEqual([["张一", 4.2, 2]])
  })

  it("a scheme is revised freely until the first score; after it only its wording changes, so no member's stars change under them", async () => {
    const { kernel, exec, g1, organisations, member } = await partyFixture(sqliteStorage({ filename: ":memory:" }))
    const definition = {
      district: DISTRICT,
      name: "2020年度星级党员评定",
      from: "2020-01-01",
      to: "2020-12-31",
      items,
      thresholds: [2, 4, 6, 8, 9.5] as [number, number, number, number, number]
    }
    const scheme = await exec(Party.commands.defineStarScheme({ ...definition, at: partyPlaces.boai }), boaiSecretary)
    const revise = (changes: Partial<Omit<typeof definition, "district">>) =>
      exec(Party.commands.reviseStarScheme({ ...definition, scheme: scheme.id, ...changes }), boaiSecretary)
    // Before any score, the department corrects a threshold and adds an item.
    await revise({
      thresholds: [2, 4, 6, 8, 9],
      items: [...items, { code: "discipline", name: "遵规守纪", maxPoints: 10, weight: 0.2 }]
    })
    const zhang = await member(g1[0]!.id, "resident", organisations.boai.id)
    await exec(
      Party.commands.enterScore({
        district: DISTRICT,
        scheme: scheme.id,
        member: zhang.id,
        item: "service",
        points: 9,
        evidence: "服务群众 30 小时",
        on: "2020-11-30"
      }),
      boaiWorker
    )
    const scored = { thresholds: [2, 4, 6, 8, 9] as [number, number, number, number, number] }
    const frozen = await rejection(
      revise({ to: "2021-06-30", items: [{ ...items[0]!, weight: 0.5 }, items[1]!], thresholds: [2, 4, 6, 8, 9.5] })
    )
    expect(problemsOf(frozen)).toEqual([
      "to PARTY.SCHEME_SCORED",
      "items[0] PARTY.SCHEME_SCORED",
      "items PARTY.SCHEME_SCORED",
      "thresholds[4] PARTY.SCHEME_SCORED"
    ])
    // Its name and the wording of its items may still be corrected.
    await revise({
      ...scored,
      name: "2020年度博爱社区星级党员评定",
      items: [
        { ...items[1]!, name: "服务群众（志愿服务）" },
        items[0]!,
        { code: "discipline", name: "遵规守纪", maxPoints: 10, weight: 0.2 }
      ]
    })
    const { scheme: shown, ratings } = await exec(
      Party.queries.stars({ district: DISTRICT, scheme: scheme.id }),
      boaiSecretary
    )
    expect([shown.name, shown.items.map((i) => i.name), shown.thresholds]).toEqual([
      "2020年度博爱社区星级党员评定",
      ["服务群众（志愿服务）", "学习教育", "遵规守纪"],
      [2, 4, 6, 8, 9]
    ])
    expect(ratings.map((r) => [r.name, r.organisation, r.score, r.stars])).toEqual([
      ["张一", organisations.boai.id, 6.3, 3]
    ])
    const revised = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 1000 })).filter(
      (e) => e.type === "party.star-scheme-revised"
    )
    expect(revised.map((e) => e.payload["thresholds"])).toEqual([
      [2, 4, 6, 8, 9],
      [2, 4, 6, 8, 9]
    ])
  })
})
