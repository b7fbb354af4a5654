/**
 * The registry (`registry`): the district's base record of places and people,
 * the first of core's modules after the kernel's own. Run its commands like any
 * plugin's: `kernel.exec(Registry.commands.registerStreet({ … }), actor)`.
 *
 * @since 0.2.0
 */
import { definePlugin } from "../Plugin.js"
import { migrations } from "./migrations.js"
import { registerPerson, registerResident } from "./People.js"
import {
  registerBuilding,
  registerCommunity,
  registerCompound,
  registerGrid,
  registerStreet,
  setGridHouseholdRange
} from "./Places.js"
import { findByDocument, gridsOutsideRange, population, resident, roster, tagsByGrid } from "./Queries.js"
import { addTag, endTag } from "./Tags.js"

const districtAdmins = ["district_admin"]
const communityStaff = ["district_admin", "street_admin", "community_admin", "community_worker"]
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
    addTag,
    endTag
  },
  queries: { roster, resident, findByDocument, population, tagsByGrid, gridsOutsideRange },
  policies: {
    registerStreet: districtAdmins,
    registerCommunity: districtAdmins,
    registerGrid: ["district_admin", "street_admin"],
    registerCompound: districtAdmins,
    registerBuilding: ["district_admin", "street_admin", "community_admin"],
    setGridHouseholdRange: districtAdmins,
    registerResident: everyone,
    registerPerson: communityStaff,
    addTag: everyone,
    endTag: everyone,
    roster: everyone,
    resident: everyone,
    findByDocument: everyone,
    population: everyone,
    tagsByGrid: everyone,
    gridsOutsideRange: everyone
  },
  permissions: {
    unmask: ["district_admin", "community_admin"],
    readRestricted: ["district_admin", "community_admin"]
  },
  labels: {
    "registry.street-registered": { "zh-CN": "登记街道", en: "Street registered" },
    "registry.community-registered": { "zh-CN": "登记社区", en: "Community registered" },
    "registry.grid-registered": { "zh-CN": "登记网格", en: "Grid registered" },
    "registry.compound-registered": { "zh-CN": "登记小区", en: "Compound registered" },
    "registry.building-registered": { "zh-CN": "登记楼栋", en: "Building registered" },
    "registry.grid-household-range-set": { "zh-CN": "设定网格户数范围", en: "Grid household range set" },
    "registry.resident-moved-in": { "zh-CN": "居民迁入", en: "Resident moved in" },
    "registry.resident-born": { "zh-CN": "居民出生登记", en: "Birth registered" },
    "registry.person-registered": { "zh-CN": "登记人员", en: "Person registered" },
    "registry.tag-added": { "zh-CN": "添加标签", en: "Tag added" },
    "registry.tag-ended": { "zh-CN": "结束标签", en: "Tag ended" },
    "registry.numbers-unmasked": { "zh-CN": "查看完整证件号码", en: "Numbers shown whole" },
    "registry.restricted-tag-read": { "zh-CN": "查看受限标签", en: "Restricted tag read" },
    "registry.temporary-access-read": { "zh-CN": "临时授权下查看", en: "Read under temporary access" }
  }
})
