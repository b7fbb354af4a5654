/**
 * The service desk's conformance tests, on every adapter: first-inquiry
 * ownership and its reassignment once an owner has left, deadlines in working
 * days over the PRC's holidays, the sweep that escalates lapsed requests once
 * per lapsed deadline (also when two sweeps run at once), the accountability
 * records, services taken off the menu, and the report.
 */
import { Effect, TestClock, TestContext } from "effect"
import { expect, it } from "vitest"
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { DateOutsideCalendar, Forbidden, InvalidInput, NotFound } from "../Errors.js"
import * as Holidays from "../Holidays.js"
import { makeKernel, type Kernel, type KernelOptions } from "../Kernel.js"
import { Registry } from "../registry/Registry.js"
import { ServicesCode, ServicesRefused } from "../services/Refused.js"
import { Services } from "../services/Services.js"
import type { Storage } from "../Storage.js"
import { type RegistryDatabase, residentId } from "./registry.js"
import { DISTRICT } from "./tasks.js"

const system = Actor.system("conformance")
const KEY = "d".repeat(64)

const STREET = "230503003"
const BOAI = "230503003001"
const HUIMIN = "230503003002"
const G1 = "230503003001001"
const G2 = "230503003001002"
const G3 = "230503003002001"
const STREET_PATH = `${DISTRICT}/${STREET}/`
const BOAI_PATH = `${STREET_PATH}${BOAI}/`
const HUIMIN_PATH = `${STREET_PATH}${HUIMIN}/`
/** The scope paths of the district's places. */
export const paths = {
  district: `${DISTRICT}/`,
  street: STREET_PATH,
  boai: BOAI_PATH,
  g1: `${BOAI_PATH}${G1}/`,
  g2: `${BOAI_PATH}${G2}/`,
  g3: `${HUIMIN_PATH}${G3}/`
}
/** The grids' codes. */
export const grids = { g1: G1, g2: G2, g3: G3 }

/** An instant given as a time in Asia/Shanghai: `shanghai("2024-09-30T10:00")`. */
export const shanghai = (local: string): Date => new Date(`${local}${local.length === 16 ? ":00" : ""}+08:00`)

/** The last millisecond of a day in Asia/Shanghai: when a deadline on that day lapses. */
export const endOf = (date: string): Date => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000 - 1)

/** Runs a kernel effect with the kernel's clock at `instant` (Effect's TestClock). */
export const at = <A, E>(instant: Date, effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(instant.getTime())
      return yield* effect
    }).pipe(Effect.provide(TestContext.TestContext))
  )

/** The error a kernel effect fails with at `instant`; a success fails the test. */
export const refusalAt = <A, E>(instant: Date, effect: Effect.Effect<A, E>): Promise<E> =>
  at(instant, Effect.flip(effect))

const grant = (kernel: Kernel, userId: string, role: string, level: Actor.ScopeLevel, scopePath: string) =>
  kernel.exec(Core.commands.grantRole({ district: DISTRICT, userId, role, level, scopePath }), system)

/**
 * Lingdong's street 230503003 with two communities: Bo'ai, with grids G1 and
 * G2, and Huimin, with grid G3; a resident in each grid (Zhao in G1, Sun in
 * G2, Li in G3), and the staff who serve them, each with their role granted:
 * Wang and Zhou, grid workers of G1; Chen, grid worker of G2; Liu, community
 * worker of Bo'ai; Ma, street admin; and the district admin of the command
 * centre.
 */
export const serviceDesk = async (storage: Storage, calendar?: KernelOptions["calendar"]) => {
  const kernel = await makeKernel({ storage, secrets: { key: KEY }, ...(calendar === undefined ? {} : { calendar }) })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  await kernel.exec(
    Registry.commands.registerStreet({ district: DISTRICT, code: STREET, name: "南翼街道", kind: "street_office" }),
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
      Registry.commands.registerGrid({ district: DISTRICT, community, code, name, createdOn: "2019-01-01" }),
      system
    )
  }
  const resident = async (building: string, grid: string, birth: string, name: string, household: string) => {
    await kernel.exec(
      Registry.commands.registerBuilding({
        district: DISTRICT,
        compound: "博爱小区",
        name: building,
        grid,
        since: "2019-01-01"
      }),
      system
    )
    const { id } = await kernel.exec(
      Registry.commands.registerResident({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId("230503", birth, "051") },
        name,
        address: { compound: "博爱小区", building, unit: "1", flat: "101" },
        household,
        relation: "户主",
        movedIn: "2019-06-01"
      }),
      system
    )
    return id
  }
  const residents = {
    zhao: await resident("1号楼", G1, "19480312", "赵大爷", "H1"),
    sun: await resident("2号楼", G2, "19520606", "孙大妈", "H2"),
    li: await resident("3号楼", G3, "19810909", "李师傅", "H3")
  }
  await grant(kernel, "u-wang", "grid_worker", "grid", paths.g1)
  await grant(kernel, "u-zhou", "grid_worker", "grid", paths.g1)
  await grant(kernel, "u-chen", "grid_worker", "grid", paths.g2)
  await grant(kernel, "u-liu", "community_worker", "community", paths.boai)
  await grant(kernel, "u-ma", "street_admin", "street", paths.street)
  await grant(kernel, "u-centre", "district_admin", "district", paths.district)
  const staff = {
    wang: await kernel.actorFor("u-wang"),
    zhou: await kernel.actorFor("u-zhou"),
    chen: await kernel.actorFor("u-chen"),
    liu: await kernel.actorFor("u-liu"),
    ma: await kernel.actorFor("u-ma"),
    centre: await kernel.actorFor("u-centre")
  }
  return { kernel, residents, staff }
}

type Desk = Awaited<ReturnType<typeof serviceDesk>>

/** Receives a request at the grid for `resident` as `worker`, at `instant`. */
export const receiveAt = (
  desk: Desk,
  instant: Date,
  worker: Actor.Actor,
  resident: string,
  service = "employment",
  level: "grid" | "community" = "grid"
) =>
  at(
    instant,
    desk.kernel.run(
      Services.commands.receive({ district: DISTRICT, resident, service, level, summary: "失业登记，申请就业援助" }),
      worker
    )
  )

const seen = (desk: Desk, id: string, actor: Actor.Actor = desk.staff.centre) =>
  desk.kernel.exec(Services.queries.request({ district: DISTRICT, id }), actor)

const eventsOf = async (kernel: Kernel, type: string) =>
  (await kernel.events.since({ district: DISTRICT, after: 0, limit: 10_000 })).filter((e) => e.type === type)

const receivedOn930 = shanghai("2024-09-30T10:00")

/** The service desk's conformance tests, registered inside the adapter's suite. */
export const servicesTests = (fresh: () => Promise<RegistryDatabase>) => {
  const open = async (calendar?: KernelOptions["calendar"]) => {
    const db = await fresh()
    const desk = await serviceDesk(db.open(), calendar)
    db.track(desk.kernel)
    return desk
  }

  it("a request not closed in 3 working days over the National Day holiday escalates on the right date, exactly once", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const received = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    // 1-7 October are off: the third working day after 30 September is Thursday 10 October.
    expect(received).toMatchObject({ level: "grid", owner: "u-wang", deadline: endOf("2024-10-10") })

    await kernel.tick(shanghai("2024-10-10T18:00"))
    expect(await seen(desk, received.id)).toMatchObject({ level: "grid", owner: "u-wang", escalations: [] })

    const night = shanghai("2024-10-11T00:30")
    expect((await kernel.tick(night)).ran).toContainEqual({ district: DISTRICT, job: "services.escalateOverdue" })
    expect((await kernel.tick(night)).skipped).toContainEqual({ district: DISTRICT, job: "services.escalateOverdue" })
    await kernel.tick(shanghai("2024-10-11T09:00"))
    await kernel.tick(shanghai("2024-10-14T09:00"))

    const request = await seen(desk, received.id)
    // The community's 5 working days run from the lapse: 11, 12 (a Saturday worked), 14, 15 and 16 October.
    expect(request).toMatchObject({ level: "community", owner: null, deadline: endOf("2024-10-16") })
    expect(request.escalations).toEqual([
      {
        from: "grid",
        to: "community",
        at: endOf("2024-10-10"),
        cause: "deadline",
        reason: null,
        by: "system:tick",
        deadline: endOf("2024-10-16")
      }
    ])
    expect(request.lapses).toHaveLength(1)
    const lapsed = await eventsOf(kernel, "services.deadline-lapsed")
    expect(lapsed).toHaveLength(1)
    expect(lapsed[0]).toMatchObject({
      subject: received.id,
      scopePath: paths.g1,
      payload: {
        level: "grid",
        lapsedAt: "2024-10-10T15:59:59.999Z",
        heldBy: "u-wang",
        escalatedTo: "community",
        deadline: "2024-10-16T15:59:59.999Z"
      }
    })
  })

  it("the first worker stays the owner after a colleague looks at it; one window, one worker", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const { id } = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    const later = shanghai("2024-10-08T09:30")

    const looked = await at(later, kernel.run(Services.queries.request({ district: DISTRICT, id }), staff.zhou))
    expect(looked).toMatchObject({ owner: "u-wang", summary: "失业登记，申请就业援助", grid: G1 })
    await at(
      later,
      kernel.run(
        Services.commands.addNote({ district: DISTRICT, request: id, text: "已电话联系，约周三面谈" }),
        staff.zhou
      )
    )
    const taken = await refusalAt(
      later,
      kernel.run(Services.commands.take({ district: DISTRICT, request: id }), staff.zhou)
    )
    expect(taken).toMatchObject({ code: ServicesCode.AlreadyOwned, subject: id })
    const closedByColleague = await refusalAt(
      later,
      kernel.run(Services.commands.complete({ district: DISTRICT, request: id, resolution: "已办" }), staff.zhou)
    )
    expect(closedByColleague).toBeInstanceOf(ServicesRefused)
    expect(closedByColleague).toMatchObject({ code: ServicesCode.NotOwner })

    const request = await seen(desk, id)
    expect(request.owner).toBe("u-wang")
    expect(request.owners.map((o) => [o.owner, o.kind])).toEqual([["u-wang", "received"]])
    expect(request.notes).toEqual([{ author: "u-zhou", text: "已电话联系，约周三面谈", at: later }])

    const done = await at(
      shanghai("2024-10-09T16:00"),
      kernel.run(
        Services.commands.complete({ district: DISTRICT, request: id, resolution: "已办理失业登记，推荐岗位 2 个" }),
        staff.wang
      )
    )
    expect(done).toEqual({ doneAt: shanghai("2024-10-09T16:00"), late: false })
    await kernel.tick(shanghai("2024-11-01T00:00"))
    expect(await seen(desk, id)).toMatchObject({ status: "done", level: "grid", overdue: false, lapses: [] })
  })

  it("a sweep run a month late escalates a request through each lapsed level once, stamped at each deadline", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const { id } = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)

    await kernel.tick(shanghai("2024-11-30T08:00"))
    const request = await seen(desk, id)
    // Grid: 3 working days to 10 Oct; community: 5 to 16 Oct; street: 7 to 25 Oct; district: 10 to 8 Nov.
    expect(request.escalations.map((e) => [e.from, e.to, e.at, e.deadline])).toEqual([
      ["grid", "community", endOf("2024-10-10"), endOf("2024-10-16")],
      ["community", "street", endOf("2024-10-16"), endOf("2024-10-25")],
      ["street", "district", endOf("2024-10-25"), endOf("2024-11-08")]
    ])
    expect(request.lapses.map((l) => [l.level, l.lapsedAt, l.recordedAt])).toEqual([
      ["grid", endOf("2024-10-10"), shanghai("2024-11-30T08:00")],
      ["community", endOf("2024-10-16"), shanghai("2024-11-30T08:00")],
      ["street", endOf("2024-10-25"), shanghai("2024-11-30T08:00")],
      ["district", endOf("2024-11-08"), shanghai("2024-11-30T08:00")]
    ])
    expect(request).toMatchObject({ status: "open", level: "district", overdue: true, deadline: endOf("2024-11-08") })

    // The command centre's deadline lapses once: later sweeps add nothing.
    await kernel.tick(shanghai("2024-12-31T08:00"))
    const after = await seen(desk, id)
    expect(after.escalations).toHaveLength(3)
    expect(after.lapses).toHaveLength(4)
    const lapsed = await eventsOf(kernel, "services.deadline-lapsed")
    expect(lapsed.map((e) => [e.payload.level, e.payload.escalatedTo])).toEqual([
      ["grid", "community"],
      ["community", "street"],
      ["street", "district"],
      ["district", null]
    ])
  })

  it("two sweeps at once escalate once", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const ids: Array<string> = []
    for (let i = 0; i < 8; i++) {
      const [worker, resident] = i % 2 === 0 ? [staff.wang, residents.zhao] : [staff.chen, residents.sun]
      ids.push((await receiveAt(desk, receivedOn930, worker, resident)).id)
    }
    // One sweep sees only the grid's lapse (10 Oct), the other the community's too (16 Oct); whichever runs
    // first, or both at once, each request climbs each level once.
    const [first, second] = await Promise.all([
      kernel.tick(shanghai("2024-10-12T01:00")),
      kernel.tick(shanghai("2024-10-17T01:00"))
    ])
    expect(first.ran).toContainEqual({ district: DISTRICT, job: "services.escalateOverdue" })
    expect(second.ran).toContainEqual({ district: DISTRICT, job: "services.escalateOverdue" })
    for (const id of ids) {
      const request = await seen(desk, id)
      expect(request.level).toBe("street")
      expect(request.escalations.map((e) => [e.to, e.at])).toEqual([
        ["community", endOf("2024-10-10")],
        ["street", endOf("2024-10-16")]
      ])
      expect(request.lapses.map((l) => l.level)).toEqual(["grid", "community"])
    }
    expect(await eventsOf(kernel, "services.deadline-lapsed")).toHaveLength(2 * ids.length)
  })

  it("a night with more lapses than one statement holds appends every lapse's event, numbered on from the log's last", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    // More than the kernel writes with one INSERT: the unit's events go through the adapter's bulk path.
    const ids = new Set<string>()
    for (let i = 0; i < 210; i++) {
      const [worker, resident] = i % 2 === 0 ? [staff.wang, residents.zhao] : [staff.chen, residents.sun]
      ids.add((await receiveAt(desk, receivedOn930, worker, resident)).id)
    }
    const last = (await kernel.events.since({ district: DISTRICT, after: 0, limit: 10_000 })).at(-1)!.position

    const night = shanghai("2024-10-11T00:30")
    await kernel.tick(night)
    const appended = await kernel.events.since({ district: DISTRICT, after: last, limit: 10_000 })
    expect(appended.map((e) => e.position)).toEqual(Array.from({ length: 210 }, (_, i) => last + 1 + i))
    expect(new Set(appended.map((e) => e.subject))).toEqual(ids)
    expect(new Set(appended.map((e) => e.id)).size).toBe(210)
    expect(new Set(appended.map((e) => e.correlation)).size).toBe(1)
    const zhao = appended.find((e) => e.scopePath === paths.g1)!
    expect(zhao).toMatchObject({
      type: "services.deadline-lapsed",
      actor: "system:tick",
      payload: {
        level: "grid",
        lapsedAt: "2024-10-10T15:59:59.999Z",
        heldBy: "u-wang",
        unit: paths.g1,
        escalatedTo: "community",
        deadline: "2024-10-16T15:59:59.999Z"
      }
    })
    expect(appended.filter((e) => e.payload.heldBy === "u-chen")).toHaveLength(105)
  })

  it("an escalated request's accountability record names whoever held the lapsed deadline", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const ignored = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    const takenUp = await receiveAt(desk, receivedOn930, staff.chen, residents.sun, "social_assistance")
    await kernel.tick(shanghai("2024-10-11T00:30"))
    // Liu, of Bo'ai's community, takes the second up when it reaches the community; nobody takes the first.
    await at(
      shanghai("2024-10-11T09:00"),
      kernel.run(Services.commands.take({ district: DISTRICT, request: takenUp.id }), staff.liu)
    )
    await kernel.tick(shanghai("2024-10-17T00:30"))

    const first = await seen(desk, ignored.id)
    expect(first.lapses.map((l) => [l.level, l.heldBy, l.unit])).toEqual([
      ["grid", "u-wang", paths.g1],
      ["community", null, paths.boai]
    ])
    const second = await seen(desk, takenUp.id)
    expect(second.lapses.map((l) => [l.level, l.heldBy, l.unit])).toEqual([
      ["grid", "u-chen", paths.g2],
      ["community", "u-liu", paths.boai]
    ])
    expect(second.owners.map((o) => [o.owner, o.level, o.kind])).toEqual([
      ["u-chen", "grid", "received"],
      ["u-liu", "community", "taken"]
    ])
    expect(second).toMatchObject({ level: "street", owner: null })
  })

  it("a handover without a reason is refused and nothing written; with one, the new owner answers for it", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const { id } = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    const before = await kernel.events.since({ district: DISTRICT, after: 0 })
    const later = shanghai("2024-10-08T10:00")
    const handOver = (to: string, reason: string) =>
      kernel.run(Services.commands.handOver({ district: DISTRICT, request: id, to, reason }), staff.wang)

    const blank = await refusalAt(later, handOver("u-zhou", "   "))
    expect(blank).toBeInstanceOf(InvalidInput)
    expect((blank as InvalidInput).problems).toEqual([
      expect.objectContaining({ path: "reason", code: "SERVICES.REASON_REQUIRED" })
    ])
    const elsewhere = await refusalAt(later, handOver("u-chen", "王某休假"))
    expect(elsewhere).toMatchObject({ code: ServicesCode.NotAHandler, subject: "u-chen" })
    expect(await kernel.events.since({ district: DISTRICT, after: 0 })).toHaveLength(before.length)
    expect((await seen(desk, id)).owners).toHaveLength(1)

    await at(later, handOver("u-zhou", "王某休假一周"))
    const request = await seen(desk, id)
    expect(request.owner).toBe("u-zhou")
    expect(request.owners.map((o) => [o.owner, o.kind, o.previous, o.reason])).toEqual([
      ["u-wang", "received", null, null],
      ["u-zhou", "handed_over", "u-wang", "王某休假一周"]
    ])
    const wangCloses = await refusalAt(
      later,
      kernel.run(Services.commands.complete({ district: DISTRICT, request: id, resolution: "已办" }), staff.wang)
    )
    expect(wangCloses).toMatchObject({ code: ServicesCode.NotOwner })
    await kernel.tick(shanghai("2024-10-11T00:30"))
    expect((await seen(desk, id)).lapses.map((l) => l.heldBy)).toEqual(["u-zhou"])
  })

  it("a request whose owner has left their post is reassigned by the level above, and the new owner answers for its lapse", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    // Gao, posted to G1 as a grid worker on 2 September, receives Zhao's request, then leaves the post on 8 October.
    const gao = await kernel.exec(
      Registry.commands.registerPerson({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId("230503", "19850505", "071") },
        name: "高网格员"
      }),
      system
    )
    const post = await at(
      shanghai("2024-09-02T09:00"),
      kernel.run(
        Registry.commands.appointStaff({
          district: DISTRICT,
          grid: G1,
          person: gao.id,
          role: "grid_worker",
          user: "u-gao"
        }),
        system
      )
    )
    const { id } = await receiveAt(desk, receivedOn930, await kernel.actorFor("u-gao"), residents.zhao)
    await at(
      shanghai("2024-10-08T09:00"),
      kernel.run(Registry.commands.endStaff({ district: DISTRICT, staff: post.id }), system)
    )
    const morning = shanghai("2024-10-08T10:00")
    const reassign = (actor: Actor.Actor, to: string, reason: string) =>
      kernel.run(Services.commands.reassign({ district: DISTRICT, request: id, to, reason }), actor)
    const before = await kernel.events.since({ district: DISTRICT, after: 0 })

    // Zhou, Gao's colleague in G1, can neither take it nor give it to himself: that is for the level above.
    const taken = await refusalAt(
      morning,
      kernel.run(Services.commands.take({ district: DISTRICT, request: id }), staff.zhou)
    )
    expect(taken).toMatchObject({ code: ServicesCode.AlreadyOwned, subject: id })
    expect(await refusalAt(morning, reassign(staff.zhou, "u-zhou", "高某已离岗"))).toBeInstanceOf(Forbidden)
    const blank = await refusalAt(morning, reassign(staff.liu, "u-zhou", "  "))
    expect(blank).toBeInstanceOf(InvalidInput)
    expect((blank as InvalidInput).problems).toEqual([
      expect.objectContaining({ path: "reason", code: ServicesCode.ReasonRequired })
    ])
    expect(await refusalAt(morning, reassign(staff.liu, "u-chen", "高某已离岗"))).toMatchObject({
      code: ServicesCode.NotAHandler,
      subject: "u-chen"
    })
    expect(await kernel.events.since({ district: DISTRICT, after: 0 })).toHaveLength(before.length)

    // Liu, of Bo'ai's community above the grid, gives it to Zhou, who answers for it from then on.
    await at(morning, reassign(staff.liu, "u-zhou", "高某已离岗，改由周某承办"))
    const request = await seen(desk, id)
    expect(request.owner).toBe("u-zhou")
    expect(request.owners.map((o) => [o.owner, o.kind, o.previous, o.reason])).toEqual([
      ["u-gao", "received", null, null],
      ["u-zhou", "reassigned", "u-gao", "高某已离岗，改由周某承办"]
    ])
    expect(await eventsOf(kernel, "services.request-reassigned")).toMatchObject([
      {
        subject: id,
        actor: "u-liu",
        payload: { level: "grid", from: "u-gao", to: "u-zhou", reason: "高某已离岗，改由周某承办" }
      }
    ])
    await kernel.tick(shanghai("2024-10-11T00:30"))
    expect((await seen(desk, id)).lapses.map((l) => [l.level, l.heldBy])).toEqual([["grid", "u-zhou"]])
  })

  it("neither a colleague nor the level above takes a request from an owner in post; once the owner's role is revoked the level above reassigns it", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const qian = await grant(kernel, "u-qian", "grid_worker", "grid", paths.g1)
    const { id } = await receiveAt(desk, receivedOn930, await kernel.actorFor("u-qian"), residents.zhao)
    const morning = shanghai("2024-10-08T10:00")
    const reassign = () =>
      kernel.run(
        Services.commands.reassign({ district: DISTRICT, request: id, to: "u-wang", reason: "钱某工作量过大" }),
        staff.liu
      )

    expect(await refusalAt(morning, reassign())).toMatchObject({ code: ServicesCode.OwnerInPost, subject: id })
    const taken = await refusalAt(
      morning,
      kernel.run(Services.commands.take({ district: DISTRICT, request: id }), staff.zhou)
    )
    expect(taken).toMatchObject({ code: ServicesCode.AlreadyOwned, subject: id })
    expect((await seen(desk, id)).owners.map((o) => o.owner)).toEqual(["u-qian"])

    await kernel.exec(Core.commands.revokeRole({ district: DISTRICT, grantId: qian.id }), system)
    await at(morning, reassign())
    expect(await seen(desk, id)).toMatchObject({ owner: "u-wang" })
  })

  it("a service taken off the menu is refused from its day, while requests received before are done and still escalate", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const climbing = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    const finishing = await receiveAt(desk, receivedOn930, staff.chen, residents.sun)
    // Decided on 30 September: employment leaves the grid desks' menu on 8 October.
    await at(
      shanghai("2024-09-30T15:00"),
      kernel.run(
        Services.commands.removeService({ district: DISTRICT, code: "employment", from: "2024-10-08" }),
        staff.centre
      )
    )
    const menuAt = (instant: Date) => at(instant, kernel.run(Services.queries.menu({ district: DISTRICT }), staff.wang))
    const eve = shanghai("2024-10-07T10:00")
    expect((await menuAt(eve)).find((item) => item.code === "employment")).toMatchObject({ removedOn: "2024-10-08" })
    await receiveAt(desk, eve, staff.wang, residents.zhao)

    const day = shanghai("2024-10-08T09:00")
    const before = await kernel.events.since({ district: DISTRICT, after: 0 })
    const refusal = await refusalAt(
      day,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "employment",
          level: "grid",
          summary: "失业登记"
        }),
        staff.wang
      )
    )
    expect(refusal).toBeInstanceOf(ServicesRefused)
    expect(refusal).toMatchObject({ code: ServicesCode.NotOnMenu, subject: "employment" })
    expect(await kernel.events.since({ district: DISTRICT, after: 0 })).toHaveLength(before.length)
    expect((await menuAt(day)).map((item) => item.code)).toEqual([
      "health",
      "public_security",
      "social_assistance",
      "social_security"
    ])
    const backDated = await refusalAt(
      day,
      kernel.run(
        Services.commands.removeService({ district: DISTRICT, code: "health", from: "2024-10-01" }),
        staff.centre
      )
    )
    expect(backDated).toMatchObject({ code: ServicesCode.BackDated, subject: "health" })

    // What was received before carries on: Chen completes his at the grid; Zhao's first climbs to the
    // community at its deadline, where Liu takes it and completes it.
    await at(
      shanghai("2024-10-09T16:00"),
      kernel.run(
        Services.commands.complete({ district: DISTRICT, request: finishing.id, resolution: "已办理失业登记" }),
        staff.chen
      )
    )
    await kernel.tick(shanghai("2024-10-11T00:30"))
    expect((await seen(desk, climbing.id)).escalations.map((e) => [e.from, e.to, e.cause])).toEqual([
      ["grid", "community", "deadline"]
    ])
    const atCommunity = shanghai("2024-10-11T09:00")
    await at(atCommunity, kernel.run(Services.commands.take({ district: DISTRICT, request: climbing.id }), staff.liu))
    await at(
      atCommunity,
      kernel.run(
        Services.commands.complete({ district: DISTRICT, request: climbing.id, resolution: "已推荐就业岗位" }),
        staff.liu
      )
    )
    expect(await seen(desk, climbing.id)).toMatchObject({ status: "done", level: "community", owner: "u-liu" })
    expect(await seen(desk, finishing.id)).toMatchObject({ status: "done", level: "grid", overdue: false })
  })

  it("a service not on the menu is refused and nothing written; a district adds its own", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const before = await kernel.events.since({ district: DISTRICT, after: 0 })
    const refusal = await refusalAt(
      receivedOn930,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "elderly_care",
          level: "grid",
          summary: "申请助浴服务"
        }),
        staff.wang
      )
    )
    expect(refusal).toBeInstanceOf(ServicesRefused)
    expect(refusal).toMatchObject({ code: "SERVICES.NOT_ON_MENU", subject: "elderly_care" })
    expect(await kernel.events.since({ district: DISTRICT, after: 0 })).toHaveLength(before.length)
    expect(await kernel.exec(Services.queries.requests({ district: DISTRICT }), staff.centre)).toEqual([])

    await kernel.exec(
      Services.commands.defineService({
        district: DISTRICT,
        code: "elderly_care",
        label: { "zh-CN": "居家养老", en: "Home elderly care" },
        workingDays: { grid: 2, community: 3, street: 5, district: 7 },
        roles: ["grid_worker", "community_worker", "street_admin", "district_admin"]
      }),
      staff.centre
    )
    const menu = await kernel.exec(Services.queries.menu({ district: DISTRICT }), staff.wang)
    expect(menu.map((item) => [item.code, item.definedBy])).toEqual([
      ["elderly_care", "district"],
      ["employment", "default"],
      ["health", "default"],
      ["public_security", "default"],
      ["social_assistance", "default"],
      ["social_security", "default"]
    ])
    const received = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao, "elderly_care")
    expect(received.deadline).toEqual(endOf("2024-10-09"))
  })

  it("a deadline on a date outside the calendar data is refused, at receipt and in the sweep, until the host adds the year", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    // Three working days from 30 December 2026 end in 2027, whose holidays the State Council has not published.
    const refusal = await refusalAt(
      shanghai("2026-12-30T10:00"),
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "employment",
          level: "grid",
          summary: "失业登记"
        }),
        staff.wang
      )
    )
    expect(refusal).toBeInstanceOf(DateOutsideCalendar)
    expect(refusal).toMatchObject({ code: "CORE.DATE_OUTSIDE_CALENDAR", date: "2027-01-01", covered: "2019-2026" })
    expect(await kernel.exec(Services.queries.requests({ district: DISTRICT }), staff.centre)).toEqual([])

    // Received on Thursday 24 December, due on Tuesday 29th; the community's five days would end in 2027.
    const { id } = await receiveAt(desk, shanghai("2026-12-24T10:00"), staff.wang, residents.zhao)
    const stuck = await kernel.tick(shanghai("2026-12-30T08:00")).then(
      () => undefined,
      (error: unknown) => error
    )
    expect(stuck).toBeInstanceOf(DateOutsideCalendar)
    expect(await seen(desk, id)).toMatchObject({ level: "grid", lapses: [], escalations: [] })
  })

  it("a host that adds a year's holidays escalates into it", async () => {
    // A host's own data for 2027, standing in for the notice the State Council has not yet published.
    const year2027 = Holidays.year(2027, [{ name: "元旦", off: ["2027-01-01", "2027-01-03"] }])
    const desk = await open({ years: [...Holidays.prc.years, year2027] })
    const { kernel, staff, residents } = desk
    const { id } = await receiveAt(desk, shanghai("2026-12-24T10:00"), staff.wang, residents.zhao)
    await kernel.tick(shanghai("2026-12-30T08:00"))
    // 30 and 31 December, then 4, 5 and 6 January: New Year's Day 2027 is off in the host's data.
    expect(await seen(desk, id)).toMatchObject({ level: "community", deadline: endOf("2027-01-06") })
  })

  it("a worker acting outside their scope is refused, and does not see the request", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const outside = await refusalAt(
      receivedOn930,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "health",
          level: "grid",
          summary: "家庭医生签约"
        }),
        staff.chen
      )
    )
    expect(outside).toBeInstanceOf(Forbidden)
    // The community worker has the scope but not the level: a grid's request is received by its grid.
    const wrongLevel = await refusalAt(
      receivedOn930,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "health",
          level: "grid",
          summary: "家庭医生签约"
        }),
        staff.liu
      )
    )
    expect(wrongLevel).toMatchObject({ code: ServicesCode.NotAHandler, subject: "u-liu" })
    const { id } = await receiveAt(desk, receivedOn930, staff.liu, residents.zhao, "health", "community")
    expect(
      await refusalAt(receivedOn930, kernel.run(Services.queries.request({ district: DISTRICT, id }), staff.chen))
    ).toBeInstanceOf(NotFound)
    const note = await refusalAt(
      receivedOn930,
      kernel.run(Services.commands.addNote({ district: DISTRICT, request: id, text: "我来看看" }), staff.chen)
    )
    expect(note).toBeInstanceOf(Forbidden)
    expect(await kernel.exec(Services.queries.requests({ district: DISTRICT }), staff.chen)).toEqual([])
    expect((await kernel.exec(Services.queries.requests({ district: DISTRICT }), staff.wang)).map((r) => r.id)).toEqual(
      [id]
    )
  })

  it("the report counts requests received, open, done on time and late, overdue and escalated, by grid and level", async () => {
    const desk = await open()
    const { kernel, staff, residents } = desk
    const complete = (id: string, worker: Actor.Actor, when: Date) =>
      at(
        when,
        kernel.run(Services.commands.complete({ district: DISTRICT, request: id, resolution: "已办结" }), worker)
      )
    // G1: one done on time, one done late (before any sweep), one left to climb.
    const onTime = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao)
    const late = await receiveAt(desk, receivedOn930, staff.wang, residents.zhao, "social_security")
    await receiveAt(desk, receivedOn930, staff.wang, residents.zhao, "health")
    await complete(onTime.id, staff.wang, shanghai("2024-10-09T15:00"))
    expect(await complete(late.id, staff.wang, shanghai("2024-10-11T09:00"))).toMatchObject({ late: true })
    // G2: escalated by its owner, then done at the community.
    const handed = await receiveAt(desk, receivedOn930, staff.chen, residents.sun, "social_assistance")
    await at(
      shanghai("2024-10-08T11:00"),
      kernel.run(
        Services.commands.escalate({ district: DISTRICT, request: handed.id, reason: "需社区协调低保材料" }),
        staff.chen
      )
    )
    await at(
      shanghai("2024-10-08T14:00"),
      kernel.run(Services.commands.take({ district: DISTRICT, request: handed.id }), staff.liu)
    )
    await complete(handed.id, staff.liu, shanghai("2024-10-10T10:00"))
    // G3, in Huimin: received by the system (an import of paper records), left to climb.
    await at(
      receivedOn930,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.li,
          service: "public_security",
          level: "grid",
          summary: "楼道堆物，存在消防隐患"
        }),
        system
      )
    )
    await kernel.tick(shanghai("2024-10-20T08:00"))
    // Received after the period: not counted.
    await receiveAt(desk, shanghai("2024-11-04T09:00"), staff.wang, residents.zhao)

    const { rows, totals } = await kernel.exec(
      Services.queries.report({ district: DISTRICT, from: "2024-09-01", to: "2024-10-31" }),
      staff.centre
    )
    const none = { received: 0, open: 0, doneOnTime: 0, doneLate: 0, overdue: 0, escalated: 0 }
    expect(rows).toEqual([
      { grid: G1, level: "grid", ...none, received: 3, doneOnTime: 1, doneLate: 1, overdue: 2, escalated: 1 },
      { grid: G1, level: "community", ...none, overdue: 1, escalated: 1 },
      { grid: G1, level: "street", ...none, open: 1 },
      { grid: G2, level: "grid", ...none, received: 1, escalated: 1 },
      { grid: G2, level: "community", ...none, doneOnTime: 1 },
      { grid: G3, level: "grid", ...none, received: 1, overdue: 1, escalated: 1 },
      { grid: G3, level: "community", ...none, overdue: 1, escalated: 1 },
      { grid: G3, level: "street", ...none, open: 1 }
    ])
    expect(totals).toEqual({ received: 5, open: 2, doneOnTime: 2, doneLate: 1, overdue: 5, escalated: 5 })

    // Bo'ai's community worker sees Bo'ai's grids only. By 9 October nothing had lapsed, and what was done
    // later was still open then, at the level it stood at.
    const early = await kernel.exec(
      Services.queries.report({ district: DISTRICT, from: "2024-09-30", to: "2024-10-09" }),
      staff.liu
    )
    expect(early.rows).toEqual([
      { grid: G1, level: "grid", ...none, received: 3, open: 2, doneOnTime: 1 },
      { grid: G2, level: "grid", ...none, received: 1, escalated: 1 },
      { grid: G2, level: "community", ...none, open: 1 }
    ])
  })
}
