#!/usr/bin/env node
/**
 * Sorts the samples of a `node --cpu-prof` profile of this benchmark into
 * categories (Effect Schema decode, the adapter's write loop, the row source,
 * GC, idle...) and prints milliseconds and microseconds per row for each.
 *
 *   node tools/profile-categories.mjs <file.cpuprofile> <rows>
 *
 * A sample goes to the first category that matches a frame of its stack, from
 * the innermost frame out; native code (better-sqlite3's statement.run) shows as
 * the self time of the JavaScript function that called it.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"

const { positionals } = parseArgs({ allowPositionals: true, options: {} })
const [file, rowsText] = positionals
if (file === undefined || !(Number(rowsText) > 0)) {
  console.error("Usage: node tools/profile-categories.mjs <file.cpuprofile> <rows>")
  process.exit(2)
}
const rows = Number(rowsText)
const profile = JSON.parse(readFileSync(file, "utf8"))
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)

/** [label, test of a call frame], in the order they are tried on each frame. */
const categories = [
  ["(garbage collector)", (f) => f.functionName === "(garbage collector)"],
  ["(idle: waiting on I/O or the server)", (f) => f.functionName === "(idle)"],
  ["uuidv7 (both paths)", (f) => /\/uuid@/.test(f.url)],
  ["row generator (both paths)", (f) => /bench\/import\/dist\/generator\.js/.test(f.url)],
  [
    "bare loop incl. native insert (bench sqlite.ts/postgres.ts run)",
    (f) => /bench\/import\/dist\/(sqlite|postgres)\.js/.test(f.url) && f.functionName === "run"
  ],
  [
    "adapter-sqlite convert/toSqlite",
    (f) => /adapters\/sqlite\/dist/.test(f.url) && /^(convert|toSqlite)$/.test(f.functionName)
  ],
  [
    "adapter-sqlite bulkInsert incl. native statement.run",
    (f) => /adapters\/sqlite\/dist/.test(f.url) && f.functionName === "bulkInsert"
  ],
  [
    "adapter-postgres encodeRow/encodeValue",
    (f) =>
      /adapters\/postgres\/dist/.test(f.url) && /^(encodeRow|encodeValue|isoString|escapeText)$/.test(f.functionName)
  ],
  [
    "COPY stream plumbing (encodeChunks, streams, Buffer, socket)",
    (f) =>
      /adapters\/postgres\/dist/.test(f.url) ||
      /node:internal\/streams|pg-copy-streams|node:buffer|node:net|stream_base/.test(f.url)
  ],
  ["bench plugin toRow", (f) => /bench\/import\/dist\/plugin\.js/.test(f.url)],
  [
    "Effect Schema decode (Kernel.ts runImport: decodeRow)",
    (f) =>
      /effect@[^/]+\/node_modules\/effect\/dist\/esm\/(ParseResult|Schema|SchemaAST|Either|Option|Predicate|Function|internal\/either|internal\/option)\.js/.test(
        f.url
      )
  ],
  ["Kernel.ts runImport: rows() async generator", (f) => /core\/dist/.test(f.url) && f.functionName === "rows"],
  ["better-sqlite3 JS wrappers", (f) => /better-sqlite3/.test(f.url)],
  ["pg driver", (f) => /\/pg@|pg-protocol/.test(f.url)],
  ["microtasks (for await)", (f) => /^(runMicrotasks|processTicksAndRejections)$/.test(f.functionName)],
  ["module loading", (f) => /node:internal\/modules/.test(f.url) || f.functionName === "compileSourceTextModule"]
]

const totals = new Map()
let all = 0
for (let i = 0; i < profile.samples.length; i++) {
  const micros = profile.timeDeltas[i] ?? 0
  all += micros
  let label = "other"
  search: for (let id = profile.samples[i]; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id).callFrame
    for (const [name, test] of categories) {
      if (test(frame)) {
        label = name
        break search
      }
    }
  }
  totals.set(label, (totals.get(label) ?? 0) + micros)
}

console.log(`${(all / 1e6).toFixed(2)} s profiled, ${rows.toLocaleString("en")} rows`)
console.log("      ms   µs/row      %")
for (const [label, micros] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(
    `${(micros / 1000).toFixed(0).padStart(8)} ${(micros / rows).toFixed(2).padStart(8)} ${((100 * micros) / all).toFixed(1).padStart(6)}  ${label}`
  )
}
