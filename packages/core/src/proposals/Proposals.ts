/**
 * The proposals module (`proposals`): residents' proposals (居民提案制), their
 * authors, supports and states. The deliberation that moves them (meetings,
 * hearings, deputies' answers) is a plugin's, built on these commands and
 * events and on states it adds with `extendProposalStates`.
 *
 * @since 0.3.0
 */
import { definePlugin } from "../Plugin.js"
import { changeState } from "./Changes.js"
import { migrations } from "./migrations.js"
import { proposal, proposalsOf } from "./Queries.js"
import { raiseProposal } from "./Raise.js"
import { support } from "./Supports.js"

const aboveGrid = ["district_admin", "street_admin", "community_admin", "community_worker"]
const staff = [...aboveGrid, "grid_leader", "grid_worker", "assistant"]

/**
 * The proposals module. Staff raise a proposal for its resident authors and
 * record residents' supports; community staff and those above change its
 * state, always with a reason.
 *
 * @example
 * ```ts
 * import { Actor, Core, makeKernel, Proposals, Registry, TransitionNotAllowed } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 *
 * // Residents are registered with their ID numbers, which need the host's key.
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), secrets: { key: "0".repeat(64) } })
 * const setup = Actor.system("setup")
 * const district = "230503"
 * await kernel.exec(Core.commands.registerDistrict({ code: district, name: "岭东区" }), setup)
 * await kernel.exec(Registry.commands.registerStreet({ district, code: "230503002", name: "东山街道", kind: "street_office" }), setup)
 * await kernel.exec(Registry.commands.registerCommunity({ district, street: "230503002", code: "230503002001", name: "博爱社区" }), setup)
 * await kernel.exec(Registry.commands.registerGrid({ district, community: "230503002001", code: "230503002001001", name: "第1网格" }), setup)
 * await kernel.exec(Registry.commands.registerBuilding({ district, compound: "博爱家园", name: "3号楼", grid: "230503002001001" }), setup)
 * const resident = (number: string, name: string, flat: string) =>
 *   kernel.exec(
 *     Registry.commands.registerResident({
 *       district,
 *       document: { type: "resident_id_card", number },
 *       name,
 *       address: { compound: "博爱家园", building: "3号楼", unit: "1", flat },
 *       household: `BA-${flat}`,
 *       relation: "户主"
 *     }),
 *     setup
 *   )
 * const zhao = await resident("230503194501010520", "赵一", "101")
 * const qian = await resident("230503194702020637", "钱二", "102")
 *
 * const worker: Actor.Actor = {
 *   id: "li.na",
 *   kind: "user",
 *   roles: [{ role: "community_worker", district, level: "community", scopePath: "230503/230503002/230503002001/" }]
 * }
 * const { id } = await kernel.exec(
 *   Proposals.commands.raiseProposal({
 *     district,
 *     community: "230503002001",
 *     grid: "230503002001001",
 *     title: "3号楼前增设非机动车停车棚",
 *     text: "电动车在楼道内充电，存在火灾隐患，建议在3号楼前空地建停车棚并接入充电桩。",
 *     category: "公共设施",
 *     authors: [zhao.id]
 *   }),
 *   worker
 * )
 * await kernel.exec(Proposals.commands.support({ district, proposal: id, resident: qian.id }), worker)
 * await kernel.exec(
 *   Proposals.commands.changeState({ district, proposal: id, to: "under_deliberation", reason: "列入5月居民议事会" }),
 *   worker
 * )
 * try {
 *   await kernel.exec(Proposals.commands.changeState({ district, proposal: id, to: "adopted", reason: "直接采纳" }), worker)
 * } catch (error) {
 *   if (error instanceof TransitionNotAllowed) console.log(error.from, error.to, error.allowed)
 * }
 * const record = await kernel.exec(Proposals.queries.proposal({ district, id }), worker)
 * console.log(record.state, record.supports, record.history.map((c) => `${c.from ?? "-"} -> ${c.to}: ${c.reason ?? ""}`))
 * await kernel.close()
 * ```
 * @since 0.3.0
 */
export const Proposals = definePlugin({
  name: "proposals",
  version: "0.3.0",
  migrations,
  referenceTables: ["proposals_state", "proposals_transition"],
  scopedTables: { proposals_proposal: { by: "grid", column: "grid_id" } },
  commands: { raiseProposal, support, changeState },
  queries: { proposal, proposalsOf },
  policies: {
    raiseProposal: staff,
    support: staff,
    changeState: aboveGrid,
    proposal: staff,
    proposalsOf: staff
  },
  labels: {
    "proposals.raised": { "zh-CN": "提出提案", en: "Proposal raised" },
    "proposals.supported": { "zh-CN": "居民附议", en: "Proposal supported" },
    "proposals.state-changed": { "zh-CN": "提案状态变更", en: "Proposal state changed" },
    "proposals.state.raised": { "zh-CN": "已提出", en: "Raised" },
    "proposals.state.under_deliberation": { "zh-CN": "议事协商中", en: "Under deliberation" },
    "proposals.state.settled": { "zh-CN": "已办结", en: "Settled" },
    "proposals.state.submitted_upward": { "zh-CN": "已提交上级", en: "Submitted upward" },
    "proposals.state.adopted": { "zh-CN": "已确定为利民实事", en: "Adopted" },
    "proposals.state.withdrawn": { "zh-CN": "已撤回", en: "Withdrawn" },
    "proposals.state.rejected": { "zh-CN": "不予采纳", en: "Rejected" },
    "PROPOSALS.ALREADY_SUPPORTED": { "zh-CN": "该居民已附议", en: "Already supported by this resident" },
    "PROPOSALS.TRANSITION_NOT_ALLOWED": { "zh-CN": "不允许的状态变更", en: "State change not allowed" },
    "PROPOSALS.NOT_IN_COMMUNITY": { "zh-CN": "不是提案所在社区的居民", en: "Not a resident of the community" },
    "PROPOSALS.CLOSED": { "zh-CN": "提案已终结", en: "Proposal closed" },
    "PROPOSALS.PLACE_NOT_IN_COMMUNITY": {
      "zh-CN": "网格或小区不在该社区内",
      en: "Grid or compound not in the community"
    },
    "PROPOSALS.AUTHOR_NOT_RESIDENT": { "zh-CN": "提案人不是本社区居民", en: "Author not a resident of the community" },
    "PROPOSALS.REASON": { "zh-CN": "须说明理由", en: "Reason required" },
    "PROPOSALS.GRID_OR_COMPOUND": { "zh-CN": "网格与小区只能填一项", en: "A grid or a compound, not both" },
    "PROPOSALS.STATE": { "zh-CN": "状态代码格式不正确", en: "Malformed state" }
  }
})
