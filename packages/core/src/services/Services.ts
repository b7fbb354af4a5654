/**
 * The service desk (`services`): a menu of services (菜单式服务) a resident asks
 * for at one window, handled by one worker (一窗口办结): the first worker the
 * request reaches owns it (首问负责制), every request has a deadline in working
 * days (限时办结制), a lapsed deadline leaves a record against whoever held it
 * (责任追究制), and a request climbs grid -> community -> street -> the district
 * command centre only when the level below cannot settle it ("小事不出网格,
 * 大事不出社区").
 *
 * @since 0.3.0
 */
import { definePlugin } from "../Plugin.js"
import { escalate, escalateOverdue } from "./Escalation.js"
import { levelLabels } from "./Levels.js"
import { defaultMenu, defineService, menu, removeService } from "./Menu.js"
import { migrations } from "./migrations.js"
import { handOver, reassign, take } from "./Ownership.js"
import { report, request, requests } from "./Queries.js"
import { ServicesCode } from "./Refused.js"
import { addNote, complete, receive } from "./Requests.js"

const staff = [
  "district_admin",
  "street_admin",
  "community_admin",
  "community_worker",
  "grid_leader",
  "grid_worker",
  "assistant"
]

// Those who can stand above a request: every level but the grid's.
const aboveTheGrid = ["district_admin", "street_admin", "community_admin", "community_worker"]

/**
 * The service desk module. Its commands and queries run like any plugin's; its
 * sweep runs from `kernel.tick(at)`.
 *
 * @example
 * ```ts
 * import { Actor, Core, Registry, Services, makeKernel } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 * import { Effect, TestClock, TestContext } from "effect"
 *
 * // The PRC's holidays are the default calendar: deadlines count working days in Asia/Shanghai.
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), secrets: { key: "0".repeat(64) } })
 * const setup = Actor.system("setup")
 * const district = "230503"
 * await kernel.exec(Core.commands.registerDistrict({ code: district, name: "岭东区" }), setup)
 * await kernel.exec(
 *   Registry.commands.registerStreet({ district, code: "230503001", name: "中心街道", kind: "street_office" }),
 *   setup
 * )
 * await kernel.exec(
 *   Registry.commands.registerCommunity({ district, street: "230503001", code: "230503001001", name: "博爱社区" }),
 *   setup
 * )
 * await kernel.exec(
 *   Registry.commands.registerGrid({ district, community: "230503001001", code: "230503001001001", name: "第1网格" }),
 *   setup
 * )
 * await kernel.exec(
 *   Registry.commands.registerBuilding({ district, compound: "博爱小区", name: "1号楼", grid: "230503001001001" }),
 *   setup
 * )
 * const { id: resident } = await kernel.exec(
 *   Registry.commands.registerResident({
 *     district,
 *     document: { type: "resident_id_card", number: "230503194803120514" },
 *     name: "赵大爷",
 *     address: { compound: "博爱小区", building: "1号楼", unit: "1", flat: "101" },
 *     relation: "户主"
 *   }),
 *   setup
 * )
 * const grid = "230503/230503001/230503001001/230503001001001/"
 * await kernel.exec(
 *   Core.commands.grantRole({ district, userId: "u-wang", role: "grid_worker", level: "grid", scopePath: grid }),
 *   setup
 * )
 * const wang = await kernel.actorFor("u-wang")
 *
 * // The kernel's clock decides when a request is received; pinned here to replay the eve of National Day 2024.
 * const at = <A, E>(time: string, effect: Effect.Effect<A, E>) =>
 *   Effect.runPromise(
 *     TestClock.setTime(Date.parse(time)).pipe(Effect.zipRight(effect), Effect.provide(TestContext.TestContext))
 *   )
 * const { id, deadline } = await at(
 *   "2024-09-30T10:00:00+08:00",
 *   kernel.run(
 *     Services.commands.receive({ district, resident, service: "social_assistance", level: "grid", summary: "申请临时救助" }),
 *     wang
 *   )
 * )
 * console.log(deadline.toISOString()) // 2024-10-10T15:59:59.999Z: 1-7 October are off
 *
 * // Not done by then: the sweep records the lapse against Wang, and the request climbs to the community.
 * await kernel.tick(new Date("2024-10-11T00:30:00+08:00"))
 * const request = await kernel.exec(Services.queries.request({ district, id }), wang)
 * console.log(request.level, request.owner, request.lapses[0]?.heldBy) // community null u-wang
 * await kernel.close()
 * ```
 * @since 0.3.0
 */
export const Services = definePlugin({
  name: "services",
  version: "0.3.0",
  migrations,
  scopedTables: {
    services_request: { by: "grid", column: "grid_id" },
    services_ownership: { by: "grid", column: "grid_id" },
    services_note: { by: "grid", column: "grid_id" },
    services_escalation: { by: "grid", column: "grid_id" },
    services_accountability: { by: "grid", column: "grid_id" }
  },
  commands: { defineService, removeService, receive, take, handOver, reassign, addNote, escalate, complete },
  queries: { menu, request, requests, report },
  jobs: { escalateOverdue },
  policies: {
    defineService: ["district_admin"],
    removeService: ["district_admin"],
    receive: staff,
    take: staff,
    handOver: staff,
    reassign: aboveTheGrid,
    addNote: staff,
    escalate: staff,
    complete: staff,
    menu: staff,
    request: staff,
    requests: staff,
    report: staff
  },
  labels: {
    "services.service-defined": { "zh-CN": "设定服务事项", en: "Service defined" },
    "services.service-removed": { "zh-CN": "撤下服务事项", en: "Service taken off the menu" },
    "services.request-received": { "zh-CN": "受理诉求", en: "Request received" },
    "services.request-taken": { "zh-CN": "承接诉求", en: "Request taken" },
    "services.request-handed-over": { "zh-CN": "移交诉求", en: "Request handed over" },
    "services.request-reassigned": { "zh-CN": "改派诉求", en: "Request reassigned" },
    "services.note-added": { "zh-CN": "添加备注", en: "Note added" },
    "services.request-escalated": { "zh-CN": "上报诉求", en: "Request escalated" },
    "services.deadline-lapsed": { "zh-CN": "办理超时", en: "Deadline lapsed" },
    "services.request-completed": { "zh-CN": "办结诉求", en: "Request completed" },
    ...Object.fromEntries(defaultMenu.map((item) => [`services.service.${item.code}`, item.label])),
    ...Object.fromEntries(Object.entries(levelLabels).map(([level, label]) => [`services.level.${level}`, label])),
    [ServicesCode.NotOnMenu]: { "zh-CN": "服务不在菜单上", en: "Service not on the menu" },
    [ServicesCode.ReasonRequired]: { "zh-CN": "须说明原因", en: "A reason is required" },
    [ServicesCode.NotAResident]: { "zh-CN": "非本区居民", en: "Not living in the district" },
    [ServicesCode.NotAHandler]: { "zh-CN": "无权办理该服务", en: "Does not handle the service" },
    [ServicesCode.NotOwner]: { "zh-CN": "非承办人", en: "Not the owner" },
    [ServicesCode.AlreadyOwned]: { "zh-CN": "已有承办人", en: "Already owned" },
    [ServicesCode.HandoverToOwner]: { "zh-CN": "不能移交给本人", en: "Handed over to its owner" },
    [ServicesCode.Closed]: { "zh-CN": "诉求已办结", en: "Request done" },
    [ServicesCode.TopLevel]: { "zh-CN": "已是最高一级", en: "Already at the top level" },
    [ServicesCode.LapsePending]: { "zh-CN": "超时待记录", en: "Lapse not yet recorded" },
    [ServicesCode.Changed]: { "zh-CN": "诉求已被更改", en: "Request changed meanwhile" },
    [ServicesCode.OwnerInPost]: { "zh-CN": "承办人仍在岗", en: "Owner still in post" },
    [ServicesCode.NotAbove]: { "zh-CN": "非上级不能改派", en: "Not above the request's level" },
    [ServicesCode.BackDated]: { "zh-CN": "菜单变更不能倒签", en: "Menu change back-dated" }
  }
})
