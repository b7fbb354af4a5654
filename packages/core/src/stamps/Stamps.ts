/**
 * The stamps module (`stamps`): the whitelist of what a community stamps, the
 * plaques it hangs and the work it takes on from other departments, and every
 * request checked against it ("社区盖章事项由90项减至8项", 社区工作准入制度).
 *
 * @since 0.3.0
 */
import { definePlugin } from "../Plugin.js"
import { migrations } from "./migrations.js"
import { report } from "./Report.js"
import { acceptWork, hangPlaque, recordRefusal, stamp } from "./Requests.js"
import { publishWhitelist, versions, whitelist, whitelistVersion } from "./Whitelist.js"

const communityDesk = ["community_admin", "community_worker"]
const communityStaff = ["district_admin", "street_admin", ...communityDesk]

/**
 * The stamps module. The district publishes its whitelist in versions, each
 * from a date; a community's worker puts every request through it; what it
 * refuses is counted.
 *
 * @example
 * ```ts
 * import { Actor, Core, lingdongWhitelist, makeKernel, Registry, StampRefused, Stamps } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 *
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }) })
 * const setup = Actor.system("setup")
 * await kernel.exec(Core.commands.registerDistrict({ code: "230503", name: "岭东区" }), setup)
 * await kernel.exec(
 *   Registry.commands.registerStreet({ district: "230503", code: "230503002", name: "东山街道", kind: "street_office" }),
 *   setup
 * )
 * await kernel.exec(
 *   Registry.commands.registerCommunity({ district: "230503", street: "230503002", code: "230503002001", name: "博爱社区" }),
 *   setup
 * )
 * // The district publishes its lists; a host's district_admin would, here the setup does.
 * await kernel.exec(
 *   Stamps.commands.publishWhitelist({ district: "230503", effectiveOn: "2019-07-01", ...lingdongWhitelist }),
 *   setup
 * )
 * const worker: Actor.Actor = {
 *   id: "wang.li",
 *   kind: "user",
 *   roles: [{ role: "community_worker", district: "230503", level: "community", scopePath: "230503/230503002/230503002001/" }]
 * }
 * const ask = (item: string) =>
 *   kernel.exec(Stamps.commands.stamp({ district: "230503", community: "230503002001", item, department: "区民政局" }), worker)
 *
 * await ask("low_income_first_opinion") // on the list: stamped and recorded, { id, version: 1 }
 * try {
 *   await ask("residence_proof") // 居住证明, one of the items the case cut
 * } catch (error) {
 *   if (error instanceof StampRefused) console.log(error.code, error.version, error.text["zh-CN"])
 * }
 * // Both are counted, by month, item and department.
 * console.log(await kernel.exec(Stamps.queries.report({ district: "230503" }), setup))
 * await kernel.close()
 * ```
 * @since 0.3.0
 */
export const Stamps = definePlugin({
  name: "stamps",
  version: "0.3.0",
  migrations,
  commands: { publishWhitelist, stamp, hangPlaque, acceptWork },
  queries: { whitelist, whitelistVersion, versions, report },
  on: { "stamps.refused": recordRefusal },
  policies: {
    publishWhitelist: ["district_admin"],
    stamp: communityDesk,
    hangPlaque: communityDesk,
    acceptWork: communityDesk,
    whitelist: [...communityStaff, "grid_leader", "grid_worker", "assistant"],
    whitelistVersion: [...communityStaff, "grid_leader", "grid_worker", "assistant"],
    versions: [...communityStaff, "grid_leader", "grid_worker", "assistant"],
    report: communityStaff
  },
  labels: {
    "stamps.whitelist-published": { "zh-CN": "发布社区盖章事项白名单", en: "Whitelist published" },
    "stamps.granted": { "zh-CN": "准予盖章、挂牌或承接工作", en: "Request granted" },
    "stamps.refused": { "zh-CN": "拒绝盖章、挂牌或承接工作", en: "Request refused" },
    "STAMPS.ITEM_NOT_WHITELISTED": { "zh-CN": "盖章事项不在白名单内", en: "Stamp item not on the whitelist" },
    "STAMPS.PLAQUE_NOT_ALLOWED": { "zh-CN": "牌子不在社区挂牌清单内", en: "Plaque not on the list" },
    "STAMPS.WORK_NOT_ADMITTED": { "zh-CN": "工作不在社区工作准入清单内", en: "Work not on the access list" },
    "STAMPS.NO_VERSION_IN_FORCE": { "zh-CN": "当日没有施行中的白名单", en: "No whitelist in force on the date" },
    "STAMPS.VERSION_BACKDATED": {
      "zh-CN": "新版本不能改写已作出决定的日期",
      en: "A version cannot rewrite decided dates"
    },
    "STAMPS.REQUEST_IN_FUTURE": { "zh-CN": "申请日期晚于今天", en: "Request dated after today" },
    "STAMPS.CODE": { "zh-CN": "代码格式不正确", en: "Malformed code" },
    "STAMPS.DUPLICATE_ENTRY": { "zh-CN": "同一版本中重复列出", en: "Entry listed twice in one version" }
  }
})
