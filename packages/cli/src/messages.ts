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
    help: "显示帮助",
    helpCommand: "显示某个命令的帮助",
    titles: {
      "Usage:": "用法：",
      "Arguments:": "参数：",
      "Options:": "选项：",
      "Commands:": "命令：",
      "Global Options:": "全局选项："
    } as Readonly<Record<string, string>>,
    migrate: "执行尚未执行的迁移",
    dryRun: "只打印将执行的 SQL，不执行",
    citus: "迁移后在 Citus 集群上分布各表",
    citusNeedsPostgres: "--citus 需要 PostgreSQL 的 --db 地址",
    tick: "按给定时间运行各插件的定时任务（同一时间只运行一次），如诉求超时上报",
    at: "时间（ISO 8601，如 2020-10-09T08:00；不带时区时按北京时间），默认为现在",
    nothing: "没有待执行的迁移",
    applied: "已执行的迁移",
    ran: (district: string, job: string) => `已运行：${district} ${job}`,
    skipped: (district: string, job: string) => `此时间已运行过，跳过：${district} ${job}`,
    noPlugin: (module: string) => `模块 ${module} 没有导出任何插件`,
    badTime: (at: string) =>
      `无法识别的时间：${at}（应为 ISO 8601，如 2020-10-09、2020-10-09T08:00 或 2020-10-09T08:00:00+08:00；不带时区时按北京时间）`,
    tickAt: (at: string) => `定时任务时间：${at}`,
    noJobs: "没有可运行的定时任务（数据库中没有行政区，或已加载的插件没有定时任务）",

    init: "建库：执行迁移，登记行政区；指定的密钥文件不存在时生成新密钥",
    districtCode: "行政区划代码（GB/T 2260，6 位数字，如 230503）",
    districtName: "行政区名称，如 岭东区",
    keyFile:
      "密钥文件（32 字节，Base64 或 64 位十六进制）。身份证号和手机号用它加密和计算散列；数据库只保存其指纹，此后拒绝其他密钥",
    initKeyFile:
      "密钥文件；不存在时生成新的随机密钥写入该文件（权限 0600）。请妥善备份：丢失后已存号码无法再查看或查重",
    badDistrictCode: (code: string) => `行政区划代码应为 6 位数字（GB/T 2260）：${code}`,
    badDistrictName: "行政区名称不能为空",
    districtRegistered: (code: string, name: string) => `已登记行政区 ${code} ${name}`,
    keyCreated: (path: string) =>
      `已生成新密钥：${path}（权限 0600）。请立即备份此文件：数据库只认这把密钥，丢失后已存的身份证号和手机号无法再查看或查重。`,
    keyUsed: (path: string) => `使用密钥文件 ${path}`,
    keyFileMissing: (path: string) => `密钥文件不存在：${path}（可用 shequ init --key-file ${path} 生成）`,
    keyFileUnreadable: (path: string, reason: string) => `无法读取密钥文件 ${path}：${reason}`,
    keyFileLoose: (path: string, mode: string) =>
      `警告：密钥文件 ${path} 的权限为 ${mode}，其他用户可以读取；建议执行 chmod 600 ${path}`,
    keyFileCreateFailed: (path: string, reason: string) => `无法创建密钥文件 ${path}：${reason}`,

    dbMissing: (path: string) => `数据库文件不存在：${path}（请先执行 shequ init）`,
    dbOpenFailed: (where: string, reason: string) => `无法打开数据库（${where}）：${reason}`,
    noDistrict: "数据库中还没有登记行政区，请先执行 shequ init",
    ambiguousDistrict: (codes: string) => `数据库中有多个行政区（${codes}），请用 --district 指定`,
    unknownDistrict: (code: string, codes: string) =>
      `数据库中没有行政区 ${code}${codes === "" ? "" : `（已登记：${codes}）`}`,
    district: "行政区划代码；数据库中只有一个行政区时可省略",

    importGroup: "批量导入基础数据（CSV，UTF-8 或 GB18030/GBK，表头可用中文或英文）",
    importPlaces: "导入楼栋：每行一栋楼（街道、社区、网格、小区、楼栋、套数）",
    importResidents: "导入居民：每行一人（身份证号、姓名、小区、楼栋、房号、户号、与户主关系……）",
    file: "CSV 文件",
    create: "登记表中尚不存在的街道、社区、网格和小区（不加此项时视为错误，以免错字新建街道）",
    onlyValid: "只导入无误的行，其余行列入报告（不加此项时，只要有一行出错就什么都不写入）",
    encoding: "文件编码：utf-8、gbk、gb2312、gb18030；默认自动识别",
    badEncoding: "应为 utf-8、gbk、gb2312、gb18030 或 auto",
    report: "把出错的行写入此 CSV 文件（row,column,code,message_zh,message_en）",
    importDryRun: "检查所有行，但不写入任何数据",
    fileMissing: (path: string) => `文件不存在或不是普通文件：${path}`,
    imported: (rows: number) => `已导入 ${rows} 行`,
    wouldImport: (rows: number) => `试运行：${rows} 行可以导入，未写入任何数据`,
    refused: (rows: number) => `${rows} 行有错误`,
    nothingWritten: "未写入任何数据（加 --only-valid 可只导入无误的行）",
    goodRowsWritten: (rows: number) => `已导入其余 ${rows} 行无误的行`,
    wouldWriteGoodRows: (rows: number) => `试运行：其余 ${rows} 行无误，未写入任何数据`,
    fileRefused: "文件无法读取，未写入任何数据",
    reportWritten: (path: string, problems: number) => `错误报告（${problems} 处）已写入 ${path}`,
    moreProblems: (more: number) => `……另有 ${more} 处错误；用 --report 文件 可得到完整报告`,
    problemLine: (row: number | undefined, column: string | undefined, text: string, code: string) =>
      `${row === undefined ? "" : `第 ${row} 行`}${column ? `${row === undefined ? "" : "，"}${column}` : ""}` +
      `${row === undefined && !column ? "" : "："}${text}（${code}）`,
    counts: {
      streets: "街道",
      communities: "社区",
      grids: "网格",
      compounds: "小区",
      buildings: "楼栋",
      dwellings: "房屋",
      households: "户",
      residents: "居民",
      tags: "标签"
    } as Readonly<Record<string, string>>,
    importing: "导入中",
    tagsWritten: "标签：",

    reportGroup: "统计报表",
    reportPopulation: "按街道、社区或网格统计户数和人数",
    by: "统计层级：street（街道）、community（社区）、grid（网格）",
    format: "输出格式：table（表格）、csv、json",
    columns: { code: "代码", name: "名称", households: "户数", residents: "人数" },
    total: "合计",

    reportStamps: "按月份、类别、事项和提出部门统计准予和拒绝的次数（某事项或某部门的拒绝次数逐月上升，即为反弹苗头）",
    community: "社区代码（12 位）；不加此项时统计全区",
    stampsFrom: "起始日期（YYYY-MM-DD，含当日）；不加此项时从最早的申请算起",
    stampsTo: "结束日期（YYYY-MM-DD，含当日）；不加此项时算到最近的申请",
    stampColumns: {
      month: "月份",
      kind: "类别",
      code: "代码",
      department: "提出部门",
      granted: "准予",
      refused: "拒绝"
    },
    kinds: { item: "盖章事项", plaque: "挂牌", work: "工作准入" },
    reportServices: "按网格和层级统计一个时期的诉求：受理、在办、按时办结、超时办结、超期未办和上报",
    servicesFrom: "统计期的起始日期（YYYY-MM-DD，含当日）；默认为结束日期所在月的 1 日",
    servicesTo: "统计期的结束日期（YYYY-MM-DD，含当日）；默认为今天（北京时间）",
    serviceColumns: {
      grid: "网格",
      level: "层级",
      received: "受理",
      open: "在办",
      doneOnTime: "按时办结",
      doneLate: "超时办结",
      overdue: "超期未办",
      escalated: "上报"
    },
    levels: { grid: "网格", community: "社区", street: "街道", district: "区综治中心" },
    period: (from: string, to: string) => `统计期：${from} 至 ${to}`,
    badDate: (option: string, value: string) => `${option} 不是有效日期：${value}（应为 YYYY-MM-DD，如 2024-10-01）`,
    backwardsPeriod: (from: string, to: string) => `起始日期 ${from} 晚于结束日期 ${to}`
  },
  en: {
    description: "The command line of shequ, the community-governance kernel",
    db: "the database: a SQLite file path, or a PostgreSQL URL (postgres://…)",
    schema: "the PostgreSQL schema",
    plugin: "load a plugin module (repeatable)",
    lang: "the language of the output: zh-CN or en",
    help: "display help",
    helpCommand: "display help for a command",
    titles: {} as Readonly<Record<string, string>>,
    migrate: "apply the pending migrations",
    dryRun: "print the SQL that would run, and run nothing",
    citus: "distribute the tables on a Citus cluster after migrating",
    citusNeedsPostgres: "--citus needs a PostgreSQL --db URL",
    tick: "run the plugins' scheduled jobs for a time (each once for that time), such as escalating overdue requests",
    at: "the time (ISO 8601, e.g. 2020-10-09T08:00; Asia/Shanghai when it has no offset); now if not given",
    nothing: "no pending migrations",
    applied: "applied",
    ran: (district: string, job: string) => `ran: ${district} ${job}`,
    skipped: (district: string, job: string) => `already run for this time, skipped: ${district} ${job}`,
    noPlugin: (module: string) => `module ${module} exports no plugin`,
    badTime: (at: string) =>
      `not a time: ${at} (ISO 8601, e.g. 2020-10-09, 2020-10-09T08:00 or 2020-10-09T08:00:00+08:00; Asia/Shanghai when it has no offset)`,
    tickAt: (at: string) => `jobs for ${at}`,
    noJobs: "no jobs to run (no district in the database, or no plugin loaded has a job)",

    init: "set up a database: migrate, register the district, and make a new key if the key file does not exist",
    districtCode: "the district's code (GB/T 2260, 6 digits, e.g. 230503)",
    districtName: "the district's name, e.g. 岭东区",
    keyFile:
      "the key file (32 bytes, base64 or 64 hex digits) ID and phone numbers are encrypted and hashed with; the database keeps its fingerprint and refuses any other key",
    initKeyFile:
      "the key file; if it does not exist, a new random key is written to it (mode 0600). Back it up: without it, stored numbers can no longer be read or checked",
    badDistrictCode: (code: string) => `a district code is 6 digits (GB/T 2260): ${code}`,
    badDistrictName: "the district's name is empty",
    districtRegistered: (code: string, name: string) => `district ${code} ${name} registered`,
    keyCreated: (path: string) =>
      `new key written to ${path} (mode 0600). Back this file up now: the database accepts no other key, and without it the stored ID and phone numbers can no longer be read or checked.`,
    keyUsed: (path: string) => `using the key file ${path}`,
    keyFileMissing: (path: string) => `no key file at ${path} (shequ init --key-file ${path} makes one)`,
    keyFileUnreadable: (path: string, reason: string) => `cannot read the key file ${path}: ${reason}`,
    keyFileLoose: (path: string, mode: string) =>
      `warning: the key file ${path} has mode ${mode}, so other users can read it; chmod 600 ${path}`,
    keyFileCreateFailed: (path: string, reason: string) => `cannot create the key file ${path}: ${reason}`,

    dbMissing: (path: string) => `no database file at ${path} (run shequ init first)`,
    dbOpenFailed: (where: string, reason: string) => `cannot open the database (${where}): ${reason}`,
    noDistrict: "no district is registered in this database; run shequ init first",
    ambiguousDistrict: (codes: string) => `this database holds several districts (${codes}); name one with --district`,
    unknownDistrict: (code: string, codes: string) =>
      `no district ${code} in this database${codes === "" ? "" : ` (registered: ${codes})`}`,
    district: "the district's code; may be left out when the database holds one district",

    importGroup: "import base data in bulk (CSV, UTF-8 or GB18030/GBK, zh-CN or en headers)",
    importPlaces: "import buildings: one row per building (street, community, grid, compound, building, flats)",
    importResidents:
      "import residents: one row per person (id_number, name, compound, building, flat, household, relation, …)",
    file: "the CSV file",
    create:
      "register streets, communities, grids and compounds not yet in the registry (without it they are errors, so a typo does not create a street)",
    onlyValid: "import the good rows and report the bad ones (without it, one bad row means nothing is written)",
    encoding: "the file's encoding: utf-8, gbk, gb2312, gb18030; detected if not given",
    badEncoding: "expected utf-8, gbk, gb2312, gb18030 or auto",
    report: "write the bad rows to this CSV file (row,column,code,message_zh,message_en)",
    importDryRun: "check every row, and write nothing",
    fileMissing: (path: string) => `no such file, or not a regular file: ${path}`,
    imported: (rows: number) => `${rows} rows imported`,
    wouldImport: (rows: number) => `dry run: ${rows} rows can be imported; nothing was written`,
    refused: (rows: number) => `${rows} rows refused`,
    nothingWritten: "nothing was written (--only-valid imports the good rows)",
    goodRowsWritten: (rows: number) => `the other ${rows} rows, all good, were imported`,
    wouldWriteGoodRows: (rows: number) => `dry run: the other ${rows} rows are good; nothing was written`,
    fileRefused: "the file cannot be read; nothing was written",
    reportWritten: (path: string, problems: number) => `report of ${problems} problem(s) written to ${path}`,
    moreProblems: (more: number) => `… and ${more} more; --report FILE writes them all`,
    problemLine: (row: number | undefined, column: string | undefined, text: string, code: string) =>
      `${row === undefined ? "" : `line ${row}`}${column ? `${row === undefined ? "" : ", "}${column}` : ""}` +
      `${row === undefined && !column ? "" : ": "}${text} (${code})`,
    counts: {} as Readonly<Record<string, string>>,
    importing: "importing",
    tagsWritten: "tags: ",

    reportGroup: "reports",
    reportPopulation: "households and residents by street, community or grid",
    by: "the level: street, community or grid",
    format: "the output: table, csv or json",
    columns: { code: "code", name: "name", households: "households", residents: "residents" },
    total: "total",

    reportStamps:
      "granted and refused requests by month, kind, item and requesting department (a refused count rising month by month is the old paperwork creeping back)",
    community: "the community's code (12 digits); the whole district if not given",
    stampsFrom: "the first day (YYYY-MM-DD, included); from the earliest request if not given",
    stampsTo: "the last day (YYYY-MM-DD, included); to the latest request if not given",
    stampColumns: {
      month: "month",
      kind: "kind",
      code: "code",
      department: "department",
      granted: "granted",
      refused: "refused"
    },
    kinds: { item: "stamp", plaque: "plaque", work: "work" },
    reportServices:
      "a period's service requests by grid and level: received, open, done on time, done late, overdue and escalated",
    servicesFrom: "the period's first day (YYYY-MM-DD, included); by default the 1st of the month it ends in",
    servicesTo: "the period's last day (YYYY-MM-DD, included); by default today in Asia/Shanghai",
    serviceColumns: {
      grid: "grid",
      level: "level",
      received: "received",
      open: "open",
      doneOnTime: "done on time",
      doneLate: "done late",
      overdue: "overdue",
      escalated: "escalated"
    },
    levels: { grid: "grid", community: "community", street: "street", district: "district command centre" },
    period: (from: string, to: string) => `period: ${from} to ${to}`,
    badDate: (option: string, value: string) => `${option} is not a date: ${value} (YYYY-MM-DD, e.g. 2024-10-01)`,
    backwardsPeriod: (from: string, to: string) => `the first day ${from} is after the last day ${to}`
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
