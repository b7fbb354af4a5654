/**
 * The scenario's report, in zh-CN or en.
 */
import type { ScenarioResult } from "./scenario.js"

export type Lang = "zh-CN" | "en"

const words = {
  "zh-CN": {
    title: "岭东区社区治理演示",
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
