/**
 * `pnpm lingdong`: the Lingdong scenario on an embedded SQLite file, or on
 * PostgreSQL with `--db postgres://…`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { isPostgres, openStorage } from "@shequ/cli"
import { makeKernel, Secrets, type Storage } from "@shequ/core"
import { print, type Lang } from "./print.js"
import { plugins, run } from "./scenario.js"

const usage = `pnpm lingdong [options]

  --db <path|url>   a SQLite file (default examples/lingdong/.data/lingdong.db, made anew)
                    or a PostgreSQL URL (postgres://user:pass@host/db)
  --schema <name>   the PostgreSQL schema (default lingdong)
  --citus           distribute the tables on a Citus cluster after migrating
  --seed <n>        the random seed (default 2020)
  --scale <x>       1 is the case's district (214 grids, 59,000 residents); 0.1 a tenth (default 1)
  --key-file <file> the key ID and phone numbers are sealed with (default next to the
                    SQLite file; made on first use)
  --lang <zh-CN|en> the language of the report (default zh-CN)
  --keep            keep an existing SQLite file instead of starting anew
  -h, --help        this text`

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`)
  process.exit(2)
}

// `pnpm lingdong -- --scale 0.1` passes the `--` along.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"))

const parse = () => {
  try {
    return parseArgs({ args, options })
  } catch (error) {
    return fail((error as Error).message)
  }
}

const options = {
  db: { type: "string" },
  schema: { type: "string", default: "lingdong" },
  citus: { type: "boolean", default: false },
  seed: { type: "string", default: "2020" },
  scale: { type: "string", default: "1" },
  lang: { type: "string", default: "zh-CN" },
  keep: { type: "boolean", default: false },
  "key-file": { type: "string" },
  help: { type: "boolean", short: "h", default: false }
} as const

const { values } = parse()

if (values.help) {
  console.log(usage)
  process.exit(0)
}
const seed = Number(values.seed)
const scale = Number(values.scale)
if (!Number.isInteger(seed)) fail(`--seed must be a whole number, not ${values.seed}`)
if (!(scale > 0 && scale <= 1)) fail(`--scale must be a number above 0 and at most 1, not ${values.scale}`)
if (values.lang !== "zh-CN" && values.lang !== "en") fail(`--lang must be zh-CN or en, not ${values.lang}`)
const lang = values.lang as Lang

const openLingdong = (): { storage: Storage; where: string } => {
  if (values.db !== undefined && isPostgres(values.db)) {
    return openStorage({ db: values.db, schema: values.schema, citus: values.citus })
  }
  if (values.citus) fail("--citus needs a PostgreSQL --db URL")
  const file = values.db ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".data", "lingdong.db")
  if (!values.keep) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true })
  mkdirSync(dirname(file), { recursive: true })
  return openStorage({ db: file })
}

/** The key in `--key-file`, or in the example's own file, made with a fresh key the first time. */
const keyOf = (): string => {
  const file = values["key-file"] ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".data", "lingdong.key")
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${Secrets.generateKey()}\n`, { mode: 0o600 })
  }
  return readFileSync(file, "utf8").trim()
}

const { storage, where } = openLingdong()
try {
  const kernel = await makeKernel({ storage, plugins: [...plugins], locale: lang, secrets: { key: keyOf() } })
  try {
    const result = await run(kernel, { seed, scale })
    print(result, { lang, where, applied: kernel.applied })
  } finally {
    await kernel.close()
  }
} catch (error) {
  // The kernel's errors are values with a code and a message in both languages.
  const text = (error as { text?: Record<Lang, string> }).text
  console.error(text ? `[${(error as { code: string }).code}] ${text[lang]}` : error)
  await storage.close()
  process.exitCode = 1
}
