/**
 * The scenario's report, in zh-CN or en. Every figure is one the kernel's
 * queries returned; names of the old stamp items are the example's own data.
 */
import { PartyVocabulary, type ServiceLevel, type ServiceRequestRecord, type StampFigures } from "@shequ/core"
import type { ScenarioResult } from "./scenario.js"
import { tally } from "./stamps.js"
import { SCHEME } from "./stars.js"
import { askedName, CREEPING_ITEM } from "./stampItems.js"

export type Lang = "zh-CN" | "en"

const words = {
  "zh-CN": {
    title: "岭东区社区治理演示",
    baseData: "底数：生成、导入与重新划片",
    stage: "阶段",
    seconds: "秒",
    rows: "行数",
    stages: {
      generate: "生成两份表格",
      register: "登记街道、社区、网格",
      places: "导入楼栋",
      residents: "导入居民",
      redistrict: "重新划片"
    },
    imported: "导入",
    residentsWord: "居民",
    householdsWord: "户",
    dwellingsWord: "套房屋",
    planWord: "划片方案",
    newGrids: "新建网格",
    movedBuildings: "调整楼栋",
    before: "划片前",
    after: "划片后",
    street: "街道",
    outside: "户数超出范围的网格",
    gridCount: "网格数",
    largest: "最大网格",
    followed: "跟踪一位居民",
    gridOn: "所在网格",
    storage: "存储",
    migrations: "本次迁移",
    none: "无",
    grids: "网格",
    visits: "入户走访",
    perSecond: "条命令/秒",
    refused: "被拒绝的操作",
    byCommunity: "各社区走访次数",
    community: "社区范围路径",
    events: "事件（审计记录）",
    type: "类型",
    count: "条数",
    last: "最近的事件",
    position: "序号",
    actor: "操作者",
    subject: "对象",
    recent: "最近的走访记录",
    household: "户",
    purpose: "事由",
    worker: "网格员",
    visitedAt: "时间",
    year: "2020 年，按内核时钟重放",
    commands: "命令数",
    yearStages: {
      staff: "任命社区书记、窗口、街道和区综治中心",
      party: "党组织、网格党小组与党员报到",
      meetings: "三会一课",
      stars: "星级党员评定",
      stamps: "盖章事项白名单",
      services: "服务诉求与超时上报"
    },
    sweeps: "次巡检",
    party: "党建引领",
    organisations: "党组织",
    branchesUnder: "党支部的上级",
    noParent: "未记录上级",
    committees: "社区大党委",
    name: "名称",
    communities: "社区",
    units: "驻区单位党组织",
    cells: "网格党小组 {cells} 个（{grids} 个网格），党员中心户 {central} 户，联系户 {neighbours} 户",
    neighbours: "联系户",
    pledge: "承诺",
    attached: "类别",
    sampleCell: "一个回迁小区网格的党小组",
    memberName: "党员",
    number: "户号",
    members: "党员",
    checkIns: "党员报到（2020 年）",
    services: "服务次数",
    hours: "服务时长（小时）",
    communityName: "社区",
    total: "合计",
    pledges: "亮身份、亮承诺",
    meetings: "三会一课（{branches} 个党支部，3 月至 12 月）",
    organisation: "党组织",
    meetingCount: "会议",
    present: "出席",
    absent: "缺席",
    excused: "请假",
    rate: "出席率",
    starScheme: "{scheme}（学习教育、组织生活、服务群众、遵规守纪，加权满分 100）",
    rated: "参评党员",
    starCount: "{n}星",
    noStar: "未评星",
    meanScore: "平均分",
    best: "得分最高的党员",
    score: "得分",
    starsWord: "星级",
    stamps: "社区盖章事项白名单",
    version: "版本",
    inForce: "{date} 起施行",
    listed: "盖章事项 {items} 项，挂牌 {plaques} 块，准入工作 {work} 项",
    kinds: { item: "盖章", plaque: "挂牌", work: "承接工作" },
    granted: "准予",
    refusedWord: "拒绝",
    grantedItems: "准予盖章的事项",
    refusedItems: "拒绝最多的事项",
    refusedDepartments: "拒绝最多的部门",
    department: "部门",
    item: "事项",
    byMonth: "每月拒绝",
    creeping: "防止反弹：{item}（{department}）每月被拒绝",
    refusedExample: "拒绝一例",
    desk: "服务诉求（菜单式服务、首问负责制、限时办结制）",
    menu: "服务菜单（办理时限，工作日：网格/社区/街道/区）",
    level: "层级",
    levels: { grid: "网格", community: "社区", street: "街道", district: "区综治中心" },
    received: "受理",
    reached: "到达",
    doneOnTime: "按时办结",
    doneLate: "超时办结",
    overdue: "超期（追责记录）",
    escalated: "上报",
    open: "年底在办",
    climbed: "一件诉求的经过",
    receivedBy: "受理",
    lapsed: "超期",
    heldBy: "责任人",
    unit: "本级",
    escalatedTo: "上报至",
    taken: "承接",
    done: "办结",
    byWorker: "承办人上报",
    byDeadline: "超期自动上报"
  },
  en: {
    title: "Lingdong District community governance demo",
    baseData: "the base record: generated, imported, re-districted",
    stage: "stage",
    seconds: "seconds",
    rows: "rows",
    stages: {
      generate: "generate both files",
      register: "register streets, communities, grids",
      places: "import buildings",
      residents: "import residents",
      redistrict: "re-district"
    },
    imported: "imported",
    residentsWord: "residents",
    householdsWord: "households",
    dwellingsWord: "dwellings",
    planWord: "plan",
    newGrids: "new grids",
    movedBuildings: "buildings moved",
    before: "before the plan",
    after: "after the plan",
    street: "street",
    outside: "grids outside the household range",
    gridCount: "grids",
    largest: "largest",
    followed: "one resident followed",
    gridOn: "grid",
    storage: "storage",
    migrations: "migrations applied",
    none: "none",
    grids: "grids",
    visits: "home visits",
    perSecond: "commands/s",
    refused: "refused",
    byCommunity: "home visits by community",
    community: "community scope path",
    events: "events (the audit trail)",
    type: "type",
    count: "count",
    last: "latest events",
    position: "position",
    actor: "actor",
    subject: "subject",
    recent: "latest home visits",
    household: "household",
    purpose: "purpose",
    worker: "grid worker",
    visitedAt: "when",
    year: "2020, replayed under the kernel's clock",
    commands: "commands",
    yearStages: {
      staff: "appoint secretaries, windows, street desks, command centre",
      party: "party organisation, grid cells, member check-ins",
      meetings: "三会一课 meetings",
      stars: "star rating of members",
      stamps: "the stamp whitelist",
      services: "service requests and escalation"
    },
    sweeps: "sweeps",
    party: "party building",
    organisations: "party organisations",
    branchesUnder: "branches led by",
    noParent: "no parent recorded",
    committees: "grand party committees",
    name: "name",
    communities: "communities",
    units: "member units' organisations",
    cells:
      "{cells} grid party cells (of {grids} grids), {central} central households, {neighbours} neighbouring households looked after",
    neighbours: "neighbours looked after",
    pledge: "pledge",
    attached: "attached",
    sampleCell: "the party cell of a resettlement compound's grid",
    memberName: "member",
    number: "household",
    members: "party members",
    checkIns: "member check-ins (2020)",
    services: "services",
    hours: "hours",
    communityName: "community",
    total: "total",
    pledges: "identities shown, pledges made",
    meetings: "三会一课 of {branches} branch(es), March to December",
    organisation: "organisation",
    meetingCount: "meetings",
    present: "present",
    absent: "absent",
    excused: "excused",
    rate: "attendance",
    starScheme: "{scheme} (study, organisational life, service, discipline; weighted out of 100)",
    rated: "members rated",
    starCount: "{n}★",
    noStar: "no star",
    meanScore: "mean score",
    best: "best rated members",
    score: "score",
    starsWord: "stars",
    stamps: "the stamp whitelist",
    version: "version",
    inForce: "in force from {date}",
    listed: "{items} stamp items, {plaques} plaques, {work} kinds of work admitted",
    kinds: { item: "stamps", plaque: "plaques", work: "work" },
    granted: "granted",
    refusedWord: "refused",
    grantedItems: "items stamped",
    refusedItems: "items refused most",
    refusedDepartments: "departments refused most",
    department: "department",
    item: "item",
    byMonth: "refused by month",
    creeping: "creeping back: {item} ({department}) refused by month",
    refusedExample: "a refusal",
    desk: "the service desk (menu, first-inquiry owner, time limits)",
    menu: "the menu (time limits in working days: grid/community/street/district)",
    level: "level",
    levels: { grid: "grid", community: "community", street: "street", district: "district command centre" },
    received: "received",
    reached: "reached",
    doneOnTime: "done on time",
    doneLate: "done late",
    overdue: "overdue (accountability)",
    escalated: "escalated",
    open: "open at year end",
    climbed: "one request's path",
    receivedBy: "received",
    lapsed: "lapsed",
    heldBy: "held by",
    unit: "the level's unit",
    escalatedTo: "escalated to",
    taken: "taken",
    done: "done",
    byWorker: "by its owner",
    byDeadline: "by the sweep"
  }
} as const

const text = (error: unknown, lang: Lang): string => {
  const localised = (error as { text?: { "zh-CN": string; en: string } }).text
  const code = (error as { code?: string }).code ?? "?"
  return `[${code}] ${localised ? localised[lang] : String(error)}`
}

const table = (rows: ReadonlyArray<ReadonlyArray<string | number>>) => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(String(r[i])))))
  return rows.map((r) => "  " + r.map((cell, i) => pad(String(cell), widths[i]!)).join("  ")).join("\n")
}

// CJK characters take two columns in a terminal.
const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0)
const pad = (s: string, to: number) => s + " ".repeat(Math.max(0, to - width(s)))

/** Prints what the scenario did. */
export const print = (
  result: ScenarioResult,
  context: { readonly lang: Lang; readonly where: string; readonly applied: ReadonlyArray<string> }
): void => {
  const w = words[context.lang]
  const out: Array<string> = []
  out.push(`${w.title}`, "")
  out.push(`${w.storage}: ${context.where}`)
  out.push(`${w.migrations}: ${context.applied.length > 0 ? context.applied.join(", ") : w.none}`)
  const base = result.baseData
  out.push(`${w.baseData}:`)
  out.push(
    table([
      [w.stage, w.seconds, w.rows],
      ...base.stages.map((s) => [w.stages[s.name], s.seconds.toFixed(2), s.rows ?? ""])
    ])
  )
  const n = base.imported
  out.push(
    `${w.imported}: ${n["residents"] ?? 0} ${w.residentsWord}, ${n["households"] ?? 0} ${w.householdsWord}, ` +
      `${n["dwellings"] ?? 0} ${w.dwellingsWord}`,
    `${w.planWord}: ${w.newGrids} ${base.plan.gridsCreated}, ${w.movedBuildings} ${base.plan.buildingsMoved}`,
    ""
  )
  for (const [label, snapshot] of [
    [w.before, base.before],
    [w.after, base.after]
  ] as const) {
    out.push(
      `${label}: ${w.gridCount} ${snapshot.grids}, ${w.largest} ${snapshot.largest.name} ${snapshot.largest.code} ` +
        `(${snapshot.largest.households} ${w.householdsWord}), ${w.outside} ${snapshot.outsideRange.length}`
    )
    out.push(
      table([
        [w.street, w.householdsWord, w.residentsWord],
        ...snapshot.streets.map((r) => [r.name, r.households, r.residents])
      ])
    )
    out.push(
      table([
        [w.outside, w.householdsWord],
        ...snapshot.outsideRange.slice(0, 5).map((g) => [`${g.name} ${g.code}`, g.households])
      ]),
      ""
    )
  }
  if (base.followed) {
    out.push(
      `${w.followed}: ${base.followed.resident}  ${w.before} ${w.gridOn} ${base.followed.before} → ` +
        `${w.after} ${w.gridOn} ${base.followed.after}`,
      ""
    )
  }
  out.push(
    `${w.grids}: ${result.grids.length}   ${w.visits}: ${result.visits}   ` +
      `${(result.visits / result.seconds).toFixed(0)} ${w.perSecond}`,
    ""
  )
  out.push(`${w.byCommunity}:`)
  out.push(table([[w.community, w.count], ...result.byCommunity.map((r) => [r.community, r.visits])]), "")
  out.push(`${w.recent}:`)
  out.push(
    table([
      [w.household, w.purpose, w.worker, w.visitedAt],
      ...result.recent.map((r) => [r.household, r.purpose, r.worker, r.visitedAt.toISOString().slice(0, 16)])
    ]),
    ""
  )
  out.push(`${w.refused}:`)
  for (const refusal of result.refusals) out.push(`  - ${refusal.what}`, `    ${text(refusal.error, context.lang)}`)
  out.push("")
  out.push(...year(result.year, context.lang))
  out.push(`${w.events}:`)
  out.push(table([[w.type, w.count], ...[...result.eventCounts].map(([type, n]) => [type, n])]), "")
  out.push(`${w.last}:`)
  out.push(
    table([
      [w.position, w.type, w.actor, w.subject],
      ...result.lastEvents.map((e) => [e.position, e.type, e.actor, e.subject ?? ""])
    ])
  )
  console.log(out.join("\n"))
}

type Words = (typeof words)[Lang]

/** An instant as a time in Asia/Shanghai, `YYYY-MM-DD HH:MM`. */
const local = (instant: Date): string =>
  new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ")

const fill = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key]))

const sum = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0)

/** The sections of 2020: the stages' times, then party, stamps and services. */
const year = (result: ScenarioResult["year"], lang: Lang): ReadonlyArray<string> => {
  const w = words[lang]
  const { party, meetings, stars, stamps, services } = result
  return [
    `${w.year}:`,
    table([
      [w.stage, w.seconds, w.commands],
      [w.yearStages.staff, result.staff.seconds.toFixed(2), ""],
      [w.yearStages.party, party.seconds.toFixed(2), party.commands],
      [w.yearStages.meetings, meetings.seconds.toFixed(2), meetings.commands],
      [w.yearStages.stars, stars.seconds.toFixed(2), stars.commands],
      [w.yearStages.stamps, stamps.seconds.toFixed(2), stamps.commands],
      [w.yearStages.services, services.seconds.toFixed(2), `${services.commands} + ${services.sweeps} ${w.sweeps}`]
    ]),
    "",
    ...partySection(party, w, lang),
    ...partyLifeSection(meetings, stars, w),
    ...stampsSection(stamps, w, lang),
    ...servicesSection(services, w, lang)
  ]
}

const partySection = (party: ScenarioResult["year"]["party"], w: Words, lang: Lang): ReadonlyArray<string> => {
  const kind = PartyVocabulary.organisationKindLabels
  const memberKind = PartyVocabulary.memberKindLabels
  const kinds = ["resident", "in_unit", "pocket"] as const
  const communities = [...new Set(party.checkIns.map((f) => f.community))]
  const figure = (community: string, k: (typeof kinds)[number]) =>
    party.checkIns.find((f) => f.community === community && f.kind === k)
  const rows = communities.map((code) => {
    const of = kinds.map((k) => figure(code, k))
    return [
      of.find((f) => f !== undefined)!.name,
      ...of.map((f) => f?.checkIns ?? 0),
      sum(of.map((f) => f?.services ?? 0)),
      sum(of.map((f) => f?.hours ?? 0))
    ]
  })
  const cell = party.sampleCell
  return [
    `${w.party}:`,
    `  ${w.organisations}: ${(["working_committee", "general_branch", "branch"] as const)
      .map((k) => `${kind[k][lang]} ${party.organisations[k]}`)
      .join(", ")}`,
    `  ${w.branchesUnder}: ${(["working_committee", "general_branch"] as const)
      .map((k) => `${kind[k][lang]} ${party.branchesUnder[k]}`)
      .join(", ")}, ${w.noParent} ${party.branchesUnder.none}`,
    `  ${w.committees}:`,
    table([
      [w.name, w.communities, w.units],
      ...party.committees.map((c) => [c.name, c.communities.length, c.units.filter((u) => u.leftOn === null).length])
    ]),
    `  ${fill(w.cells, party.cells)}`,
    ...(cell === null
      ? []
      : [
          `  ${w.sampleCell}: ${cell.name} (${cell.branch.name})`,
          table([
            [w.memberName, w.number, w.neighbours],
            ...cell.centralHouseholds.map((c) => [c.memberName ?? "", c.number ?? "", c.neighbours.length])
          ])
        ]),
    `  ${w.members}: ${kinds.map((k) => `${memberKind[k][lang]} ${party.members[k]}`).join(", ")}`,
    `  ${w.checkIns}:`,
    table([
      [w.communityName, ...kinds.map((k) => memberKind[k][lang]), w.services, w.hours],
      ...rows,
      [
        w.total,
        ...kinds.map((_, i) => sum(rows.map((r) => Number(r[i + 1])))),
        sum(rows.map((r) => Number(r[4]))),
        sum(rows.map((r) => Number(r[5])))
      ]
    ]),
    `  ${w.pledges}:`,
    table([
      [w.memberName, w.attached, w.pledge, w.hours],
      ...party.pledges.map((p) => [p.name ?? p.member, memberKind[p.kind][lang], p.pledge, p.hours])
    ]),
    ""
  ]
}

/** The meetings' attendance and the members' stars, by organisation, as the kernel's queries gave them. */
const partyLifeSection = (
  meetings: ScenarioResult["year"]["meetings"],
  stars: ScenarioResult["year"]["stars"],
  w: Words
): ReadonlyArray<string> => [
  `  ${fill(w.meetings, { branches: meetings.branches.length })}:`,
  table([
    [w.organisation, w.meetingCount, w.present, w.absent, w.excused, w.rate],
    ...meetings.attendance.map((a) => [
      a.name,
      a.meetings,
      a.present,
      a.absent,
      a.excused,
      a.rate === null ? "" : `${(a.rate * 100).toFixed(1)}%`
    ])
  ]),
  `  ${fill(w.starScheme, { scheme: SCHEME.name })}:`,
  table([
    [w.organisation, w.rated, ...[5, 4, 3, 2, 1].map((n) => fill(w.starCount, { n })), w.noStar, w.meanScore],
    ...stars.byOrganisation.map((o) => [
      o.name,
      o.rated,
      ...[5, 4, 3, 2, 1, 0].map((n) => o.stars[n]!),
      o.meanScore.toFixed(1)
    ])
  ]),
  `  ${w.best}:`,
  table([
    [w.memberName, w.score, w.starsWord],
    ...stars.best.map((r) => [r.name ?? r.member, r.score, "★".repeat(r.stars)])
  ]),
  ""
]

const stampsSection = (stamps: ScenarioResult["year"]["stamps"], w: Words, lang: Lang): ReadonlyArray<string> => {
  const of = (kind: StampFigures["kind"]) => stamps.lines.filter((l) => l.kind === kind)
  const items = of("item")
  const byItem = tally(items, (l) => l.code)
  const creeping = items.filter((l) => l.code === CREEPING_ITEM)
  const months = Array.from({ length: 12 }, (_, m) => `2020-${String(m + 1).padStart(2, "0")}`)
  const refusedIn = (lines: ReadonlyArray<StampFigures>, month: string) =>
    sum(lines.filter((l) => l.month === month).map((l) => l.refused))
  const departmentOf = (code: string) => items.find((l) => l.code === code)?.department ?? ""
  return [
    `${w.stamps}: ${w.version} ${stamps.version.number}, ${fill(w.inForce, { date: stamps.version.effectiveOn })} ` +
      `(${fill(w.listed, stamps.listed)})`,
    `  ${(["item", "plaque", "work"] as const)
      .map((k) => {
        const lines = of(k)
        return `${w.kinds[k]}: ${w.granted} ${sum(lines.map((l) => l.granted))}, ${w.refusedWord} ${sum(lines.map((l) => l.refused))}`
      })
      .join("; ")}`,
    `  ${w.grantedItems}:`,
    table([
      [w.item, w.department, w.granted],
      ...byItem
        .filter((t) => t.granted > 0)
        .sort((a, b) => b.granted - a.granted)
        .map((t) => [askedName("item", t.key), departmentOf(t.key), t.granted])
    ]),
    `  ${w.refusedItems} (${byItem.filter((t) => t.refused > 0).length}):`,
    table([
      [w.item, w.department, w.refusedWord],
      ...byItem
        .filter((t) => t.refused > 0)
        .slice(0, 10)
        .map((t) => [askedName("item", t.key), departmentOf(t.key), t.refused])
    ]),
    `  ${w.refusedDepartments}:`,
    table([
      [w.department, w.refusedWord],
      ...tally(stamps.lines, (l) => l.department)
        .filter((t) => t.refused > 0)
        .slice(0, 8)
        .map((t) => [t.key, t.refused])
    ]),
    `  ${w.byMonth}: ${months.map((m) => refusedIn(stamps.lines, m)).join(" ")}`,
    `  ${fill(w.creeping, { item: askedName("item", CREEPING_ITEM), department: departmentOf(CREEPING_ITEM) })}: ${months
      .map((m) => refusedIn(creeping, m))
      .join(" ")}`,
    ...stamps.examples.map(
      (e) => `  ${w.refusedExample}: ${text(e, lang)} (${askedName(e.kind, e.item)}, ${e.department})`
    ),
    ""
  ]
}

/** What happened to a request, in order, one line each. */
const requestPath = (record: ServiceRequestRecord, words: Words): ReadonlyArray<string> => {
  const level = (l: ServiceLevel) => words.levels[l]
  const events: Array<{ at: Date; order: number; line: string }> = [
    {
      at: record.received.at,
      order: 0,
      line: `${words.receivedBy}: ${level(record.received.level)}, ${record.received.by}`
    },
    ...record.lapses.map((l) => ({
      at: l.lapsedAt,
      order: 1,
      line: `${words.lapsed}: ${level(l.level)}, ${words.heldBy} ${l.heldBy ?? `${words.unit} ${l.unit}`}`
    })),
    ...record.escalations.map((e) => ({
      at: e.at,
      order: 2,
      line: `${words.escalatedTo} ${level(e.to)} (${e.cause === "worker" ? `${words.byWorker}: ${e.reason}` : words.byDeadline})`
    })),
    ...record.owners
      .filter((o) => o.kind !== "received")
      .map((o) => ({ at: o.since, order: 3, line: `${words.taken}: ${level(o.level)}, ${o.owner}` })),
    ...(record.done === null
      ? []
      : [{ at: record.done.at, order: 4, line: `${words.done}: ${record.done.by}, ${record.done.resolution}` }])
  ]
  return events
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order)
    .map((e) => `${local(e.at)}  ${e.line}`)
}

const servicesSection = (services: ScenarioResult["year"]["services"], w: Words, lang: Lang): ReadonlyArray<string> => {
  const t = services.report.totals
  const level = (l: ServiceLevel) => w.levels[l]
  const climbed = services.climbed
  const steps = climbed === null ? [] : requestPath(climbed, w)
  return [
    `${w.desk}:`,
    `  ${w.menu}: ${services.menu
      .map(
        (m) =>
          `${m.label[lang]} ${m.workingDays.grid}/${m.workingDays.community}/${m.workingDays.street}/${m.workingDays.district}`
      )
      .join(", ")}`,
    `  ${w.received} ${t.received}, ${w.doneOnTime} ${t.doneOnTime}, ${w.doneLate} ${t.doneLate}, ${w.overdue} ${t.overdue}, ` +
      `${w.escalated} ${t.escalated}, ${w.open} ${t.open}`,
    table([
      [w.level, w.received, w.reached, w.doneOnTime, w.doneLate, w.overdue, w.escalated, w.open],
      ...services.byLevel.map((r) => [
        level(r.level),
        r.received,
        r.reached,
        r.doneOnTime,
        r.doneLate,
        r.overdue,
        r.escalated,
        r.open
      ])
    ]),
    ...(climbed === null ? [] : [`  ${w.climbed} (${climbed.summary}):`, ...steps.map((step) => `    ${step}`)]),
    `  ${w.refused}:`,
    ...services.refusals.flatMap((r) => [`  - ${r.what}`, `    ${text(r.error, lang)}`]),
    ""
  ]
}
