/**
 * The registry's conformance tests for grid staff and temporary access, on
 * every adapter: a post grants the grid's role and ending it revokes it; the
 * level above lets a worker in to one resident of another grid, until the
 * access expires or is revoked, and every read under it is audited.
 */
import { Effect, TestClock, TestContext } from "effect"
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { Forbidden, InvalidInput, NotFound } from "../Errors.js"
import { makeKernel, type Kernel } from "../Kernel.js"
import { Registry } from "../registry/Registry.js"
import type { Storage } from "../Storage.js"
import { type RegistryDatabase, residentId } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "c".repeat(64)

const STREET = "230503002"
const BOAI = "230503002001"
const HUIMIN = "230503002002"
const G1 = "230503002001001"
const G2 = "230503002001002"
const G3 = "230503002002001"
const BOAI_PATH = `${DISTRICT}/${STREET}/${BOAI}/`
const HUIMIN_PATH = `${DISTRICT}/${STREET}/${HUIMIN}/`
const G1_PATH = `${BOAI_PATH}${G1}/`
const G2_PATH = `${BOAI_PATH}${G2}/`

const actor = (id: string, role: string, level: Actor.ScopeLevel, scopePath: string): Actor.Actor => ({
  id,
  kind: "user",
  roles: [{ role, district: DISTRICT, level, scopePath }]
})

const boaiAdmin = actor("admin@boai", "community_admin", "community", BOAI_PATH)
const huiminAdmin = actor("admin@huimin", "community_admin", "community", HUIMIN_PATH)
const g2Worker = actor("worker@g2", "grid_worker", "grid", G2_PATH)

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a refusal")
    },
    (error: unknown) => error
  )

/** One street, two communities; Boai has grids G1 and G2, Huimin has G3; two residents in G1, one in G2. */
const district = async (storage: Storage) => {
  const kernel = await makeKernel({ storage, secrets: { key: KEY } })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  await kernel.exec(
    Registry.commands.registerStreet({ district: DISTRICT, code: STREET, name: "东山街道", kind: "street_office" }),
    system
  )
  for (const [code, name] of [
    [BOAI, "博爱社区"],
    [HUIMIN, "惠民社区"]
  ] as const) {
    await kernel.exec(Registry.commands.registerCommunity({ district: DISTRICT, street: STREET, code, name }), system)
  }
  for (const [community, code, name] of [
    [BOAI, G1, "第1网格"],
    [BOAI, G2, "第2网格"],
    [HUIMIN, G3, "第1网格"]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerGrid({ district: DISTRICT, community, code, name, createdOn: "2020-01-01" }),
      system
    )
  }
  for (const [building, grid] of [
    ["1号楼", G1],
    ["2号楼", G2],
    ["3号楼", G3]
  ] as const) {
    await kernel.exec(
      Registry.commands.registerBuilding({
        district: DISTRICT,
        compound: "惠民小区",
        name: building,
        grid,
        since: "2020-01-01"
      }),
      system
    )
  }
  const resident = (number: string, name: string, building: string, household: string, relation: string) =>
    kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number },
        name,
        address: { compound: "惠民小区", building, unit: "1", flat: "101" },
        household,
        relation,
        movedIn: "2020-06-01"
      }),
      system
    )
  const zhao = await resident(residentId("230503", "19400101", "011"), "赵一", "1号楼", "S001", "户主")
  const qian = await resident(residentId("230503", "19420202", "022"), "钱二", "1号楼", "S001", "配偶")
  const sun = await resident(residentId("230503", "19850303", "033"), "孙三", "2号楼", "S002", "户主")
  // A grid leader who lives elsewhere: recorded as a person, not a resident.
  const zhou = await kernel.exec(
    Registry.commands.registerPerson({
      district: DISTRICT,
      document: { type: "resident_id_card", number: residentId("230503", "19750404", "044") },
      name: "周四"
    }),
    system
  )
  return { kernel, zhao, qian, sun, zhou }
}

const grantFor = (kernel: Kernel, user: string) =>
  kernel.actorFor(user).then((a) => a.roles.map((r) => ({ role: r.role, level: r.level, scopePath: r.scopePath })))

/** Conformance tests for grid staff and temporary access, registered inside the adapter's suite. */
export const registryStaffTests = (fresh: () => Promise<RegistryDatabase>) => {
  it("appointing a grid worker with a user id grants the grid's role; ending the post revokes it and keeps the grant's id", async () => {
    const db = await fresh()
    const { kernel, sun } = await district(db.open())
    db.track(kernel)
    const post = await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G2,
        person: sun.id,
        role: "grid_worker",
        duties: ["public_security", "anti_drug"],
        user: "u-sun",
        startedOn: "2021-03-01"
      }),
      boaiAdmin
    )
    expect(post.grant).not.toBeNull()
    expect(await grantFor(kernel, "u-sun")).toEqual([{ role: "grid_worker", level: "grid", scopePath: G2_PATH }])
    const asSun = await kernel.actorFor("u-sun")
    expect(
      (await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: G2 }), asSun)).map((r) => r.name)
    ).toEqual(["孙三"])
    expect(await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: G1 }), asSun)).toEqual([])

    await kernel.exec(
      Registry.commands.endStaff({ district: DISTRICT, staff: post.id, endedOn: "2023-01-31" }),
      boaiAdmin
    )
    expect(await grantFor(kernel, "u-sun")).toEqual([])
    const ended = await kernel.exec(
      Registry.queries.staffOf({ district: DISTRICT, grid: G2, includeEnded: true }),
      boaiAdmin
    )
    expect(ended).toMatchObject([{ id: post.id, user: "u-sun", startedOn: "2021-03-01", endedOn: "2023-01-31" }])
    expect(await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G2 }), boaiAdmin)).toEqual([])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "core.role-granted").map((e) => e.subject)).toEqual([post.grant])
    expect(events.filter((e) => e.type === "core.role-revoked").map((e) => e.subject)).toEqual([post.grant])
    expect(events.find((e) => e.type === "registry.staff-ended")).toMatchObject({
      subject: post.id,
      payload: { grant: post.grant, endedOn: "2023-01-31" }
    })
  })

  it("a re-districting plan that retires a grid ends the posts in it and revokes their roles", async () => {
    const db = await fresh()
    const { kernel, sun } = await district(db.open())
    db.track(kernel)
    const post = await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G2,
        person: sun.id,
        role: "grid_worker",
        user: "u-sun",
        startedOn: "2021-03-01"
      }),
      boaiAdmin
    )
    await kernel.exec(
      Registry.commands.applyPlan({
        district: DISTRICT,
        effectiveOn: "2022-01-01",
        moveBuildings: [{ compound: "惠民小区", building: "2号楼", toGrid: G1 }],
        retireGrids: [G2]
      }),
      system
    )
    expect(await grantFor(kernel, "u-sun")).toEqual([])
    expect(
      await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G2, includeEnded: true }), boaiAdmin)
    ).toMatchObject([{ id: post.id, endedOn: "2022-01-01" }])
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "core.role-revoked").map((e) => e.subject)).toEqual([post.grant])
    expect(events.find((e) => e.type === "registry.staff-ended")).toMatchObject({
      subject: post.id,
      payload: { endedOn: "2022-01-01", reason: "grid-retired" }
    })
  })

  it("one grid has many staff and one person many duties, in more than one grid", async () => {
    const db = await fresh()
    const { kernel, zhao, zhou } = await district(db.open())
    db.track(kernel)
    const leader = await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G1,
        person: zhou.id,
        role: "grid_leader",
        duties: ["party_building", "volunteering", "party_building"],
        startedOn: "2021-01-01"
      }),
      boaiAdmin
    )
    await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G2,
        person: zhou.id,
        role: "grid_leader",
        startedOn: "2021-01-01"
      }),
      boaiAdmin
    )
    const assistant = await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G1,
        person: zhao.id,
        role: "assistant",
        duties: ["home_elderly_care"],
        startedOn: "2021-02-01"
      }),
      boaiAdmin
    )
    expect(leader.grant).toBeNull()
    await kernel.exec(
      Registry.commands.assignDuties({
        district: DISTRICT,
        staff: leader.id,
        duties: ["public_security", "party_building", "anti_drug"]
      }),
      boaiAdmin
    )
    const staff = await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G1 }), boaiAdmin)
    // The community admin cannot see the leader's own record (kept at the district's level), so no name.
    expect(staff).toEqual([
      {
        id: leader.id,
        person: zhou.id,
        name: null,
        role: "grid_leader",
        duties: ["anti_drug", "party_building", "public_security"],
        user: null,
        startedOn: "2021-01-01",
        endedOn: null
      },
      {
        id: assistant.id,
        person: zhao.id,
        name: "赵一",
        role: "assistant",
        duties: ["home_elderly_care"],
        user: null,
        startedOn: "2021-02-01",
        endedOn: null
      }
    ])
    const districtAdmin = actor("admin@district", "district_admin", "district", `${DISTRICT}/`)
    const seenByDistrict = await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G2 }), districtAdmin)
    expect(seenByDistrict.map((s) => [s.name, s.role])).toEqual([["周四", "grid_leader"]])
    const again = await failure(
      kernel.exec(
        Registry.commands.appointStaff({ district: DISTRICT, grid: G1, person: zhou.id, role: "grid_worker" }),
        boaiAdmin
      )
    )
    expect(again).toMatchObject({ code: "REGISTRY.STAFF_APPOINTED", subject: leader.id })
  })

  it("staff are posted by the level above: not by a grid worker, nor by another community's admin", async () => {
    const db = await fresh()
    const { kernel, sun } = await district(db.open())
    db.track(kernel)
    const appoint = Registry.commands.appointStaff({
      district: DISTRICT,
      grid: G2,
      person: sun.id,
      role: "grid_worker"
    })
    expect(await failure(kernel.exec(appoint, g2Worker))).toBeInstanceOf(Forbidden)
    expect(await failure(kernel.exec(appoint, huiminAdmin))).toBeInstanceOf(Forbidden)
    const unknown = await failure(
      kernel.exec(
        Registry.commands.appointStaff({
          district: DISTRICT,
          grid: G2,
          person: "0190a0a0-0000-7000-8000-000000000000",
          role: "grid_worker"
        }),
        boaiAdmin
      )
    )
    expect(unknown).toBeInstanceOf(NotFound)
  })

  it("a grid's staff are shown only within the reader's scope", async () => {
    const db = await fresh()
    const { kernel, zhao } = await district(db.open())
    db.track(kernel)
    await kernel.exec(
      Registry.commands.appointStaff({ district: DISTRICT, grid: G1, person: zhao.id, role: "assistant" }),
      boaiAdmin
    )
    expect(await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G1 }), g2Worker)).toEqual([])
    expect(await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G1 }), huiminAdmin)).toEqual([])
    const g1Worker = actor("worker@g1", "grid_worker", "grid", G1_PATH)
    expect(
      (await kernel.exec(Registry.queries.staffOf({ district: DISTRICT, grid: G1 }), g1Worker)).map((s) => s.name)
    ).toEqual(["赵一"])
  })

  it("a post cannot end twice, before it started, or on a day still to come; an ended post's duties are fixed", async () => {
    const db = await fresh()
    const { kernel, sun } = await district(db.open())
    db.track(kernel)
    const post = await kernel.exec(
      Registry.commands.appointStaff({
        district: DISTRICT,
        grid: G2,
        person: sun.id,
        role: "grid_worker",
        startedOn: "2021-03-01"
      }),
      boaiAdmin
    )
    const end = (endedOn: string) => Registry.commands.endStaff({ district: DISTRICT, staff: post.id, endedOn })
    expect(await failure(kernel.exec(end("2021-02-28"), boaiAdmin))).toMatchObject({
      code: "REGISTRY.STAFF_END_BEFORE_START"
    })
    expect(await failure(kernel.exec(end("2999-01-01"), boaiAdmin))).toMatchObject({
      code: "REGISTRY.STAFF_END_IN_FUTURE"
    })
    await kernel.exec(end("2022-12-31"), boaiAdmin)
    const twice = (await failure(kernel.exec(end("2023-01-01"), boaiAdmin))) as { code: string; text: unknown }
    expect(twice.code).toBe("REGISTRY.STAFF_ENDED")
    expect(twice.text).toEqual({ "zh-CN": "该岗位已于 2022-12-31 结束", en: "The post ended on 2022-12-31" })
    expect(
      await failure(
        kernel.exec(
          Registry.commands.assignDuties({ district: DISTRICT, staff: post.id, duties: ["anti_drug"] }),
          boaiAdmin
        )
      )
    ).toMatchObject({ code: "REGISTRY.STAFF_ENDED" })
  })

  it("a grid worker with temporary access reads that one resident of another grid, and each read is audited", async () => {
    const db = await fresh()
    const { kernel, zhao, qian } = await district(db.open())
    db.track(kernel)
    const read = (id: string) => kernel.exec(Registry.queries.resident({ district: DISTRICT, id }), g2Worker)
    expect(await failure(read(zhao.id))).toBeInstanceOf(NotFound)
    const access = await kernel.exec(
      Registry.commands.grantTemporaryAccess({
        district: DISTRICT,
        user: g2Worker.id,
        resident: zhao.id,
        reason: "独居老人夜间求助，本网格网格员不在岗",
        expiresAt: new Date(Date.now() + 3_600_000)
      }),
      boaiAdmin
    )
    const record = await read(zhao.id)
    expect(record.name).toBe("赵一")
    expect(record.documentNumber).toMatch(/^230503\*{11}.$/)
    // Only that resident: not the rest of the household, nor the grid's roster.
    expect(await failure(read(qian.id))).toBeInstanceOf(NotFound)
    expect(await kernel.exec(Registry.queries.roster({ district: DISTRICT, grid: G1 }), g2Worker)).toEqual([])
    await read(zhao.id)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    const granted = events.filter((e) => e.type === "registry.temporary-access-granted")
    expect(granted).toMatchObject([
      { subject: zhao.id, actor: boaiAdmin.id, payload: { access: access.id, user: g2Worker.id } }
    ])
    const reads = events.filter((e) => e.type === "registry.temporary-access-read" && e.actor === g2Worker.id)
    expect(reads.length).toBeGreaterThanOrEqual(2)
    for (const e of reads) expect(e.payload["residents"]).toEqual([zhao.id])
    expect(reads.map((e) => e.payload["query"])).toContain("registry.resident")
  })

  it("temporary access lets the worker act on that one resident too, and each act is audited", async () => {
    const db = await fresh()
    const { kernel, zhao, qian } = await district(db.open())
    db.track(kernel)
    const tag = (id: string) =>
      kernel.exec(Registry.commands.addTag({ district: DISTRICT, tag: "living_alone", subject: id }), g2Worker)
    expect(await failure(tag(zhao.id))).toBeInstanceOf(Forbidden)
    const access = await kernel.exec(
      Registry.commands.grantTemporaryAccess({
        district: DISTRICT,
        user: g2Worker.id,
        resident: zhao.id,
        reason: "独居老人夜间求助，本网格网格员不在岗",
        expiresAt: new Date(Date.now() + 3_600_000)
      }),
      boaiAdmin
    )
    await tag(zhao.id)
    // Only that resident: a member of the same household stays out of reach.
    expect(await failure(tag(qian.id))).toBeInstanceOf(Forbidden)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "registry.temporary-access-used")).toMatchObject([
      { subject: zhao.id, actor: g2Worker.id, payload: { action: "registry.addTag", access: access.id } }
    ])
    await kernel.exec(Registry.commands.revokeTemporaryAccess({ district: DISTRICT, access: access.id }), boaiAdmin)
    const end = Registry.commands.endTag({ district: DISTRICT, tag: "living_alone", subject: zhao.id })
    expect(await failure(kernel.exec(end, g2Worker))).toBeInstanceOf(Forbidden)
  })

  it("a neighbouring grid's worker with temporary access records that one resident's death, and no one else's", async () => {
    const db = await fresh()
    const { kernel, zhao, qian } = await district(db.open())
    db.track(kernel)
    const death = (id: string) =>
      kernel.exec(Registry.commands.registerDeath({ district: DISTRICT, resident: id, on: "2024-03-01" }), g2Worker)
    const moveOut = (id: string) =>
      kernel.exec(Registry.commands.moveOut({ district: DISTRICT, resident: id, on: "2024-03-01" }), g2Worker)
    expect(await failure(death(zhao.id))).toBeInstanceOf(Forbidden)
    const access = await kernel.exec(
      Registry.commands.grantTemporaryAccess({
        district: DISTRICT,
        user: g2Worker.id,
        resident: qian.id,
        reason: "本网格网格员不在岗，家属来报",
        expiresAt: new Date(Date.now() + 3_600_000)
      }),
      boaiAdmin
    )
    // The head of the household is another resident: out of reach, whether by death or by moving out.
    expect(await failure(death(zhao.id))).toBeInstanceOf(Forbidden)
    expect(await failure(moveOut(zhao.id))).toBeInstanceOf(Forbidden)
    await death(qian.id)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "registry.temporary-access-used")).toMatchObject([
      { subject: qian.id, actor: g2Worker.id, payload: { action: "registry.registerDeath", access: access.id } }
    ])
    expect(events.filter((e) => e.type === "registry.death-registered")).toMatchObject([
      { subject: qian.id, actor: g2Worker.id }
    ])
  })

  it("temporary access ends at its expiry", async () => {
    const db = await fresh()
    const { kernel, zhao } = await district(db.open())
    db.track(kernel)
    const start = Date.parse("2024-03-01T02:00:00Z")
    const read = kernel.run(Registry.queries.resident({ district: DISTRICT, id: zhao.id }), g2Worker)
    const seen = await Effect.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(start)
        yield* kernel.run(
          Registry.commands.grantTemporaryAccess({
            district: DISTRICT,
            user: g2Worker.id,
            resident: zhao.id,
            reason: "夜间巡查",
            expiresAt: new Date(start + 2 * 3_600_000)
          }),
          boaiAdmin
        )
        const during = yield* Effect.either(read)
        yield* TestClock.setTime(start + 2 * 3_600_000)
        const after = yield* Effect.either(read)
        return { during, after }
      }).pipe(Effect.provide(TestContext.TestContext))
    )
    expect(seen.during._tag).toBe("Right")
    expect(seen.after._tag === "Left" && seen.after.left).toBeInstanceOf(NotFound)
  })

  it("temporary access ends when the level above revokes it, and cannot be revoked twice", async () => {
    const db = await fresh()
    const { kernel, zhao } = await district(db.open())
    db.track(kernel)
    const access = await kernel.exec(
      Registry.commands.grantTemporaryAccess({
        district: DISTRICT,
        user: g2Worker.id,
        resident: zhao.id,
        reason: "入户核查",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString()
      }),
      boaiAdmin
    )
    expect((await kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhao.id }), g2Worker)).name).toBe(
      "赵一"
    )
    const revoke = Registry.commands.revokeTemporaryAccess({ district: DISTRICT, access: access.id })
    expect(await failure(kernel.exec(revoke, g2Worker))).toBeInstanceOf(Forbidden)
    await kernel.exec(revoke, boaiAdmin)
    expect(
      await failure(kernel.exec(Registry.queries.resident({ district: DISTRICT, id: zhao.id }), g2Worker))
    ).toBeInstanceOf(NotFound)
    expect(await failure(kernel.exec(revoke, boaiAdmin))).toMatchObject({ code: "REGISTRY.ACCESS_ENDED" })
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "registry.temporary-access-revoked")).toMatchObject([
      { subject: zhao.id, payload: { access: access.id } }
    ])
  })

  it("temporary access needs a reason, an expiry within 7 days, a resident, and a grantor above both grids", async () => {
    const db = await fresh()
    const { kernel, zhao, zhou } = await district(db.open())
    db.track(kernel)
    const grant = (input: { reason?: string; expiresAt?: Date; resident?: string }, by: Actor.Actor = boaiAdmin) =>
      failure(
        kernel.exec(
          Registry.commands.grantTemporaryAccess({
            district: DISTRICT,
            user: g2Worker.id,
            resident: input.resident ?? zhao.id,
            ...(input.reason === undefined ? {} : { reason: input.reason }),
            expiresAt: input.expiresAt ?? new Date(Date.now() + 3_600_000)
          }),
          by
        )
      )
    const blank = await grant({ reason: "   " })
    expect(blank).toBeInstanceOf(InvalidInput)
    expect((blank as InvalidInput).problems).toMatchObject([{ path: "reason", code: "REGISTRY.ACCESS_REASON" }])
    const missing = await grant({})
    expect((missing as InvalidInput).problems).toMatchObject([{ path: "reason", code: "REQUIRED" }])
    const past = await grant({ reason: "核查", expiresAt: new Date(Date.now() - 60_000) })
    expect(past).toMatchObject({ code: "REGISTRY.ACCESS_EXPIRY_PAST", subject: zhao.id })
    const far = (await grant({ reason: "核查", expiresAt: new Date(Date.now() + 8 * 86_400_000) })) as {
      code: string
      text: { en: string }
    }
    expect(far.code).toBe("REGISTRY.ACCESS_EXPIRY_TOO_FAR")
    expect(far.text.en).toContain("7 days")
    expect(await grant({ reason: "核查", resident: "0190a0a0-0000-7000-8000-000000000000" })).toBeInstanceOf(NotFound)
    // Someone recorded without a household is not a resident anyone could be let in to.
    expect(await grant({ reason: "核查", resident: zhou.id })).toBeInstanceOf(NotFound)
    expect(await grant({ reason: "核查" }, g2Worker)).toBeInstanceOf(Forbidden)
    expect(await grant({ reason: "核查" }, huiminAdmin)).toBeInstanceOf(Forbidden)
    const events = await kernel.events.since({ district: DISTRICT, after: 0 })
    expect(events.filter((e) => e.type === "registry.temporary-access-granted")).toEqual([])
  })
}
