import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Kernel, type KernelOptions, makeKernel } from "@shequ/core"
import { afterAll } from "vitest"
import { dropSchemas, freshSchema, servers } from "../../adapters/postgres/test/servers.js"
import { openStorage } from "../src/storage.js"

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url))

/** What a run of the built command did. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the built `shequ` command, as a user would, with `env` added to the
 * environment. Colour is off unless `env` asks for it, whatever the runner's
 * own terminal.
 */
export const shequWith = (env: NodeJS.ProcessEnv, ...args: ReadonlyArray<string>): Promise<Run> => {
  const { FORCE_COLOR: _force, NO_COLOR: _none, ...inherited } = process.env
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 16 * 1024 * 1024, env: { ...inherited, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  })
}

/** Runs the built `shequ` command, as a user would. */
export const shequ = (...args: ReadonlyArray<string>): Promise<Run> => shequWith({}, ...args)

/** A kernel in the test's own process on the database `--db` (and `--schema`) point to, as a host would open it. */
export const kernelOn = (db: ReadonlyArray<string>, options: Omit<KernelOptions, "storage"> = {}): Promise<Kernel> => {
  const flag = (name: string) => (db.includes(name) ? db[db.indexOf(name) + 1] : undefined)
  const schema = flag("--schema")
  const { storage } = openStorage({ db: flag("--db")!, ...(schema === undefined ? {} : { schema }) })
  return makeKernel({ storage, ...options })
}

const dirs: Array<string> = []
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temporary directory, removed after the file's tests. */
export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "shequ-cli-"))
  dirs.push(dir)
  return dir
}

/** The sample files of the Lingdong example. */
export const sample = {
  places: fileURLToPath(new URL("../../../examples/lingdong/data/sample-places.csv", import.meta.url)),
  residents: fileURLToPath(new URL("../../../examples/lingdong/data/sample-residents.csv", import.meta.url))
} as const

/** A file's lines, without the trailing empty one. */
export const linesOf = (path: string): ReadonlyArray<string> =>
  readFileSync(path, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line !== "")

/** Where `--db` (and `--schema`) point for one engine; `fresh()` gives a new, empty database. */
export interface Engine {
  readonly name: string
  readonly fresh: () => ReadonlyArray<string>
}

const schemas = new Map<string, Array<string>>()
afterAll(async () => {
  for (const [url, names] of schemas) await dropSchemas(url, names)
})

/** SQLite in a temporary file, and every PostgreSQL server of the run, each schema dropped afterwards. */
export const engines = (): ReadonlyArray<Engine> => [
  { name: "SQLite", fresh: () => ["--db", join(tempDir(), "shequ.db")] },
  ...servers().map((server) => ({
    name: server.name,
    fresh: () => {
      const schema = freshSchema()
      schemas.set(server.url, [...(schemas.get(server.url) ?? []), schema])
      return ["--db", server.url, "--schema", schema]
    }
  }))
]

/**
 * SQLite and the newest PostgreSQL of the run: for the reports, whose SQL the
 * conformance suite already runs on every PostgreSQL version; what these
 * tests add is the command's output, the same on every server.
 */
export const sqliteAndNewest = (): ReadonlyArray<Engine> => {
  const all = engines()
  return [all[0]!, all[all.length - 1]!]
}
