/**
 * The stamps module's conformance tests, on every adapter: the whitelist of 8
 * refuses what the case cut and counts it, plaques and work go through their
 * own lists, versions take effect on their dates, a community's requests are
 * its own; and the kernel's part, an error that records events although its
 * command is undone.
 */
import { Effect, Schema } from "effect"
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core, DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { Forbidden, RecordedEvents } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { type Kernel, makeKernel } from "../Kernel.js"
import type { Migration } from "../Migration.js"
import { command, definePlugin } from "../Plugin.js"
import { Registry } from "../registry/Registry.js"
import { lingdongWhitelist } from "../stamps/Lingdong.js"
import { StampRefused } from "../stamps/Refused.js"
import { Stamps } from "../stamps/Stamps.js"
import type { Storage } from "../Storage.js"
import type { RegistryDatabase } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")

/** The places of the stamps fixture: one street, two communities. @since 0.3.0 */
export const stampPlaces = {
  street: "230503002",
  boai: "230503002001",
  huimin: "230503002002"
} as const

const communityPath = (community: string) => `${DISTRICT}/${stampPlaces.street}/${community}/`

const actor = (id: string, role: string, level: Actor.ScopeLevel, scopePath: string): Actor.Actor => ({
  id,
  kind: "user",
  roles: [{ role, district: DISTRICT, level, scopePath }]
})

/** The district's admin, who publishes the whitelist. @since 0.3.0 */
export const districtAdmin = actor("admin@district", "district_admin", "district", `${DISTRICT}/`)
/** A community worker at Bo'ai's window. @since 0.3.0 */
export const boaiWorker = actor("worker@boai", "community_worker", "community", communityPath(stampPlaces.boai))
/** A community worker at Huimin's window. @since 0.3.0 */
export const huiminWorker = actor("worker@huimin", "community_worker", "community", communityPath(stampPlaces.huimin))

/** A kernel on `storage` with Lingdong, one street and its communities Bo'ai and Huimin. @since 0.3.0 */
export const stampsFixture = async (storage: Storage, plugins: Parameters<typeof makeKernel>[0]["plugins"] = []) => {
  const kernel = await makeKernel({ storage, plugins })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  await kernel.exec(
    Registry.commands.registerStreet({
      district: DISTRICT,
      code: stampPlaces.street,
      name: "东山街道",
      kind: "street_office"
    }),
    system
  )
  for (const [code, name] of [
    [stampPlaces.boai, "博爱社区"],
    [stampPlaces.huimin, "惠民社区"]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerCommunity({ district: DISTRICT, street: stampPlaces.street, code, name }),
      system
    )
  }
  return kernel
}

/** Publishes Lingdong's whitelist (8 items, 4 plaques) from a date. @since 0.3.0 */
export const publishLingdong = (kernel: Kernel, effectiveOn = "2019-07-01") =>
  kernel.exec(
    Stamps.commands.publishWhitelist({ district: DISTRICT, effectiveOn, ...lingdongWhitelist }),
    districtAdmin
  )

/** Resolves with the error a promise rejects with; fails the test when it resolves. @since 0.3.0 */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a refusal")
    },
    (error: unknown) => error
  )

const stampAt = (
  kernel: Kernel,
  item: string,
  requestedOn: string,
  department = "区民政局",
  worker = boaiWorker,
  community: string = stampPlaces.boai
) => kernel.exec(Stamps.commands.stamp({ district: DISTRICT, community, item, department, requestedOn }), worker)

// A test plugin for the kernel's part: a command that writes, appends an event,
// then fails with an error that asks for an event to be recorded anyway.
const gateTables: Migration = {
  name: "0001_gate",
  up: ({ db, types }) => [
    db.schema
      .createTable("gate_entry")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("visitor", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("gate_entry_pk", ["district_code", "id"]),
    db.schema
      .createTable("gate_turned_away")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("visitor", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("gate_turned_away_pk", ["district_code", "id"])
  ]
}

/** The gate's refusal: it asks the kernel to record `gate.turned-away`. @since 0.3.0 */
export class TurnedAway extends Schema.TaggedError<TurnedAway>()("TurnedAway", {
  district: Schema.String,
  visitor: Schema.String
}) {
  get [RecordedEvents](): ReadonlyArray<Events.NewEvent> {
    return [{ type: "gate.turned-away", district: this.district, payload: { visitor: this.visitor } }]
  }
}

/** A test plugin whose `enter` writes a row and an event, then may fail with {@link TurnedAway}. @since 0.3.0 */
export const gate = definePlugin({
  name: "gate",
  version: "0.0.0",
  migrations: [gateTables],
  commands: {
    enter: command({
      input: Schema.Struct({ district: DistrictCode, visitor: Schema.String, welcome: Schema.Boolean }),
      target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
      run: (input) =>
        Effect.gen(function* () {
          const id = yield* Ids.next
          yield* Db.use((db) =>
            db.insertInto("gate_entry").values({ district_code: input.district, id, visitor: input.visitor }).execute()
          )
          yield* Events.append({ type: "gate.entered", district: input.district, payload: { visitor: input.visitor } })
          if (!input.welcome) return yield* new TurnedAway({ district: input.district, visitor: input.visitor })
          return id
        })
    })
  },
  on: {
    "gate.turned-away": (event) =>
      Effect.flatMap(Ids.next, (id) =>
        Db.use((db) =>
          db
            .insertInto("gate_turned_away")
            .values({ district_code: event.district, id, visitor: String(event.payload["visitor"]) })
            .execute()
        )
      )
  },
  policies: { enter: ["district_admin"] }
})

const rows = async (db: RegistryDatabase, table: string) => {
  const storage = db.open()
  const tx = await storage.begin("read")
  try {
    return await tx.db.selectFrom(table).selectAll().execute()
  } finally {
    await tx.rollback()
    await storage.close()
  }
}

/** The stamps module's conformance tests, registered inside the adapter's suite. @since 0.3.0 */
export const stampsTests = (fresh: () => Promise<RegistryDatabase>) => {
  it("the whitelist of 8 refuses the 9th item and the refusal is counted", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    expect(await publishLingdong(kernel)).toMatchObject({ version: 1 })
    for (const item of lingdongWhitelist.items) {
      expect(await stampAt(kernel, item.code, "2020-03-02")).toMatchObject({ version: 1 })
    }
    const ninth = await failure(stampAt(kernel, "residence_proof", "2020-03-02", "区公安分局"))
    expect(ninth).toBeInstanceOf(StampRefused)
    expect(ninth).toMatchObject({
      code: "STAMPS.ITEM_NOT_WHITELISTED",
      item: "residence_proof",
      department: "区公安分局",
      community: stampPlaces.boai,
      version: 1,
      effectiveOn: "2019-07-01"
    })
    expect((ninth as StampRefused).text).toEqual({
      "zh-CN": "「residence_proof」不在社区盖章事项白名单（第 1 版，2019-07-01 起施行）内，社区不予盖章",
      en: "residence_proof is not on the whitelist of stamp items (version 1, in force from 2019-07-01): the community does not stamp it"
    })
    const lines = await kernel.exec(Stamps.queries.report({ district: DISTRICT }), districtAdmin)
    expect(lines).toHaveLength(9)
    expect(lines.filter((l) => l.granted === 1 && l.refused === 0)).toHaveLength(8)
    expect(lines.find((l) => l.code === "residence_proof")).toEqual({
      month: "2020-03",
      kind: "item",
      code: "residence_proof",
      department: "区公安分局",
      granted: 0,
      refused: 1
    })
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "stamps.granted")).toHaveLength(8)
    expect(events.filter((e) => e.type === "stamps.refused")).toMatchObject([
      {
        actor: boaiWorker.id,
        cause: "stamps.stamp",
        scopePath: communityPath(stampPlaces.boai),
        payload: { code: "residence_proof", department: "区公安分局", version: 1, rule: "STAMPS.ITEM_NOT_WHITELISTED" }
      }
    ])
  })

  it("a plaque not among the 4 and work not on the access list are refused under their own rules, and counted", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    await publishLingdong(kernel)
    const plaque = (code: string) =>
      kernel.exec(
        Stamps.commands.hangPlaque({
          district: DISTRICT,
          community: stampPlaces.boai,
          plaque: code,
          department: "区委组织部",
          requestedOn: "2020-04-01"
        }),
        boaiWorker
      )
    const work = (department: string, code: string) =>
      kernel.exec(
        Stamps.commands.acceptWork({
          district: DISTRICT,
          community: stampPlaces.boai,
          work: code,
          department,
          requestedOn: "2020-04-01"
        }),
        boaiWorker
      )
    await plaque("party_working_committee")
    expect(await failure(plaque("mediation_committee"))).toMatchObject({
      code: "STAMPS.PLAQUE_NOT_ALLOWED",
      kind: "plaque",
      version: 1
    })
    await work("区民政局", "low_income_home_visit")
    expect(await failure(work("区统计局", "economic_census"))).toMatchObject({ code: "STAMPS.WORK_NOT_ADMITTED" })
    // The access list names the department as well as the work.
    const elsewhere = (await failure(work("区卫生健康局", "low_income_home_visit"))) as StampRefused
    expect(elsewhere.code).toBe("STAMPS.WORK_NOT_ADMITTED")
    expect(elsewhere.text["zh-CN"]).toContain("「区卫生健康局: low_income_home_visit」不在社区工作准入清单")
    const lines = await kernel.exec(
      Stamps.queries.report({ district: DISTRICT, community: stampPlaces.boai }),
      boaiWorker
    )
    expect(lines.map((l) => [l.kind, l.code, l.department, l.granted, l.refused])).toEqual([
      ["plaque", "mediation_committee", "区委组织部", 0, 1],
      ["plaque", "party_working_committee", "区委组织部", 1, 0],
      ["work", "economic_census", "区统计局", 0, 1],
      ["work", "low_income_home_visit", "区卫生健康局", 0, 1],
      ["work", "low_income_home_visit", "区民政局", 1, 0]
    ])
  })

  it("refusals are counted by item and department, and a creeping return shows as a count rising month by month", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    await publishLingdong(kernel)
    const months = [
      ["2020-01-06", 1],
      ["2020-02-10", 2],
      ["2020-03-09", 4]
    ] as const
    for (const [day, times] of months) {
      for (let i = 0; i < times; i++) await failure(stampAt(kernel, "residence_proof", day, "区公安分局"))
      await failure(stampAt(kernel, "kinship_proof", day, "某银行岭东支行"))
      await stampAt(kernel, "death_outside_hospital", day, "区公安分局")
    }
    // Another community's refusals are its own.
    await failure(stampAt(kernel, "residence_proof", "2020-03-10", "区公安分局", huiminWorker, stampPlaces.huimin))
    const boai = await kernel.exec(
      Stamps.queries.report({ district: DISTRICT, community: stampPlaces.boai }),
      boaiWorker
    )
    const creeping = boai.filter((l) => l.code === "residence_proof")
    expect(creeping.map((l) => [l.month, l.department, l.refused])).toEqual([
      ["2020-01", "区公安分局", 1],
      ["2020-02", "区公安分局", 2],
      ["2020-03", "区公安分局", 4]
    ])
    expect(boai.filter((l) => l.code === "kinship_proof").map((l) => [l.department, l.refused])).toEqual([
      ["某银行岭东支行", 1],
      ["某银行岭东支行", 1],
      ["某银行岭东支行", 1]
    ])
    expect(boai.filter((l) => l.code === "death_outside_hospital").map((l) => l.granted)).toEqual([1, 1, 1])
    const district = await kernel.exec(
      Stamps.queries.report({ district: DISTRICT, from: "2020-02-01", to: "2020-03-31" }),
      districtAdmin
    )
    expect(district.filter((l) => l.code === "residence_proof").map((l) => [l.month, l.refused])).toEqual([
      ["2020-02", 2],
      ["2020-03", 5]
    ])
    // A community's figures are for that community's staff and those above it.
    expect(
      await failure(
        kernel.exec(Stamps.queries.report({ district: DISTRICT, community: stampPlaces.boai }), huiminWorker)
      )
    ).toBeInstanceOf(Forbidden)
    expect(await failure(kernel.exec(Stamps.queries.report({ district: DISTRICT }), boaiWorker))).toBeInstanceOf(
      Forbidden
    )
  })

  it("a new whitelist version takes effect on its date, and the old one still answers for earlier dates", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    await publishLingdong(kernel, "2019-07-01")
    // From July 2020 the police register migrants themselves: the community stops stamping it.
    const second = await kernel.exec(
      Stamps.commands.publishWhitelist({
        district: DISTRICT,
        effectiveOn: "2020-07-01",
        ...lingdongWhitelist,
        title: "岭东区社区盖章事项清单（2020年修订）",
        items: lingdongWhitelist.items.filter((i) => i.code !== "residence_registration")
      }),
      districtAdmin
    )
    expect(second).toMatchObject({ version: 2 })
    expect(await stampAt(kernel, "residence_registration", "2020-06-30")).toMatchObject({ version: 1 })
    expect(await failure(stampAt(kernel, "residence_registration", "2020-07-01"))).toMatchObject({
      code: "STAMPS.ITEM_NOT_WHITELISTED",
      version: 2,
      effectiveOn: "2020-07-01"
    })
    const on = (date: string) => kernel.exec(Stamps.queries.whitelist({ district: DISTRICT, on: date }), boaiWorker)
    expect(await on("2019-06-30")).toBeNull()
    expect(await on("2020-06-30")).toMatchObject({ version: 1, effectiveOn: "2019-07-01" })
    expect((await on("2020-06-30"))!.items).toHaveLength(8)
    expect((await on("2020-07-01"))!.items).toHaveLength(7)
    expect((await on("2020-07-01"))!.plaques.map((p) => p.name).sort()).toEqual(
      ["社区党工委", "社区居委会", "社区工作站", "双矿职工服务站"].sort()
    )
    const history = await kernel.exec(Stamps.queries.versions({ district: DISTRICT }), districtAdmin)
    expect(history.map((v) => [v.version, v.effectiveOn, v.publishedBy])).toEqual([
      [1, "2019-07-01", districtAdmin.id],
      [2, "2020-07-01", districtAdmin.id]
    ])
    const first = await kernel.exec(Stamps.queries.whitelistVersion({ district: DISTRICT, version: 1 }), boaiWorker)
    expect(first!.items.map((i) => i.code)).toContain("residence_registration")
  })

  it("two versions published at once are numbered one after the other, the district's first two too", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    const publish = (effectiveOn: string) =>
      kernel.exec(
        Stamps.commands.publishWhitelist({ district: DISTRICT, effectiveOn, ...lingdongWhitelist }),
        districtAdmin
      )
    const first = await Promise.all([publish("2019-07-01"), publish("2019-08-01")])
    expect(first.map((p) => p.version).sort()).toEqual([1, 2])
    const next = await Promise.all([publish("2020-01-01"), publish("2020-02-01"), publish("2020-03-01")])
    expect(next.map((p) => p.version).sort()).toEqual([3, 4, 5])
    const history = await kernel.exec(Stamps.queries.versions({ district: DISTRICT }), districtAdmin)
    expect(history.map((v) => v.version)).toEqual([1, 2, 3, 4, 5])
  })

  it("a version published back over a day while a request of that day is decided: the request names the version in force that day, or the version is refused", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    await publishLingdong(kernel, "2019-07-01")
    // Each round races a publication taking effect on a day with a request of that day.
    for (const day of ["2020-03-02", "2020-03-03", "2020-03-04", "2020-03-05", "2020-03-06"]) {
      const [published, stamped] = await Promise.allSettled([
        kernel.exec(
          Stamps.commands.publishWhitelist({ district: DISTRICT, effectiveOn: day, ...lingdongWhitelist }),
          districtAdmin
        ),
        stampAt(kernel, "low_income_first_opinion", day)
      ])
      expect(stamped.status).toBe("fulfilled")
      const inForce = await kernel.exec(Stamps.queries.whitelist({ district: DISTRICT, on: day }), boaiWorker)
      expect((stamped as PromiseFulfilledResult<{ version: number }>).value.version).toBe(inForce!.version)
      if (published.status === "rejected") {
        expect(published.reason).toMatchObject({ code: "STAMPS.VERSION_BACKDATED", date: day })
      } else {
        expect(published.value.version).toBe(inForce!.version)
      }
    }
  })

  it("a worker of another community cannot stamp here, and nothing is recorded", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open())
    db.track(kernel)
    await publishLingdong(kernel)
    const gridWorker = actor("worker@grid", "grid_worker", "grid", `${communityPath(stampPlaces.boai)}G01/`)
    for (const who of [huiminWorker, gridWorker]) {
      expect(await failure(stampAt(kernel, "residence_proof", "2020-03-02", "区公安分局", who))).toBeInstanceOf(
        Forbidden
      )
    }
    expect(await kernel.exec(Stamps.queries.report({ district: DISTRICT }), districtAdmin)).toEqual([])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.map((e) => e.type)).not.toContain("stamps.refused")
  })

  it("an error that records events: the command's writes and events are undone, the recorded ones and their handlers' writes kept", async () => {
    const db = await fresh()
    const kernel = await stampsFixture(db.open(), [gate])
    db.track(kernel)
    await kernel.exec(gate.commands.enter({ district: DISTRICT, visitor: "甲", welcome: true }), districtAdmin)
    const refused = await failure(
      kernel.exec(gate.commands.enter({ district: DISTRICT, visitor: "乙", welcome: false }), districtAdmin)
    )
    expect(refused).toBeInstanceOf(TurnedAway)
    expect((await rows(db, "gate_entry")).map((r) => r["visitor"])).toEqual(["甲"])
    expect((await rows(db, "gate_turned_away")).map((r) => r["visitor"])).toEqual(["乙"])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type.startsWith("gate.")).map((e) => [e.type, e.payload["visitor"]])).toEqual([
      ["gate.entered", "甲"],
      ["gate.turned-away", "乙"]
    ])
    expect(events.find((e) => e.type === "gate.turned-away")).toMatchObject({
      actor: districtAdmin.id,
      cause: "gate.enter"
    })
  })
}
