/**
 * The party organisation (`party`), one of core's modules after the registry:
 * grand party committees over communities with their member units, the tree
 * of party organisations, a party cell per grid with its central households
 * and the neighbours they look after, members and their check-in with a
 * community (pledge and service), star rating, and the regular meetings.
 * It follows the registry's moves: a central household moved out of its
 * cell's grid stands down by itself.
 *
 * @since 0.3.0
 */
import { definePlugin } from "../Plugin.js"
import {
  appointCentralHousehold,
  endCentralHousehold,
  setCentralHouseholdLimit,
  setNeighbours
} from "./CentralHouseholds.js"
import { cell, formCell, moveCell } from "./Cells.js"
import { checkIn, checkInFigures, endCheckIn, pledges, recordService } from "./CheckIns.js"
import {
  addCommitteeCommunities,
  committees,
  createCommittee,
  joinCommittee,
  leaveCommittee,
  removeCommitteeCommunities
} from "./Committees.js"
import { attendance, recordMeeting, roll } from "./Meetings.js"
import { members, registerMember, transferMember } from "./Members.js"
import { migrations } from "./migrations.js"
import { followRegistry } from "./Moves.js"
import { dissolveOrganisation, moveOrganisation, organisations, registerOrganisation } from "./Organisations.js"
import { defineStarScheme, enterScore, reviseStarScheme, stars } from "./Stars.js"
import { vocabularyLabels } from "./Vocabulary.js"

// Who runs the organisation: the organisation department and the community party secretaries.
const organisers = ["district_admin", "street_admin", "community_admin"]
const communityStaff = [...organisers, "community_worker"]
// Who records what members do, each within their own scope: a grid's staff in their grid.
const recorders = [...communityStaff, "grid_leader", "grid_worker", "assistant"]

/**
 * The party module. Run its commands like any plugin's; this example runs as
 * written, from an empty database to the year's check-in figures.
 *
 * @example
 * ```ts
 * import { Actor, Core, makeKernel, Party, Registry } from "@shequ/core"
 * import { sqliteStorage } from "@shequ/adapter-sqlite"
 *
 * const district = "230503"
 * const kernel = await makeKernel({ storage: sqliteStorage({ filename: ":memory:" }), secrets: { key: "a".repeat(64) } })
 * const system = Actor.system("example")
 * await kernel.exec(Core.commands.registerDistrict({ code: district, name: "岭东区" }), system)
 * await kernel.exec(
 *   Registry.commands.registerStreet({ district, code: "230503001", name: "中山街道", kind: "street_office" }),
 *   system
 * )
 * await kernel.exec(
 *   Registry.commands.registerCommunity({ district, street: "230503001", code: "230503001001", name: "博爱社区" }),
 *   system
 * )
 * await kernel.exec(
 *   Registry.commands.registerGrid({ district, community: "230503001001", code: "230503001001001", name: "第1网格" }),
 *   system
 * )
 * await kernel.exec(
 *   Registry.commands.registerBuilding({ district, compound: "博爱小区", name: "1号楼", grid: "230503001001001" }),
 *   system
 * )
 * const zhang = await kernel.exec(
 *   Registry.commands.registerResident({
 *     district,
 *     document: { type: "resident_id_card", number: "230503195501011018" },
 *     name: "张一",
 *     address: { compound: "博爱小区", building: "1号楼", unit: "1", flat: "101" },
 *     relation: "户主",
 *     movedIn: "2019-07-01"
 *   }),
 *   system
 * )
 *
 * // The community's party secretary runs the organisation; the grid's worker records what members do.
 * const secretary: Actor.Actor = {
 *   id: "secretary@boai",
 *   kind: "user",
 *   roles: [{ role: "community_admin", district, level: "community", scopePath: "230503/230503001/230503001001/" }]
 * }
 * const gridWorker: Actor.Actor = {
 *   id: "worker@g1",
 *   kind: "user",
 *   roles: [{ role: "grid_worker", district, level: "grid", scopePath: "230503/230503001/230503001001/230503001001001/" }]
 * }
 * const branch = await kernel.exec(
 *   Party.commands.registerOrganisation({ district, name: "博爱社区党支部", kind: "branch", at: "230503001001" }),
 *   secretary
 * )
 * await kernel.exec(Party.commands.formCell({ district, grid: "230503001001001", branch: branch.id }), secretary)
 * const member = await kernel.exec(
 *   Party.commands.registerMember({
 *     district,
 *     person: zhang.id,
 *     kind: "resident",
 *     organisation: branch.id,
 *     community: "230503001001",
 *     joinedPartyOn: "1985-07-01"
 *   }),
 *   secretary
 * )
 * await kernel.exec(
 *   Party.commands.appointCentralHousehold({
 *     district,
 *     grid: "230503001001001",
 *     household: zhang.household,
 *     member: member.id
 *   }),
 *   secretary
 * )
 * const checkIn = await kernel.exec(
 *   Party.commands.checkIn({
 *     district,
 *     member: member.id,
 *     community: "230503001001",
 *     grid: "230503001001001",
 *     pledge: "每周看望一次独居老人",
 *     checkedInOn: "2020-03-02"
 *   }),
 *   gridWorker
 * )
 * await kernel.exec(
 *   Party.commands.recordService({ district, checkIn: checkIn.id, servedOn: "2020-03-09", what: "代购药品", hours: 1.5 }),
 *   gridWorker
 * )
 * const figures = await kernel.exec(
 *   Party.queries.checkInFigures({ district, from: "2020-01-01", to: "2020-12-31" }),
 *   secretary
 * )
 * console.log(figures) // [{ community: "230503001001", name: "博爱社区", kind: "resident", checkIns: 1, serving: 1, services: 1, hours: 1.5 }]
 * await kernel.close()
 * ```
 * @since 0.3.0
 */
export const Party = definePlugin({
  name: "party",
  version: "0.3.0",
  migrations,
  // Rows in a grid: the kernel filters every read of them by the reader's scope, and rewrites
  // their paths when the grid moves to another community. Check-ins, services and meetings
  // recorded at a community have no grid; their community's path is filtered the same way.
  scopedTables: {
    party_cell: { by: "grid", column: "grid_id" },
    party_central_household: { by: "grid", column: "grid_id" },
    party_neighbour: { by: "grid", column: "grid_id" },
    party_check_in: { by: "grid", column: "grid_id" },
    party_service: { by: "grid", column: "grid_id" },
    party_meeting: { by: "grid", column: "grid_id" }
  },
  commands: {
    registerOrganisation,
    moveOrganisation,
    dissolveOrganisation,
    createCommittee,
    addCommitteeCommunities,
    removeCommitteeCommunities,
    joinCommittee,
    leaveCommittee,
    formCell,
    moveCell,
    setCentralHouseholdLimit,
    appointCentralHousehold,
    setNeighbours,
    endCentralHousehold,
    registerMember,
    transferMember,
    checkIn,
    endCheckIn,
    recordService,
    defineStarScheme,
    reviseStarScheme,
    enterScore,
    recordMeeting
  },
  queries: { organisations, committees, cell, members, pledges, checkInFigures, stars, attendance, roll },
  on: followRegistry,
  policies: {
    registerOrganisation: organisers,
    moveOrganisation: organisers,
    dissolveOrganisation: organisers,
    createCommittee: organisers,
    addCommitteeCommunities: organisers,
    removeCommitteeCommunities: organisers,
    joinCommittee: organisers,
    leaveCommittee: organisers,
    formCell: organisers,
    moveCell: organisers,
    setCentralHouseholdLimit: ["district_admin"],
    appointCentralHousehold: organisers,
    setNeighbours: [...communityStaff, "grid_leader"],
    endCentralHousehold: organisers,
    registerMember: communityStaff,
    transferMember: communityStaff,
    checkIn: recorders,
    endCheckIn: recorders,
    recordService: recorders,
    defineStarScheme: organisers,
    reviseStarScheme: organisers,
    enterScore: communityStaff,
    recordMeeting: recorders,
    organisations: recorders,
    committees: recorders,
    cell: recorders,
    members: recorders,
    pledges: recorders,
    checkInFigures: recorders,
    stars: recorders,
    attendance: recorders,
    roll: recorders
  },
  labels: {
    ...vocabularyLabels,
    "party.organisation-registered": { "zh-CN": "登记党组织", en: "Party organisation registered" },
    "party.organisation-moved": { "zh-CN": "调整党组织隶属关系", en: "Party organisation moved" },
    "party.organisation-dissolved": { "zh-CN": "撤销党组织", en: "Party organisation dissolved" },
    "party.committee-created": { "zh-CN": "成立社区大党委", en: "Grand party committee set up" },
    "party.committee-communities-added": { "zh-CN": "社区纳入社区大党委", en: "Communities added to a committee" },
    "party.committee-communities-removed": {
      "zh-CN": "社区移出社区大党委",
      en: "Communities removed from a committee"
    },
    "party.unit-joined": { "zh-CN": "驻区单位党组织加入大党委", en: "Member unit joined" },
    "party.unit-left": { "zh-CN": "驻区单位党组织退出大党委", en: "Member unit left" },
    "party.cell-formed": { "zh-CN": "成立网格党小组", en: "Grid party cell formed" },
    "party.cell-moved": { "zh-CN": "网格党小组划归其他党支部", en: "Grid party cell moved to another branch" },
    "party.central-household-limit-set": {
      "zh-CN": "设定每个网格党小组的党员中心户数",
      en: "Central households per cell set"
    },
    "party.central-household-appointed": { "zh-CN": "设立党员中心户", en: "Central household appointed" },
    "party.neighbours-set": { "zh-CN": "确定党员中心户联系户", en: "Neighbours of a central household set" },
    "party.central-household-stood-down": { "zh-CN": "党员中心户卸任", en: "Central household stood down" },
    "party.neighbour-released": { "zh-CN": "解除党员中心户联系户", en: "Neighbouring household released" },
    "party.member-registered": { "zh-CN": "登记党员", en: "Party member registered" },
    "party.member-transferred": { "zh-CN": "党员组织关系转接", en: "Party member transferred" },
    "party.checked-in": { "zh-CN": "党员报到", en: "Member checked in" },
    "party.check-in-ended": { "zh-CN": "结束党员报到", en: "Check-in ended" },
    "party.service-recorded": { "zh-CN": "记录党员服务", en: "Service recorded" },
    "party.star-scheme-defined": { "zh-CN": "制定星级党员评定方案", en: "Star rating scheme defined" },
    "party.star-scheme-revised": { "zh-CN": "修订星级党员评定方案", en: "Star rating scheme revised" },
    "party.score-entered": { "zh-CN": "录入星级评定分数", en: "Star rating score entered" },
    "party.meeting-recorded": { "zh-CN": "记录三会一课", en: "Party meeting recorded" }
  }
})
