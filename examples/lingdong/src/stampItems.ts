/**
 * What departments asked Lingdong's communities for before "社区盖章事项由90项减至8项":
 * the 90 stamp items, the plaques and the work, as data. The case names none of
 * the 90; the 8 kept are `lingdongWhitelist`'s (themselves plausible, not the
 * case's), and the 82 cut below are the certificates Chinese communities were
 * commonly asked to stamp before the national clean-up of 证明事项, each with the
 * department that used to ask for it. `weight` is how often a year brings the
 * request, relative to the others of its list.
 */
import { lingdongWhitelist } from "@shequ/core"

/** An item, plaque or piece of work a department asks a community for. */
export interface Asked {
  readonly code: string
  readonly name: string
  readonly department: string
  readonly weight: number
}

const POLICE = "岭东公安分局"
const CIVIL_AFFAIRS = "区民政局"
const HUMAN_RESOURCES = "区人力资源和社会保障局"
const HEALTH = "区卫生健康局"
const HOUSING = "区住房和城乡建设局"
const JUSTICE = "区司法局"
const EDUCATION = "区教育局"
const DISABLED = "区残疾人联合会"
const VETERANS = "区退役军人事务局"
const MARKET = "区市场监督管理局"
const MEDICAL_INSURANCE = "区医疗保障局"
const UNION = "区总工会"
const WOMEN = "区妇女联合会"
const ARMED_FORCES = "区人民武装部"
const URBAN_MANAGEMENT = "区城市管理综合执法局"
const EMERGENCY = "区应急管理局"
const MINES = "双鸭山矿业集团"
const BANK = "中国工商银行双鸭山分行"
const INSURER = "中国人寿双鸭山分公司"

/** How often each of the 8 kept items is asked for, and by whom. */
const kept: Readonly<Record<string, { readonly department: string; readonly weight: number }>> = {
  death_outside_hospital: { department: POLICE, weight: 8 },
  low_income_first_opinion: { department: CIVIL_AFFAIRS, weight: 30 },
  extreme_poverty_first_opinion: { department: CIVIL_AFFAIRS, weight: 5 },
  temporary_assistance_first_opinion: { department: CIVIL_AFFAIRS, weight: 20 },
  disability_card_first_opinion: { department: DISABLED, weight: 10 },
  old_age_allowance_first_opinion: { department: CIVIL_AFFAIRS, weight: 25 },
  hard_to_employ_first_opinion: { department: HUMAN_RESOURCES, weight: 15 },
  residence_registration: { department: POLICE, weight: 20 }
}

const item = (code: string, name: string, department: string, weight = 1): Asked => ({
  code,
  name,
  department,
  weight
})

/** An item as the table lists it: its code, its name, and how often it is asked for (1 when not given). */
type Listed = readonly [code: string, name: string, weight?: number]

/** The 82 items the case cut, by the department that used to ask for them. */
const CUT_BY_DEPARTMENT: Readonly<Record<string, ReadonlyArray<Listed>>> = {
  [POLICE]: [
    ["residence_proof", "居住证明", 6],
    ["kinship_proof", "亲属关系证明", 5],
    ["no_criminal_record_proof", "无犯罪记录证明", 2],
    ["hukou_transfer_proof", "户口迁移证明", 2],
    ["same_person_proof", "同一人证明", 2],
    ["former_name_proof", "曾用名证明"],
    ["birth_place_proof", "出生地证明"],
    ["going_abroad_review_proof", "出国（境）政审证明"],
    ["dog_licence_proof", "养犬登记证明"],
    ["drug_rehabilitation_proof", "社区戒毒康复证明"]
  ],
  [CIVIL_AFFAIRS]: [
    ["marital_status_proof", "婚姻状况证明", 3],
    ["unmarried_proof", "未婚证明", 2],
    ["funeral_subsidy_proof", "丧葬补助证明", 2],
    ["cremation_proof", "火化证明"],
    ["adoption_proof", "收养情况证明"],
    ["orphan_proof", "孤儿证明"],
    ["elderly_care_subsidy_proof", "居家养老服务补贴证明", 2],
    ["nursing_home_admission_proof", "养老院入住证明"]
  ],
  [HUMAN_RESOURCES]: [
    ["alive_proof", "健在证明（养老金领取资格）", 6],
    ["unemployment_proof", "无业证明", 3],
    ["start_up_loan_residence_proof", "创业担保贷款居住证明"],
    ["pension_continuation_proof", "养老保险续保证明"],
    ["flexible_employment_proof", "灵活就业证明", 2],
    ["migrant_work_proof", "外出务工证明", 2]
  ],
  [HEALTH]: [
    ["only_child_proof", "独生子女证明", 2],
    ["family_planning_proof", "计划生育情况证明", 2],
    ["birth_permit_residence_proof", "生育登记居住证明"]
  ],
  [HOUSING]: [
    ["housing_ownership_proof", "房屋产权证明", 3],
    ["no_housing_proof", "无房证明"],
    ["rental_proof", "房屋出租证明"],
    ["housing_hardship_proof", "住房困难证明", 2],
    ["shanty_relocation_proof", "棚户区改造回迁资格证明", 5],
    ["subsidence_relocation_proof", "采煤沉陷区搬迁居住证明", 4]
  ],
  [JUSTICE]: [
    ["inheritance_proof", "遗产继承证明"],
    ["elderly_support_proof", "赡养关系证明"],
    ["mediation_outcome_proof", "纠纷调解情况证明"],
    ["guardian_proof", "监护人证明"],
    ["correction_residence_proof", "社区矫正对象居住地证明"]
  ],
  [EDUCATION]: [
    ["family_hardship_proof", "家庭经济困难证明", 4],
    ["school_enrolment_residence_proof", "入学居住证明", 3],
    ["left_behind_child_proof", "留守儿童证明"],
    ["kindergarten_fee_relief_proof", "幼儿园保教费减免证明"]
  ],
  [DISABLED]: [
    ["disability_hardship_proof", "残疾人家庭困难证明", 2],
    ["assistive_device_proof", "辅助器具申领证明"]
  ],
  [VETERANS]: [
    ["veteran_hardship_proof", "退役军人生活困难证明"],
    ["martyr_family_proof", "烈士遗属证明"]
  ],
  [ARMED_FORCES]: [
    ["military_family_proof", "军属证明"],
    ["conscription_review_proof", "征兵政审证明"]
  ],
  [MARKET]: [
    ["business_premises_proof", "经营场所证明", 2],
    ["individual_business_proof", "个体经营情况证明"],
    ["no_business_proof", "未从事经营活动证明"]
  ],
  [MEDICAL_INSURANCE]: [
    ["medical_aid_hardship_proof", "医疗救助困难证明", 2],
    ["chronic_disease_residence_proof", "慢性病患者居住证明"]
  ],
  [UNION]: [
    ["hardship_worker_proof", "困难职工证明", 2],
    ["pneumoconiosis_hardship_proof", "尘肺病患者生活困难证明"]
  ],
  [WOMEN]: [
    ["hardship_woman_proof", "困难妇女证明"],
    ["single_parent_proof", "单亲家庭证明"]
  ],
  [MINES]: [
    ["miner_seniority_proof", "矿工工龄证明", 3],
    ["bankrupt_mine_worker_proof", "破产矿职工身份证明", 3],
    ["party_admission_review_proof", "入党政审证明"]
  ],
  [URBAN_MANAGEMENT]: [
    ["vehicle_parking_proof", "车辆停放证明"],
    ["renovation_neighbour_consent", "装修施工邻里意见证明"],
    ["no_illegal_building_proof", "无违章建筑证明"],
    ["sanitation_fee_proof", "卫生费缴纳证明"]
  ],
  [EMERGENCY]: [
    ["gas_safety_proof", "居民用火用气安全证明"],
    ["disaster_loss_proof", "受灾损失证明"]
  ],
  [BANK]: [
    ["income_proof", "家庭收入证明", 4],
    ["bank_account_residence_proof", "银行开户居住证明"]
  ],
  中国农业银行双鸭山分行: [["loan_guarantor_proof", "贷款担保人情况证明"]],
  [INSURER]: [
    ["insurance_claim_proof", "保险理赔证明"],
    ["accident_proof", "意外事故证明"]
  ],
  双鸭山热电有限公司: [["heating_fee_relief_proof", "供热费减免证明", 3]],
  双鸭山市供水公司: [["water_fee_relief_proof", "水费减免证明"]],
  国网双鸭山供电公司: [["electricity_transfer_proof", "电费户名变更证明"]],
  双鸭山市人民医院: [["hospital_fee_relief_proof", "住院费用减免贫困证明", 2]],
  国家税务总局双鸭山市岭东区税务局: [["tax_relief_proof", "减免税申请证明"]],
  区委组织部: [["civil_service_review_proof", "公务员录用政审证明"]],
  区信访局: [["petition_settled_proof", "信访事项息诉证明"]],
  岭东区人民法院: [["service_address_proof", "法律文书送达地址证明"]],
  区农业农村局: [["land_contract_proof", "土地承包情况证明"]],
  区林业和草原局: [["forest_farm_worker_proof", "林场职工身份证明"]],
  双鸭山市住房公积金管理中心: [["housing_fund_hardship_proof", "住房公积金提取困难证明"]]
}

/** The 82 items the case cut. */
export const CUT_ITEMS: ReadonlyArray<Asked> = Object.entries(CUT_BY_DEPARTMENT).flatMap(([department, items]) =>
  items.map(([code, name, weight]) => item(code, name, department, weight))
)

/**
 * The item whose requests creep back month by month (防止反弹): a department
 * that falls back on an old certificate, asking for it a little more each
 * month. The replay brings it on that schedule, not by its weight.
 */
export const CREEPING_ITEM = "no_housing_proof"

/** The 8 items the whitelist keeps, as departments ask for them. */
export const KEPT_ITEMS: ReadonlyArray<Asked> = lingdongWhitelist.items.map((entry) => {
  const { department, weight } = kept[entry.code]!
  return { code: entry.code, name: entry.name, department, weight }
})

/** The 90 items departments asked communities to stamp: the 8 kept first, then the 82 cut. */
export const OLD_ITEMS: ReadonlyArray<Asked> = [...KEPT_ITEMS, ...CUT_ITEMS]

/** Plaques departments ask a community to hang, none of them one of the 4 it hangs. */
export const PLAQUES_ASKED: ReadonlyArray<Asked> = [
  item("elderly_association", "老年人协会", CIVIL_AFFAIRS),
  item("popular_science_home", "科普之家", "区科学技术协会"),
  item("women_home", "妇女之家", WOMEN),
  item("next_generation_station", "关心下一代工作站", "区关心下一代工作委员会"),
  item("anti_drug_station", "禁毒工作站", POLICE),
  item("legal_aid_station", "法律援助工作站", JUSTICE)
]

/** Work departments hand to communities: the access list's 6, and work it leaves out. */
export const WORK_ASKED: ReadonlyArray<Asked> = [
  ...lingdongWhitelist.work.map((w) => ({ ...w, weight: 3 })),
  item("civilised_city_survey", "创建文明城市入户问卷调查", "区精神文明建设办公室", 2),
  item("investment_promotion_quota", "招商引资任务分解", "区商务局"),
  item("pension_fee_collection", "代收城乡居民养老保险费", HUMAN_RESOURCES),
  item("business_census", "市场主体经营状况统计", "区统计局"),
  item("illegal_building_demolition", "违法建筑拆除", URBAN_MANAGEMENT),
  item("food_safety_inspection", "食品安全检查", MARKET),
  item("forest_fire_watch", "森林防火值守", "区林业和草原局")
]

/** The names of everything a department can ask for, by kind and code, for the report. */
export const askedName = (kind: "item" | "plaque" | "work", code: string): string =>
  (kind === "item"
    ? OLD_ITEMS
    : kind === "plaque"
      ? [...PLAQUES_ASKED, ...lingdongWhitelist.plaques]
      : WORK_ASKED
  ).find((a) => a.code === code)?.name ?? code
