import { CompiledQuery } from "kysely"
import { describe, expect, it } from "vitest"
import { sqliteStorage } from "../../../adapters/sqlite/src/index.js"
import * as Actor from "../../src/Actor.js"
import { Core } from "../../src/Core.js"
import { Forbidden, InvalidInput } from "../../src/Errors.js"
import { Registry } from "../../src/registry/Registry.js"
import { dueQuery } from "../../src/services/Escalation.js"
import { ServicesCode } from "../../src/services/Refused.js"
import { Services } from "../../src/services/Services.js"
import { residentId } from "../../src/testing/registry.js"
import { at, endOf, paths, receiveAt, refusalAt, serviceDesk, shanghai } from "../../src/testing/services.js"
import { DISTRICT } from "../../src/testing/tasks.js"

const system = Actor.system("test")
const received = shanghai("2024-09-30T10:00")
const desk = () => serviceDesk(sqliteStorage({ filename: ":memory:" }))

describe("the service desk", () => {
  it("a request that climbed is nobody's until a worker of the new level takes it", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    const { id } = await receiveAt(d, received, staff.wang, residents.zhao)
    await kernel.tick(shanghai("2024-10-11T00:30"))
    const morning = shanghai("2024-10-11T09:00")
    const take = (worker: Actor.Actor) =>
      kernel.run(Services.commands.take({ district: DISTRICT, request: id }), worker)

    expect(await refusalAt(morning, take(staff.wang))).toMatchObject({ code: ServicesCode.NotAHandler })
    const completeUnowned = await refusalAt(
      morning,
      kernel.run(Services.commands.complete({ district: DISTRICT, request: id, resolution: "已办" }), staff.liu)
    )
    expect(completeUnowned).toMatchObject({ code: ServicesCode.NotOwner })
    await at(morning, take(staff.liu))
    expect(await refusalAt(morning, take(staff.ma))).toMatchObject({ code: ServicesCode.AlreadyOwned })
    const request = await kernel.exec(Services.queries.request({ district: DISTRICT, id }), staff.liu)
    expect(request).toMatchObject({ level: "community", owner: "u-liu" })
  })

  it("the owner escalates with a reason, and the level above's time limit runs from then", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    const { id } = await receiveAt(d, received, staff.wang, residents.zhao)
    const when = shanghai("2024-10-08T11:00")
    const escalate = (reason: string) =>
      kernel.run(Services.commands.escalate({ district: DISTRICT, request: id, reason }), staff.wang)

    const blank = await refusalAt(when, escalate(""))
    expect(blank).toBeInstanceOf(InvalidInput)
    expect((blank as InvalidInput).problems.map((p) => p.code)).toEqual(["SERVICES.REASON_REQUIRED"])
    // Five working days from Tuesday 8 October: the 9th, 10th, 11th, Saturday 12th (worked) and Monday 14th.
    expect(await at(when, escalate("涉及跨网格就业岗位，需社区统筹"))).toEqual({
      level: "community",
      deadline: endOf("2024-10-14")
    })
    const request = await kernel.exec(Services.queries.request({ district: DISTRICT, id }), staff.centre)
    expect(request.escalations).toEqual([
      {
        from: "grid",
        to: "community",
        at: when,
        cause: "worker",
        reason: "涉及跨网格就业岗位，需社区统筹",
        by: "u-wang",
        deadline: endOf("2024-10-14")
      }
    ])
    expect(request.lapses).toEqual([])
    expect(await refusalAt(when, escalate("再报一次"))).toMatchObject({ code: ServicesCode.NotOwner })
  })

  it("the district command centre has no level above it", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    const { id, deadline } = await at(
      received,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.li,
          service: "public_security",
          level: "district",
          summary: "小区周边夜间噪声扰民"
        }),
        staff.centre
      )
    )
    expect(deadline).toEqual(endOf("2024-10-18"))
    const refusal = await refusalAt(
      received,
      kernel.run(Services.commands.escalate({ district: DISTRICT, request: id, reason: "无" }), staff.centre)
    )
    expect(refusal).toMatchObject({ code: ServicesCode.TopLevel, subject: id })
  })

  it("past its deadline a request keeps its holder until the sweep records the lapse; a late completion records it", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    const { id } = await receiveAt(d, received, staff.wang, residents.zhao)
    const lateMorning = shanghai("2024-10-11T09:00")

    const handOver = await refusalAt(
      lateMorning,
      kernel.run(
        Services.commands.handOver({ district: DISTRICT, request: id, to: "u-zhou", reason: "请同事接手" }),
        staff.wang
      )
    )
    expect(handOver).toMatchObject({ code: ServicesCode.LapsePending, subject: id })
    const escalate = await refusalAt(
      lateMorning,
      kernel.run(Services.commands.escalate({ district: DISTRICT, request: id, reason: "来不及了" }), staff.wang)
    )
    expect(escalate).toMatchObject({ code: ServicesCode.LapsePending })

    expect(
      await at(
        lateMorning,
        kernel.run(
          Services.commands.complete({ district: DISTRICT, request: id, resolution: "已推荐岗位" }),
          staff.wang
        )
      )
    ).toEqual({ doneAt: lateMorning, late: true })
    await kernel.tick(shanghai("2024-10-20T00:00"))
    const request = await kernel.exec(Services.queries.request({ district: DISTRICT, id }), staff.centre)
    expect(request).toMatchObject({ status: "done", level: "grid", overdue: true, escalations: [] })
    expect(request.lapses).toEqual([
      { level: "grid", lapsedAt: endOf("2024-10-10"), heldBy: "u-wang", unit: paths.g1, recordedAt: lateMorning }
    ])
    const again = await refusalAt(
      lateMorning,
      kernel.run(Services.commands.complete({ district: DISTRICT, request: id, resolution: "再办一次" }), staff.wang)
    )
    expect(again).toMatchObject({ code: ServicesCode.Closed })
  })

  it("a request is handed over to someone else, not to its owner", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    const { id } = await receiveAt(d, received, staff.wang, residents.zhao)
    const refusal = await refusalAt(
      received,
      kernel.run(
        Services.commands.handOver({ district: DISTRICT, request: id, to: "u-wang", reason: "自己办" }),
        staff.wang
      )
    )
    expect(refusal).toMatchObject({ code: ServicesCode.HandoverToOwner })
  })

  it("someone who does not live in the district is not served", async () => {
    const d = await desk()
    const { kernel, staff } = d
    const official = await kernel.exec(
      Registry.commands.registerPerson({
        district: DISTRICT,
        document: { type: "resident_id_card", number: residentId("230502", "19700707", "071") },
        name: "外区干部"
      }),
      system
    )
    const refusal = await refusalAt(
      received,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: official.id,
          service: "employment",
          level: "grid",
          summary: "咨询"
        }),
        staff.wang
      )
    )
    expect(refusal).toMatchObject({ code: ServicesCode.NotAResident, subject: official.id })
  })

  it("a service is defined by the district admin, and a bad definition is refused whole with every problem", async () => {
    const { kernel, staff } = await desk()
    const bad = await kernel
      .exec(
        Services.commands.defineService({
          district: DISTRICT,
          code: "Elderly Care",
          label: { "zh-CN": "居家养老", en: "" },
          workingDays: { grid: 0, community: 3, street: 5, district: 7.5 },
          roles: []
        } as never),
        staff.centre
      )
      .catch((error: unknown) => error)
    expect(bad).toBeInstanceOf(InvalidInput)
    expect((bad as InvalidInput).problems.map((p) => [p.path, p.code])).toEqual([
      ["code", "SERVICES.SERVICE_CODE"],
      ["label.en", "INVALID_VALUE"],
      ["workingDays.grid", "SERVICES.WORKING_DAYS"],
      ["workingDays.district", "SERVICES.WORKING_DAYS"],
      // At least one role handles it.
      ["roles[0]", "REQUIRED"]
    ])
    const byGridWorker = await kernel
      .exec(
        Services.commands.defineService({
          district: DISTRICT,
          code: "elderly_care",
          label: { "zh-CN": "居家养老", en: "Home elderly care" },
          workingDays: { grid: 2, community: 3, street: 5, district: 7 },
          roles: ["grid_worker"]
        }),
        staff.wang
      )
      .catch((error: unknown) => error)
    expect(byGridWorker).toBeInstanceOf(Forbidden)
  })

  it("only the level above, or an admin of the request's own level, reassigns it; one nobody has taken is given to a worker", async () => {
    const d = await desk()
    const { kernel, staff, residents } = d
    await kernel.exec(
      Core.commands.grantRole({
        district: DISTRICT,
        userId: "u-boai-admin",
        role: "community_admin",
        level: "community",
        scopePath: paths.boai
      }),
      system
    )
    const boaiAdmin = await kernel.actorFor("u-boai-admin")
    // Received at the community window from the paper records, by the system: no worker answers for it yet.
    const fromPaper = await at(
      received,
      kernel.run(
        Services.commands.receive({
          district: DISTRICT,
          resident: residents.zhao,
          service: "social_security",
          level: "community",
          summary: "养老保险关系转移"
        }),
        system
      )
    )
    const morning = shanghai("2024-10-08T09:00")
    const reassign = (request: string, actor: Actor.Actor, to: string) =>
      kernel.run(Services.commands.reassign({ district: DISTRICT, request, to, reason: "指定承办人" }), actor)

    // Liu works at the community, the request's own level: not above it.
    expect(await refusalAt(morning, reassign(fromPaper.id, staff.liu, "u-liu"))).toMatchObject({
      code: ServicesCode.NotAbove,
      subject: "u-liu"
    })
    await at(morning, reassign(fromPaper.id, boaiAdmin, "u-liu"))
    expect(
      await kernel.exec(Services.queries.request({ district: DISTRICT, id: fromPaper.id }), staff.liu)
    ).toMatchObject({ level: "community", owner: "u-liu" })

    // Zhao's request at the grid climbs to the community, where nobody takes it: the street gives it to Liu.
    const climbed = await receiveAt(d, received, staff.wang, residents.zhao)
    await kernel.tick(shanghai("2024-10-11T00:30"))
    await at(shanghai("2024-10-11T09:00"), reassign(climbed.id, staff.ma, "u-liu"))
    const request = await kernel.exec(Services.queries.request({ district: DISTRICT, id: climbed.id }), staff.liu)
    expect(request).toMatchObject({ level: "community", owner: "u-liu" })
    expect(request.owners.map((o) => [o.owner, o.level, o.kind, o.previous])).toEqual([
      ["u-wang", "grid", "received", null],
      ["u-liu", "community", "reassigned", null]
    ])
  })

  it("a removal set for a day to come can be set again, a service off the menu is refused until defined again", async () => {
    const { kernel, staff, residents } = await desk()
    const remove = (code: string, from: string) =>
      kernel.run(Services.commands.removeService({ district: DISTRICT, code, from }), staff.centre)
    const menuAt = (instant: Date) => at(instant, kernel.run(Services.queries.menu({ district: DISTRICT }), staff.wang))
    const health = (items: ReadonlyArray<{ readonly code: string }>) => items.find((item) => item.code === "health")
    const october = shanghai("2024-10-08T09:00")

    await at(october, remove("health", "2024-10-20"))
    await at(october, remove("health", "2024-11-01"))
    expect(health(await menuAt(october))).toMatchObject({ removedOn: "2024-11-01" })

    const november = shanghai("2024-11-04T09:00")
    expect(health(await menuAt(november))).toBeUndefined()
    expect(await refusalAt(november, remove("health", "2024-11-05"))).toMatchObject({
      code: ServicesCode.NotOnMenu,
      subject: "health"
    })
    expect(await refusalAt(november, remove("elderly_care", "2024-11-05"))).toMatchObject({
      code: ServicesCode.NotOnMenu,
      subject: "elderly_care"
    })
    const receiveHealth = kernel.run(
      Services.commands.receive({
        district: DISTRICT,
        resident: residents.zhao,
        service: "health",
        level: "grid",
        summary: "家庭医生签约"
      }),
      staff.wang
    )
    const refusal = await refusalAt(november, receiveHealth)
    expect(refusal).toMatchObject({ code: ServicesCode.NotOnMenu, subject: "health" })
    expect((refusal as { text: { en: string } }).text.en).toBe(
      "Service health was taken off the district's menu on 2024-11-01"
    )

    await at(
      november,
      kernel.run(
        Services.commands.defineService({
          district: DISTRICT,
          code: "health",
          label: { "zh-CN": "卫生健康", en: "Health" },
          workingDays: { grid: 2, community: 5, street: 7, district: 10 },
          roles: ["grid_worker", "community_worker"]
        }),
        staff.centre
      )
    )
    expect(health(await menuAt(november))).toEqual({
      code: "health",
      label: { "zh-CN": "卫生健康", en: "Health" },
      workingDays: { grid: 2, community: 5, street: 7, district: 10 },
      roles: ["community_worker", "grid_worker"],
      definedBy: "district"
    })
    expect(await at(november, receiveHealth)).toMatchObject({ level: "grid", deadline: endOf("2024-11-06") })
  })

  it("the sweep reads only the due requests, through the due index", async () => {
    const storage = sqliteStorage({ filename: ":memory:" })
    await serviceDesk(storage)
    const tx = await storage.begin("read")
    try {
      const query = dueQuery(tx.db, DISTRICT, shanghai("2024-10-11T00:30")).compile()
      const plan = await tx.db.executeQuery(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]))
      const steps = plan.rows.map((row) => String((row as { detail: unknown }).detail))
      expect(steps).toEqual([expect.stringMatching(/^SEARCH services_request USING INDEX services_request_due_idx/)])
    } finally {
      await tx.rollback()
    }
  })
})
