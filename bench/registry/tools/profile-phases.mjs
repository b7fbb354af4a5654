#!/usr/bin/env node
/**
 * Sorts the samples of a `node --cpu-prof` profile of the kernel path into the
 * phases of a residents import (CSV parse, row decode, toRow with the ID
 * number check and the sealing, staging insert, the check SQL, the settle SQL)
 * and prints milliseconds and microseconds per row for each.
 *
 *   node tools/profile-phases.mjs <file.cpuprofile> <rows> [<from µs> <to µs>]
 *
 * With a window (the bench prints it when run under --cpu-prof), only the
 * samples of the timed import count. A sample goes to the first phase in the
 * list below that any frame of its stack belongs to, so work done for a row
 * counts as that phase even when it runs under the staging insert's loop.
 * Native code (SQLite's statement.run) shows as the self time of the
 * JavaScript function that called it: `bulkInsert` for the staging, the
 * adapter's `run` for the settling INSERT … SELECTs, its `all` for the check's
 * SELECTs. Meant for SQLite: on PostgreSQL the SQL runs in the server, and
 * shows here as idle.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"

const { positionals } = parseArgs({ allowPositionals: true, options: {} })
const [file, rowsText, fromText, toText] = positionals
if (file === undefined || !(Number(rowsText) > 0)) {
  console.error("Usage: node tools/profile-phases.mjs <file.cpuprofile> <rows> [<from µs> <to µs>]")
  process.exit(2)
}
const rows = Number(rowsText)
const from = fromText === undefined ? -Infinity : Number(fromText)
const to = toText === undefined ? Infinity : Number(toText)
const profile = JSON.parse(readFileSync(file, "utf8"))
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)

const core = (f) => /packages\/core\/dist\//.test(f.url)
const sqlite = (f) => /adapters\/sqlite\/dist\//.test(f.url)
const named = (test, names) => (f) => test(f) && names.test(f.functionName)

/** [label, test of a call frame], by priority. */
const phases = [
  ["(garbage collector)", (f) => f.functionName === "(garbage collector)"],
  ["(idle: waiting on I/O or the server)", (f) => f.functionName === "(idle)"],
  [
    "toRow: hash + encrypt ID number and phone (Secrets)",
    (f) =>
      named(core, /^(hash|seal|nonce|encrypt|documentHash|phoneHash)\d*$/)(f) || /node:internal\/crypto/.test(f.url)
  ],
  ["toRow: ID number check (IdentityDocument)", named(core, /^(checkDocument|checkResidentId|normalise)\d*$/)],
  [
    "toRow: the rest (cells, vocabulary, flats and households maps)",
    named(core, /^(toRow|parseRelation|parseTag|splitTags|key|isDate|normalisePhone|problem|cell)\d*$/)
  ],
  [
    "row decode (fastDecode / Effect Schema)",
    (f) =>
      named(core, /^(compile\w*|go|rowDecoder)\d*$/)(f) ||
      /effect\/dist\/esm\/(ParseResult|Schema|SchemaAST)\.js/.test(f.url)
  ],
  ["CSV parse (csv-parse)", (f) => /csv-parse/.test(f.url)],
  [
    "CSV records (Csv.ts: reading, records, trimming)",
    (f) =>
      named(core, /^(records|toRecord|handle|take|lineBreaks|isBlank|chunksOf|push|decode|undecided|readCsv)\d*$/)(f) ||
      /node:internal\/fs\/streams|node:internal\/streams/.test(f.url)
  ],
  ["kernel runImport loop (accept, rows generator)", named(core, /^(accept|rows|isRecord)\d*$/)],
  ["SQL settle (INSERT … SELECT, DELETE: adapter run)", named(sqlite, /^run$/)],
  ["SQL check and prepare (SELECTs: adapter all)", named(sqlite, /^(all|iterate)$/)],
  ["staging insert (bulkInsert, incl. native statement.run)", named(sqlite, /^(bulkInsert|convert|toSqlite)$/)],
  ["COMMIT (adapter commit: the transaction's pages to the WAL)", named(sqlite, /^commit$/)],
  ["better-sqlite3 JS wrappers", (f) => /better-sqlite3/.test(f.url)],
  ["Kysely", (f) => /kysely/.test(f.url)],
  ["Effect runtime", (f) => /\/effect@/.test(f.url)],
  ["microtasks (for await)", (f) => /^(runMicrotasks|processTicksAndRejections)$/.test(f.functionName)],
  ["module loading", (f) => /node:internal\/modules/.test(f.url) || f.functionName === "compileSourceTextModule"]
]

const SETTLE = "SQL settle (INSERT … SELECT, DELETE: adapter run)"
const CHECK = "SQL check and prepare (SELECTs: adapter all)"
/** Runs of one SQL phase in time order, to tell the statements apart: [label, ms]. */
const statements = []
let current
const totals = new Map()
let all = 0
let time = profile.startTime
for (let i = 0; i < profile.samples.length; i++) {
  const micros = profile.timeDeltas[i] ?? 0
  time += micros
  if (time < from || time > to) continue
  all += micros
  let best = phases.length
  for (let id = profile.samples[i]; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id).callFrame
    for (let p = 0; p < best; p++) {
      if (phases[p][1](frame)) {
        best = p
        break
      }
    }
  }
  const label = best < phases.length ? phases[best][0] : "other"
  totals.set(label, (totals.get(label) ?? 0) + micros)
  if (label === SETTLE || label === CHECK) {
    if (current?.label !== label) statements.push((current = { label, micros: 0 }))
    current.micros += micros
  } else if (label !== "(garbage collector)") current = undefined
}

console.log(`${(all / 1e6).toFixed(2)} s profiled, ${rows.toLocaleString("en")} rows`)
console.log("      ms   µs/row      %")
for (const [label, micros] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(
    `${(micros / 1000).toFixed(0).padStart(8)} ${(micros / rows).toFixed(2).padStart(8)} ${((100 * micros) / all).toFixed(1).padStart(6)}  ${label}`
  )
}

// The SQL statements, one run of samples each (a run shorter than 20 ms is left out).
const shown = statements.filter((s) => s.micros >= 20_000)
if (shown.length > 0) {
  console.log(
    "\nSQL statements in the order they ran (settle: dwellings, households, residents, residences, tags, clean-up):"
  )
  for (const { label, micros } of shown) {
    console.log(
      `${(micros / 1000).toFixed(0).padStart(8)} ${(micros / rows).toFixed(2).padStart(8)}  ${label === SETTLE ? "settle" : "check"}`
    )
  }
}
