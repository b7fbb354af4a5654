#!/usr/bin/env node
/**
 * `pnpm bench <name> [args...]`: runs the `start` script of bench/<name>,
 * passing the remaining arguments through untouched. Without a name, or with
 * one that is not a folder of bench/, prints the benchmarks and exits with 2.
 */
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const benchDir = join(root, "bench")

/** The benchmarks: folders of bench/ whose package.json has a `start` script. */
const benches = () =>
  (existsSync(benchDir) ? readdirSync(benchDir, { withFileTypes: true }) : [])
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const manifest = join(benchDir, entry.name, "package.json")
      if (!existsSync(manifest)) return []
      const pkg = JSON.parse(readFileSync(manifest, "utf8"))
      return pkg.scripts?.start ? [{ name: entry.name, description: pkg.description ?? "" }] : []
    })
    .sort((a, b) => a.name.localeCompare(b.name))

const usage = (problem) => {
  const list = benches()
  const width = Math.max(0, ...list.map((b) => b.name.length))
  const lines = [
    ...(problem ? [`bench: ${problem}`, ""] : []),
    "Usage: pnpm bench <name> [args...]",
    "",
    "Benchmarks (bench/<name>):",
    ...(list.length > 0 ? list.map((b) => `  ${b.name.padEnd(width)}  ${b.description}`) : ["  (none)"]),
    "",
    "Arguments after the name go to the benchmark, e.g. pnpm bench import --help"
  ]
  console.error(lines.join("\n"))
}

// Only the name is ours: everything after it belongs to the benchmark, options included.
const { tokens } = parseArgs({ args: process.argv.slice(2), strict: false, allowPositionals: true, tokens: true })
const first = tokens[0]
const rest = first ? process.argv.slice(2 + 1) : []

if (first === undefined) {
  usage("no benchmark named")
  process.exit(2)
}
if (first.kind !== "positional") {
  const help = first.kind === "option" && (first.name === "help" || first.name === "h")
  usage(help ? undefined : `expected a benchmark name, not ${first.rawName ?? "--"}`)
  process.exit(help ? 0 : 2)
}
const name = first.value
if (!benches().some((b) => b.name === name)) {
  usage(`unknown benchmark ${JSON.stringify(name)}`)
  process.exit(2)
}

const child = spawn("pnpm", ["--silent", "--filter", `./bench/${name}`, "run", "start", ...rest], {
  cwd: root,
  stdio: "inherit"
})
child.on("error", (error) => {
  console.error(`bench: could not run pnpm: ${error.message}`)
  process.exit(1)
})
// Ctrl-C reaches the child directly (same process group): we only wait for it.
// A SIGTERM sent to us alone is passed on, so the benchmark can clean up.
process.on("SIGINT", () => {})
process.on("SIGTERM", () => child.kill("SIGTERM"))
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1))
})
