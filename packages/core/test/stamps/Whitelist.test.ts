import { Effect, TestClock, TestContext } from "effect"
import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import { InvalidInput } from "../../src/Errors.js"
import { lingdongWhitelist } from "../../src/stamps/Lingdong.js"
import { StampRefused, WhitelistRefused } from "../../src/stamps/Refused.js"
import { Stamps } from "../../src/stamps/Stamps.js"
import {
  boaiWorker,
  districtAdmin,
  failure,
  publishLingdong,
  stampPlaces,
  stampsFixture
} from "../../src/testing/stamps.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const fixture = () => stampsFixture(sqliteStorage({ filename: ":memory:" }))

const stamp = (item: string, requestedOn?: string) =>
  Stamps.commands.stamp({
    district: DISTRICT,
    community: stampPlaces.boai,
    item,
    department: "区民政局",
    ...(requestedOn === undefined ? {} : { requestedOn })
  })

describe("the stamp whitelist", () => {
  it("the case's whitelist keeps 8 stamp items and the 4 plaques the case names", () => {
    expect(lingdongWhitelist.items).toHaveLength(8)
    expect(lingdongWhitelist.plaques.map((p) => p.name)).toEqual([
      "社区党工委",
      "社区居委会",
      "社区工作站",
      "双矿职工服务站"
    ])
  })

  it("a whitelist with bad entries is refused whole, every problem listed, and nothing is written", async () => {
    const kernel = await fixture()
    const refused = await failure(
      kernel.exec(
        Stamps.commands.publishWhitelist({
          district: DISTRICT,
          effectiveOn: "2019-02-30",
          title: "岭东区社区盖章事项清单",
          items: [
            { code: "death_outside_hospital", name: "居民死亡证明" },
            { code: "Residence Proof", name: "居住证明" }
          ],
          plaques: [
            { code: "residents_committee", name: "社区居委会" },
            { code: "community_workstation", name: "社区工作站" },
            { code: "residents_committee", name: "居委会" }
          ],
          work: [
            { department: "区民政局", code: "low_income_home_visit", name: "低保家庭入户核查" },
            // The same work from another department is another entry.
            { department: "区残疾人联合会", code: "low_income_home_visit", name: "残疾人低保核查" },
            { department: "区民政局", code: "low_income_home_visit", name: "低保核查" }
          ]
        }),
        districtAdmin
      )
    )
    expect(refused).toBeInstanceOf(InvalidInput)
    expect((refused as InvalidInput).problems.map((p) => [p.path, p.code])).toEqual([
      ["effectiveOn", "REGISTRY.DATE"],
      ["items[1].code", "STAMPS.CODE"],
      ["plaques[2].code", "STAMPS.DUPLICATE_ENTRY"],
      ["work[2].code", "STAMPS.DUPLICATE_ENTRY"]
    ])
    expect(await kernel.exec(Stamps.queries.versions({ district: DISTRICT }), districtAdmin)).toEqual([])
  })

  it("only the district publishes the whitelist", async () => {
    const kernel = await fixture()
    const byWorker = await failure(
      kernel.exec(
        Stamps.commands.publishWhitelist({ district: DISTRICT, effectiveOn: "2020-01-01", ...lingdongWhitelist }),
        boaiWorker
      )
    )
    expect(byWorker).toMatchObject({ code: "CORE.FORBIDDEN", rule: "policies.stamps.publishWhitelist" })
  })

  it("a request dated before the first version is refused, and not counted as a refusal of the whitelist", async () => {
    const kernel = await fixture()
    await publishLingdong(kernel, "2019-07-01")
    const early = await failure(kernel.exec(stamp("residence_proof", "2019-06-30"), boaiWorker))
    expect(early).toBeInstanceOf(WhitelistRefused)
    expect(early).toMatchObject({ code: "STAMPS.NO_VERSION_IN_FORCE", date: "2019-06-30" })
    expect(await kernel.exec(Stamps.queries.report({ district: DISTRICT }), districtAdmin)).toEqual([])
  })

  it("a request without a date is decided under the version in force that day in Asia/Shanghai, and a later date is refused", async () => {
    const kernel = await fixture()
    await publishLingdong(kernel, "2019-07-01")
    await kernel.exec(
      Stamps.commands.publishWhitelist({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        ...lingdongWhitelist,
        items: lingdongWhitelist.items.filter((i) => i.code !== "residence_registration")
      }),
      districtAdmin
    )
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        // 00:30 on 1 July in Shanghai, still 30 June in UTC.
        yield* TestClock.setTime(Date.parse("2020-06-30T16:30:00Z"))
        const today = yield* Effect.flip(kernel.run(stamp("residence_registration"), boaiWorker))
        const tomorrow = yield* Effect.flip(kernel.run(stamp("death_outside_hospital", "2020-07-02"), boaiWorker))
        return { today, tomorrow }
      }).pipe(Effect.provide(TestContext.TestContext))
    )
    expect(outcome.today).toBeInstanceOf(StampRefused)
    expect(outcome.today).toMatchObject({ version: 2, requestedOn: "2020-07-01" })
    expect(outcome.tomorrow).toMatchObject({ code: "STAMPS.REQUEST_IN_FUTURE", date: "2020-07-02" })
  })

  it("a new version cannot take effect on or before a date already decided, refusals included", async () => {
    const kernel = await fixture()
    await publishLingdong(kernel, "2019-07-01")
    await kernel.exec(stamp("death_outside_hospital", "2020-03-02"), boaiWorker)
    await failure(kernel.exec(stamp("residence_proof", "2020-03-05"), boaiWorker))
    const backdated = await failure(publishLingdong(kernel, "2020-03-05"))
    expect(backdated).toBeInstanceOf(WhitelistRefused)
    expect(backdated).toMatchObject({ code: "STAMPS.VERSION_BACKDATED", date: "2020-03-05" })
    expect((backdated as WhitelistRefused).text.en).toContain("Requests up to 2020-03-05 were decided")
    expect(await publishLingdong(kernel, "2020-03-06")).toMatchObject({ version: 2 })
    // The earlier decisions still name the version they were made under.
    const lines = await kernel.exec(Stamps.queries.report({ district: DISTRICT }), districtAdmin)
    expect(lines.map((l) => [l.code, l.granted, l.refused])).toEqual([
      ["death_outside_hospital", 1, 0],
      ["residence_proof", 0, 1]
    ])
  })

  it("two versions effective the same day: the later published is in force", async () => {
    const kernel = await fixture()
    await publishLingdong(kernel, "2020-01-01")
    await kernel.exec(
      Stamps.commands.publishWhitelist({
        district: DISTRICT,
        effectiveOn: "2020-01-01",
        ...lingdongWhitelist,
        title: "岭东区社区盖章事项清单（更正）",
        items: lingdongWhitelist.items.slice(0, 7)
      }),
      districtAdmin
    )
    const list = await kernel.exec(Stamps.queries.whitelist({ district: DISTRICT, on: "2020-01-01" }), boaiWorker)
    expect(list).toMatchObject({ version: 2, title: "岭东区社区盖章事项清单（更正）" })
    expect(list!.items).toHaveLength(7)
  })
})
