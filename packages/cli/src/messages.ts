/**
 * The command's messages in zh-CN and en.
 *
 * @since 0.1.0
 */
import type { Locale } from "@shequ/core"

const messages = {
  "zh-CN": {
    description: "社区治理内核 shequ 的命令行工具",
    db: "数据库：SQLite 文件路径，或 PostgreSQL 地址（postgres://…）",
    schema: "PostgreSQL 模式名",
    plugin: "加载插件模块（可重复）",
    lang: "输出语言：zh-CN 或 en",
    migrate: "执行尚未执行的迁移",
    dryRun: "只打印将执行的 SQL，不执行",
    citus: "迁移后在 Citus 集群上分布各表",
    tick: "按给定时间运行各插件的定时任务（同一时间只运行一次）",
    at: "时间（ISO 8601），默认为现在",
    nothing: "没有待执行的迁移",
    applied: "已执行的迁移",
    ran: "已运行",
    skipped: "此时间已运行过，跳过",
    noPlugin: (module: string) => `模块 ${module} 没有导出任何插件`,
    badTime: (at: string) => `无法识别的时间：${at}（应为 ISO 8601，如 2020-10-09T08:00:00+08:00）`
  },
  en: {
    description: "The command line of shequ, the community-governance kernel",
    db: "the database: a SQLite file path, or a PostgreSQL URL (postgres://…)",
    schema: "the PostgreSQL schema",
    plugin: "load a plugin module (repeatable)",
    lang: "the language of the output: zh-CN or en",
    migrate: "apply the pending migrations",
    dryRun: "print the SQL that would run, and run nothing",
    citus: "distribute the tables on a Citus cluster after migrating",
    tick: "run the plugins' scheduled jobs for a time (each once for that time)",
    at: "the time (ISO 8601); now if not given",
    nothing: "no pending migrations",
    applied: "applied",
    ran: "ran",
    skipped: "already run for this time, skipped",
    noPlugin: (module: string) => `module ${module} exports no plugin`,
    badTime: (at: string) => `not a time: ${at} (ISO 8601, e.g. 2020-10-09T08:00:00+08:00)`
  }
} as const

/** The messages of a locale. @since 0.1.0 */
export type Messages = (typeof messages)[Locale]

/**
 * The locale `--lang` names, else the one the environment's `LC_ALL`, `LC_MESSAGES`
 * or `LANG` names (Chinese ones give zh-CN, others en), else zh-CN.
 *
 * @since 0.1.0
 */
export const localeOf = (lang: string | undefined, env: NodeJS.ProcessEnv = process.env): Locale => {
  if (lang === "zh-CN" || lang === "en") return lang
  const fromEnv = env["LC_ALL"] || env["LC_MESSAGES"] || env["LANG"]
  if (fromEnv === undefined || fromEnv === "") return "zh-CN"
  return /^zh/i.test(fromEnv) ? "zh-CN" : "en"
}

/** The messages of a locale. @since 0.1.0 */
export const messagesFor = (locale: Locale): Messages => messages[locale]
