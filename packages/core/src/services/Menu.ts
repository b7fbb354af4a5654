/**
 * The menu of services (菜单式服务): what a resident can ask the desk for, each
 * with its time limit in working days at every level and the roles that may
 * handle it. Five services are on every district's menu (employment, social
 * security, social assistance, public security, health); a district adds its
 * own, or redefines one of the five, with `defineService`, and takes one off
 * from a day on with `removeService`.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { type Actor, covers, CurrentActor, type RoleGrant } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Text } from "../Errors.js"
import * as Events from "../Events.js"
import { command, query } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { IsoDate, todayInChina } from "../registry/Places.js"
import { levelLabels, type ServiceLevel } from "./Levels.js"
import { refused, ServicesCode } from "./Refused.js"

/**
 * A service's code: lower-case letters, digits and `_`.
 *
 * @since 0.3.0
 */
export const ServiceCode = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{1,39}$/),
  Problems.explain({
    code: "SERVICES.SERVICE_CODE",
    "zh-CN": "服务代码应为 2 至 40 位小写字母、数字或 _，以字母开头",
    en: "A service code is 2 to 40 lower-case letters, digits or _, starting with a letter"
  })
)

const Days = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n >= 1 && n <= 250),
  Problems.explain({
    code: "SERVICES.WORKING_DAYS",
    "zh-CN": "办理时限应为 1 至 250 个工作日",
    en: "A time limit is 1 to 250 working days"
  })
)

/**
 * A service's time limit at each level, in working days: counted at the grid
 * from the day after receipt, and at each level above from the day after the
 * deadline below lapsed (or the day it was escalated by hand).
 *
 * @since 0.3.0
 */
export const WorkingDays = Schema.Struct({ grid: Days, community: Days, street: Days, district: Days })

/** @since 0.3.0 */
export type WorkingDays = typeof WorkingDays.Type

const Label = Schema.Struct({ "zh-CN": Schema.NonEmptyTrimmedString, en: Schema.NonEmptyTrimmedString })

const Role = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]*$/),
  Problems.explain({
    code: "SERVICES.ROLE",
    "zh-CN": "角色名应为小写字母、数字或 _",
    en: "A role is lower-case letters, digits or _"
  })
)

/**
 * A service on a district's menu.
 *
 * @since 0.3.0
 */
export interface ServiceMenuItem {
  readonly code: string
  readonly label: Text
  readonly workingDays: WorkingDays
  /** The roles that may handle it, each at the level its grant is held at. */
  readonly roles: ReadonlyArray<string>
  /** Whether the item is one of the five every district has, as shipped, or the district's own definition. */
  readonly definedBy: "default" | "district"
  /**
   * The day the district takes the service off its menu, when it does: from
   * then on new requests for it are refused, while those received before carry
   * on to completion.
   */
  readonly removedOn?: string
}

const staff = ["grid_leader", "grid_worker", "community_worker", "community_admin", "street_admin", "district_admin"]
const limits: WorkingDays = { grid: 3, community: 5, street: 7, district: 10 }

const item = (code: string, label: Text, roles: ReadonlyArray<string> = staff): ServiceMenuItem => ({
  code,
  label,
  workingDays: limits,
  roles,
  definedBy: "default"
})

/**
 * The five services on every district's menu, with three working days at the
 * grid, five at the community, seven at the street and ten at the district
 * command centre. Assistants (协管员) handle public security too, as the grid's
 * patrols do.
 *
 * @since 0.3.0
 */
export const defaultMenu: ReadonlyArray<ServiceMenuItem> = [
  item("employment", { "zh-CN": "就业", en: "Employment" }),
  item("social_security", { "zh-CN": "社会保障", en: "Social security" }),
  item("social_assistance", { "zh-CN": "社会救助", en: "Social assistance" }),
  item("public_security", { "zh-CN": "社会治安", en: "Public security" }, [...staff, "assistant"]),
  item("health", { "zh-CN": "卫生健康", en: "Health" })
]

const fromRow = (row: Readonly<Record<string, unknown>>): ServiceMenuItem => ({
  code: String(row.code),
  label: { "zh-CN": String(row.label_zh), en: String(row.label_en) },
  workingDays: {
    grid: Number(row.grid_days),
    community: Number(row.community_days),
    street: Number(row.street_days),
    district: Number(row.district_days)
  },
  roles: String(row.roles).split(" "),
  definedBy: "district",
  ...(row.removed_on === null ? {} : { removedOn: String(row.removed_on) })
})

/** Whether the item is on the menu on `date` (YYYY-MM-DD): not yet removed by then. */
const onMenuOn = (item: ServiceMenuItem, date: string) => item.removedOn === undefined || item.removedOn > date

const districtItems = (district: string, code?: string) =>
  Db.use((db) => {
    let select = db.selectFrom("services_menu_item").selectAll().where("district_code", "=", district)
    if (code !== undefined) select = select.where("code", "=", code)
    return select.orderBy("code").execute()
  }).pipe(Effect.map((rows) => rows.map(fromRow)))

const notOnMenu = (code: string, removedOn?: string) =>
  refused(
    ServicesCode.NotOnMenu,
    removedOn === undefined
      ? { "zh-CN": `服务 ${code} 不在本区的服务菜单上`, en: `Service ${code} is not on the district's menu` }
      : {
          "zh-CN": `服务 ${code} 已于 ${removedOn} 从本区的服务菜单上撤下`,
          en: `Service ${code} was taken off the district's menu on ${removedOn}`
        },
    code
  )

/**
 * A service the district's menu has, or had: a request received before the
 * service was taken off the menu is still handled under it. `SERVICES.NOT_ON_MENU`
 * for a service the district never had.
 *
 * @since 0.3.0
 */
export const serviceOf = (district: string, code: string) =>
  Effect.flatMap(districtItems(district, code), ([own]) => {
    const found = own ?? defaultMenu.find((i) => i.code === code)
    return found === undefined ? Effect.fail(notOnMenu(code)) : Effect.succeed(found)
  })

/**
 * A service on the district's menu today (Asia/Shanghai), as a new request
 * needs it, or `SERVICES.NOT_ON_MENU`, naming the day it was taken off if it was.
 *
 * @since 0.3.0
 */
export const offered = (district: string, code: string) =>
  Effect.gen(function* () {
    const item = yield* serviceOf(district, code)
    return onMenuOn(item, yield* todayInChina) ? item : yield* notOnMenu(code, item.removedOn)
  })

/**
 * Whether one of these grants lets its holder handle `item` for a request of
 * the grid at `gridPath` at `level`: a role the item names, held at that level,
 * over a scope that covers the grid.
 *
 * @since 0.3.0
 */
export const handles = (
  grants: ReadonlyArray<Pick<RoleGrant, "role" | "district" | "level" | "scopePath">>,
  item: ServiceMenuItem,
  district: string,
  level: ServiceLevel,
  gridPath: string
): boolean =>
  grants.some((g) => g.district === district && g.level === level && item.roles.includes(g.role) && covers(g, gridPath))

/**
 * Fails with `SERVICES.NOT_A_HANDLER` unless the actor may handle `item` at
 * `level` for the grid at `gridPath`. The system actor (the CLI, an import)
 * handles everything, as it may run everything.
 *
 * @since 0.3.0
 */
export const mayHandle = (
  actor: Actor,
  item: ServiceMenuItem,
  district: string,
  level: ServiceLevel,
  gridPath: string
) =>
  actor.kind === "system" || handles(actor.roles, item, district, level, gridPath)
    ? Effect.void
    : Effect.fail(
        refused(
          ServicesCode.NotAHandler,
          {
            "zh-CN": `${actor.id} 不能在${levelLabels[level]["zh-CN"]}办理${item.label["zh-CN"]}服务`,
            en: `${actor.id} does not handle ${item.label.en} at the ${levelLabels[level].en.toLowerCase()}`
          },
          actor.id
        )
      )

/**
 * Adds a service to the district's menu, or redefines one already on it
 * (including one of the five every district has): its labels, its time limit at
 * each level and the roles that handle it. Requests already received keep the
 * time limits they were received with. A service taken off the menu is back on
 * it once defined again.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Services.commands.defineService({
 *     district: "230503",
 *     code: "elderly_care",
 *     label: { "zh-CN": "居家养老", en: "Home elderly care" },
 *     workingDays: { grid: 2, community: 3, street: 5, district: 7 },
 *     roles: ["grid_worker", "community_worker", "street_admin", "district_admin"]
 *   }),
 *   districtAdmin
 * )
 * ```
 * @since 0.3.0
 */
export const defineService = command({
  input: Schema.Struct({
    district: DistrictCode,
    code: ServiceCode,
    label: Label,
    workingDays: WorkingDays,
    roles: Schema.NonEmptyArray(Role)
  }),
  target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
  run: (input) =>
    Effect.gen(function* () {
      const actor = yield* CurrentActor
      const definedAt = yield* now
      const roles = [...new Set(input.roles)].sort()
      const values = {
        label_zh: input.label["zh-CN"],
        label_en: input.label.en,
        grid_days: input.workingDays.grid,
        community_days: input.workingDays.community,
        street_days: input.workingDays.street,
        district_days: input.workingDays.district,
        roles: roles.join(" "),
        defined_by: actor.id,
        defined_at: definedAt,
        removed_on: null
      }
      yield* Db.use((db) =>
        db
          .insertInto("services_menu_item")
          .values({ district_code: input.district, code: input.code, ...values })
          .onConflict((oc) => oc.columns(["district_code", "code"]).doUpdateSet(values))
          .execute()
      )
      yield* Events.append({
        type: "services.service-defined",
        district: input.district,
        scopePath: `${input.district}/`,
        subject: input.code,
        payload: { code: input.code, label: input.label, workingDays: input.workingDays, roles }
      })
    })
})

/**
 * Takes a service off the district's menu from a day on (today, or a day to
 * come): from that day new requests for it are refused with
 * `SERVICES.NOT_ON_MENU`, while requests received before carry on to
 * completion, handed over, escalated and swept as before. A removal set for a
 * day to come may be set again for another; `defineService` puts the service
 * back on the menu.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Services.commands.removeService({ district: "230503", code: "health", from: "2025-01-01" }),
 *   districtAdmin
 * )
 * ```
 * @since 0.3.0
 */
export const removeService = command({
  input: Schema.Struct({
    district: DistrictCode,
    code: ServiceCode,
    /** The first day the service is off the menu. */
    from: IsoDate
  }),
  target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
  run: (input) =>
    Effect.gen(function* () {
      const item = yield* offered(input.district, input.code)
      const today = yield* todayInChina
      if (input.from < today) {
        return yield* refused(
          ServicesCode.BackDated,
          {
            "zh-CN": `撤下日期 ${input.from} 早于今天 ${today}：服务菜单的变更不能倒签`,
            en: `The day ${input.from} is before today, ${today}: a change of the menu is not back-dated`
          },
          input.code
        )
      }
      const actor = yield* CurrentActor
      const definedAt = yield* now
      // One of the five the district never redefined gets a row of its own, as shipped, to carry the removal.
      yield* Db.use((db) =>
        db
          .insertInto("services_menu_item")
          .values({
            district_code: input.district,
            code: item.code,
            label_zh: item.label["zh-CN"],
            label_en: item.label.en,
            grid_days: item.workingDays.grid,
            community_days: item.workingDays.community,
            street_days: item.workingDays.street,
            district_days: item.workingDays.district,
            roles: [...item.roles].sort().join(" "),
            defined_by: actor.id,
            defined_at: definedAt,
            removed_on: input.from
          })
          .onConflict((oc) => oc.columns(["district_code", "code"]).doUpdateSet({ removed_on: input.from }))
          .execute()
      )
      yield* Events.append({
        type: "services.service-removed",
        district: input.district,
        scopePath: `${input.district}/`,
        subject: input.code,
        payload: { code: input.code, from: input.from }
      })
    })
})

/**
 * The district's menu today (Asia/Shanghai): the five every district has (as
 * the district defined them, if it did) and the district's own, by code; a
 * service the district has taken off is not on it, one it takes off on a day to
 * come is, with that day.
 *
 * @since 0.3.0
 */
export const menu = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const own = yield* districtItems(input.district)
      const today = yield* todayInChina
      const codes = new Set(own.map((i) => i.code))
      const items: ReadonlyArray<ServiceMenuItem> = [...own, ...defaultMenu.filter((i) => !codes.has(i.code))]
      return items.filter((i) => onMenuOn(i, today)).sort((a, b) => a.code.localeCompare(b.code))
    })
})
