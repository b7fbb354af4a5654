/**
 * The scenario's report, in zh-CN or en.
 */
import type { ScenarioResult } from "./scenario.js"

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
    visitedAt: "时间"
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
    visitedAt: "when"
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
