#!/usr/bin/env node
/**
 * Where a profiled bench run spent the timed sweeps: the functions with the
 * most self time and the most inclusive time, counting only the samples inside
 * the windows the bench printed ("profile windows (µs): FROM TO FROM TO …").
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/main.js --engine sqlite
 *   node tools/profile-top.mjs "$(ls -t /tmp/prof/*.cpuprofile | head -1)" FROM TO [FROM TO …]
 *
 * better-sqlite3 runs SQL synchronously, so SQLite's own time shows as the self
 * time of the adapter's calls into it: `exec` (COMMIT), `all` (the sweep's
 * SELECT and its UPDATE … RETURNING) and `write` (bulk rows: the records and,
 * past 200 of them, the events).
 */
import { readFileSync } from "node:fs"

const [file, ...bounds] = process.argv.slice(2)
if (file === undefined || bounds.length === 0 || bounds.length % 2 !== 0) {
  console.error("usage: node tools/profile-top.mjs PROFILE.cpuprofile FROM TO [FROM TO …]")
  process.exit(2)
}
const windows = []
for (let i = 0; i < bounds.length; i += 2) windows.push([Number(bounds[i]), Number(bounds[i + 1])])
const inside = (t) => windows.some(([from, to]) => t >= from && t <= to)

const profile = JSON.parse(readFileSync(file, "utf8"))
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame
  return `${functionName || "(anonymous)"} ${url.split("/").slice(-3).join("/")}:${lineNumber + 1}`
}

const self = new Map()
const inclusive = new Map()
let total = 0
let t = profile.startTime
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]
  if (!inside(t)) continue
  const dt = profile.timeDeltas[i + 1] ?? 0
  total += dt
  let id = profile.samples[i]
  const own = label(nodes.get(id))
  self.set(own, (self.get(own) ?? 0) + dt)
  const seen = new Set()
  for (; id !== undefined; id = parents.get(id)) {
    const name = label(nodes.get(id))
    if (seen.has(name)) continue
    seen.add(name)
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt)
  }
}

const sweeps = windows.length
const print = (title, times, count) => {
  console.log(`\n${title}`)
  for (const [name, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(
      `${(us / 1000 / sweeps).toFixed(1).padStart(9)} ms/sweep ${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`
    )
  }
}
console.log(`${sweeps} sweeps, ${(total / 1000 / sweeps).toFixed(1)} ms of samples per sweep`)
print("self time", self, 25)
print("inclusive time", inclusive, 40)
