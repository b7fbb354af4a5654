/**
 * The registry (`registry`): the district's base record of places and people,
 * the first of core's modules after the kernel's own. Run its commands like any
 * plugin's: `kernel.exec(Registry.commands.registerStreet({ … }), actor)`.
 *
 * @since 0.2.0
 */
import { definePlugin } from "../Plugin.js"
import { migrations } from "./migrations.js"
import { places } from "./PlacesImport.js"
import { residents } from "./ResidentsImport.js"
import { mergeHouseholds, moveOut, registerDeath, relocate, splitHousehold } from "./Moves.js"
import { registerPerson, registerResident } from "./People.js"
import {
  registerBuilding,
  registerCommunity,
  registerCompound,
  registerGrid,
  registerStreet,
  setGridHouseholdRange
} from "./Places.js"
import { applyPlan } from "./Redistricting.js"
import { findByDocument, gridOf, gridsOutsideRange, population, resident, roster, tagsByGrid } from "./Queries.js"
import { appointStaff, assignDuties, endStaff, staffOf } from "./Staff.js"
import { addTag, endTag } from "./Tags.js"
import { grantTemporaryAccess, revokeTemporaryAccess } from "./TemporaryAccess.js"

const districtAdmins = ["district_admin"]
const communityStaff = ["district_admin", "street_admin", "community_admin", "community_worker"]
// The level above a grid: who posts its staff and lets a worker in to a resident outside their grids.
const aboveGrid = ["district_admin", "street_admin", "community_admin"]
const everyone = [...communityStaff, "grid_leader", "grid_worker", "assistant"]

/**
 * The registry module.
 *
 * @since 0.2.0
 */
export const Registry = definePlugin({
  name: "registry",
  version: "0.2.0",
  migrations,
  scopedTables: {
    registry_grid: { by: "grid", column: "id" },
    registry_building: { by: "building", column: "id" },
    registry_dwelling: { by: "dwelling", column: "id" },
    registry_household: { by: "household", column: "id" },
    registry_person: { by: "resident", column: "id" },
    registry_residence: { by: "resident", column: "person_id" },
    registry_resident_tag: { by: "resident", column: "person_id" },
    registry_household_tag: { by: "household", column: "household_id" },
    registry_grid_staff: { by: "grid", column: "grid_id" }
  },
  commands: {
    registerStreet,
    registerCommunity,
    registerGrid,
    registerCompound,
    registerBuilding,
    setGridHouseholdRange,
    registerResident,
    registerPerson,
    applyPlan,
    moveOut,
    relocate,
    registerDeath,
    splitHousehold,
    mergeHouseholds,
    addTag,
    endTag,
    appointStaff,
    assignDuties,
    endStaff,
    grantTemporaryAccess,
    revokeTemporaryAccess
  },
  imports: { places, residents },
  queries: { roster, gridOf, resident, findByDocument, population, tagsByGrid, gridsOutsideRange, staffOf },
  policies: {
    places: districtAdmins,
    residents: districtAdmins,
    registerStreet: districtAdmins,
    registerCommunity: districtAdmins,
    registerGrid: ["district_admin", "street_admin"],
    registerCompound: districtAdmins,
    registerBuilding: ["district_admin", "street_admin", "community_admin"],
    setGridHouseholdRange: districtAdmins,
    registerResident: everyone,
    registerPerson: communityStaff,
    applyPlan: districtAdmins,
    moveOut: everyone,
    relocate: everyone,
    registerDeath: everyone,
    splitHousehold: everyone,
    mergeHouseholds: everyone,
    gridOf: everyone,
    addTag: everyone,
    endTag: everyone,
    roster: everyone,
    resident: everyone,
    findByDocument: everyone,
    population: everyone,
    tagsByGrid: everyone,
    gridsOutsideRange: everyone,
    appointStaff: aboveGrid,
    assignDuties: aboveGrid,
    endStaff: aboveGrid,
    grantTemporaryAccess: aboveGrid,
    revokeTemporaryAccess: aboveGrid,
    staffOf: everyone
  },
  permissions: {
    unmask: ["district_admin", "community_admin"],
    readRestricted: ["district_admin", "community_admin"]
  },
  labels: {
    "registry.places-imported": { "zh-CN": "导入楼栋", en: "Places imported" },
    "registry.residents-imported": { "zh-CN": "导入居民", en: "Residents imported" },
    "registry.street-registered": { "zh-CN": "登记街道", en: "Street registered" },
    "registry.community-registered": { "zh-CN": "登记社区", en: "Community registered" },
    "registry.grid-registered": { "zh-CN": "登记网格", en: "Grid registered" },
    "registry.compound-registered": { "zh-CN": "登记小区", en: "Compound registered" },
    "registry.building-registered": { "zh-CN": "登记楼栋", en: "Building registered" },
    "registry.grid-household-range-set": { "zh-CN": "设定网格户数范围", en: "Grid household range set" },
    "registry.resident-moved-in": { "zh-CN": "居民迁入", en: "Resident moved in" },
    "registry.resident-born": { "zh-CN": "居民出生登记", en: "Birth registered" },
    "registry.person-registered": { "zh-CN": "登记人员", en: "Person registered" },
    "registry.plan-applied": { "zh-CN": "实施网格调整方案", en: "Re-districting plan applied" },
    "registry.moved-out": { "zh-CN": "居民迁出", en: "Moved out" },
    "registry.relocated": { "zh-CN": "居民在区内搬迁", en: "Moved within the district" },
    "registry.death-registered": { "zh-CN": "居民死亡登记", en: "Death registered" },
    "registry.household-split": { "zh-CN": "分户", en: "Household split" },
    "registry.households-merged": { "zh-CN": "合户", en: "Households merged" },
    "registry.tag-added": { "zh-CN": "添加标签", en: "Tag added" },
    "registry.tag-ended": { "zh-CN": "结束标签", en: "Tag ended" },
    "registry.numbers-unmasked": { "zh-CN": "查看完整证件号码", en: "Numbers shown whole" },
    "registry.restricted-tag-read": { "zh-CN": "查看受限标签", en: "Restricted tag read" },
    "registry.temporary-access-used": { "zh-CN": "临时授权下操作", en: "Acted under temporary access" },
    "registry.temporary-access-read": { "zh-CN": "临时授权下查看", en: "Read under temporary access" },
    "registry.staff-appointed": { "zh-CN": "任命网格人员", en: "Grid staff appointed" },
    "registry.staff-duties-set": { "zh-CN": "设定网格人员职责", en: "Grid staff duties set" },
    "registry.staff-ended": { "zh-CN": "网格人员离岗", en: "Grid staff post ended" },
    "registry.temporary-access-granted": { "zh-CN": "授予临时访问权限", en: "Temporary access granted" },
    "registry.temporary-access-revoked": { "zh-CN": "撤销临时访问权限", en: "Temporary access revoked" }
  }
})
