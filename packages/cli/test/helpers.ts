import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { type Kernel, type KernelOptions, makeKernel } from "@shequ/core"
import { afterAll } from "vitest"
import { dropSchemas, freshSchema, servers } from "../../adapters/postgres/test/servers.js"
import { runShequ } from "../src/run.js"
import { openStorage } from "../src/storage.js"

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url))

/** What a run of the command did. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const inherited = (): NodeJS.ProcessEnv => {
  const { FORCE_COLOR: _force, NO_COLOR: _none, ...env } = process.env
  return env
}

/** A stream that keeps what is written to it, as a pipe would carry it. */
const capture = () => {
  const chunks: Array<Buffer> = []
  const stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      chunks.push(Buffer.from(chunk))
      done()
    }
  })
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") }
}

/**
 * Runs `shequ` in the test's own process, with `env` added to the
 * environment, as a host embedding the command runs it. Colour is off unless
 * `env` asks for it, whatever the runner's own terminal.
 */
export const shequWith = async (env: NodeJS.ProcessEnv, ...args: ReadonlyArray<string>): Promise<Run> => {
  const stdout = capture()
  const stderr = capture()
  const code = await runShequ(args, { stdout: stdout.stream, stderr: stderr.stream, env: { ...inherited(), ...env } })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** Runs `shequ` in the test's own process. */
export const shequ = (...args: ReadonlyArray<string>): Promise<Run> => shequWith({}, ...args)

/** Runs the built `shequ` bin in a process of its own, as a user at a terminal would. */
export const shequBin = (...args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 16 * 1024 * 1024, env: inherited() },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  })

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
