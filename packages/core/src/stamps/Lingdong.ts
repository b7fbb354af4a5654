/**
 * The whitelist of the Lingdong case (岭东区, 2020), as data a district
 * publishes with `Stamps.commands.publishWhitelist`: nothing here is a rule
 * the kernel enforces by itself. Every district publishes its own lists.
 *
 * @since 0.3.0
 */
import type { WhitelistEntry, WorkAccess } from "./Whitelist.js"

/**
 * What Lingdong's communities kept after "社区盖章事项由90项减至8项" and
 * "社区只挂社区党工委、社区居委会、社区工作站和双矿职工服务站四块牌子".
 *
 * The four plaques are the case's own. The case does not name the eight stamp
 * items nor the entries of its 《社区工作准入制度》: those below are plausible
 * ones (first-instance opinions on assistance a community is best placed to
 * give, and a death outside hospital), to be replaced by the district's own.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Stamps.commands.publishWhitelist({ district: "230503", effectiveOn: "2019-07-01", ...lingdongWhitelist }),
 *   districtAdmin
 * )
 * ```
 * @since 0.3.0
 */
export const lingdongWhitelist: {
  readonly title: string
  readonly items: ReadonlyArray<WhitelistEntry>
  readonly plaques: ReadonlyArray<WhitelistEntry>
  readonly work: ReadonlyArray<WorkAccess>
} = {
  title: "岭东区社区盖章事项清单及社区工作准入目录",
  items: [
    { code: "death_outside_hospital", name: "居民死亡证明（非医疗机构内死亡）" },
    { code: "low_income_first_opinion", name: "最低生活保障申请初审意见" },
    { code: "extreme_poverty_first_opinion", name: "特困人员救助供养申请初审意见" },
    { code: "temporary_assistance_first_opinion", name: "临时救助申请初审意见" },
    { code: "disability_card_first_opinion", name: "残疾人证申领初审意见" },
    { code: "old_age_allowance_first_opinion", name: "高龄津贴申请初审意见" },
    { code: "hard_to_employ_first_opinion", name: "就业困难人员认定初审意见" },
    { code: "residence_registration", name: "流动人口居住登记证明" }
  ],
  plaques: [
    { code: "party_working_committee", name: "社区党工委" },
    { code: "residents_committee", name: "社区居委会" },
    { code: "community_workstation", name: "社区工作站" },
    { code: "miners_service_station", name: "双矿职工服务站" }
  ],
  work: [
    { department: "区民政局", code: "low_income_home_visit", name: "低保家庭入户核查" },
    { department: "区人力资源和社会保障局", code: "employment_registration", name: "就业失业登记" },
    { department: "区医疗保障局", code: "medical_insurance_enrolment", name: "城乡居民医疗保险参保登记" },
    { department: "区卫生健康局", code: "elderly_health_check_notice", name: "老年人健康体检通知" },
    { department: "区退役军人事务局", code: "veteran_family_visit", name: "优抚对象走访" },
    { department: "区残疾人联合会", code: "disability_survey", name: "残疾人基本状况调查" }
  ]
}
