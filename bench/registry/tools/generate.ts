/**
 * Writes the Lingdong district's two base-data files for the bench, with the
 * example's own generator: the places file (one row per building) and the
 * residents file (one row per person), UTF-8 with zh-CN headers, as a district
 * office would export them.
 *
 *   node --import tsx tools/generate.ts --seed S --residents N --places FILE --people FILE
 *
 * It runs in its own process, under tsx (the generator ships as TypeScript
 * source), so neither the loader nor the generator counts in the bench's
 * memory. Each file is written beside its final name and renamed when complete.
 * Prints one JSON line: the rows written, the generator's own totals, and
 * `--sample K` ID numbers spread evenly over the residents file (the first
 * field of every k-th row), for the bench's look-ups; reading them here keeps
 * a scan of the whole file out of the bench's heap too.
 */
import { createReadStream } from "node:fs"
import { rename } from "node:fs/promises"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import { describeDistrict, writePlaces, writeResidents } from "@shequ/example-lingdong/generator"

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    residents: { type: "string" },
    places: { type: "string" },
    people: { type: "string" },
    sample: { type: "string", default: "0" }
  },
  strict: true
})
const seed = Number(values.seed)
const residents = Number(values.residents)
const { places, people } = values
if (!Number.isInteger(seed) || !Number.isInteger(residents) || places === undefined || people === undefined) {
  console.error("Usage: generate.ts --seed S --residents N --places FILE --people FILE [--sample K]")
  process.exit(2)
}

const options = { seed, residents }
const started = performance.now()
const placeRows = await writePlaces(options, `${places}.partial`)
await rename(`${places}.partial`, places)
const residentRows = await writeResidents(options, `${people}.partial`)
await rename(`${people}.partial`, people)
const { expected, streets } = describeDistrict(options)

const sampleSize = Number(values.sample)
const every = Math.max(1, Math.floor(residentRows.rows / Math.max(1, sampleSize)))
const sample: Array<string> = []
let line = -1
for await (const text of createInterface({ input: createReadStream(people), crlfDelay: Infinity })) {
  line++
  if (line === 0 || (line - 1) % every !== 0 || sample.length >= sampleSize) continue
  sample.push(text.slice(0, text.indexOf(",")))
}
const grids = streets.reduce((n, s) => n + s.communities.reduce((m, c) => m + c.grids.length, 0), 0)
console.log(
  JSON.stringify({
    places: placeRows.rows,
    residents: residentRows.rows,
    grids,
    expected,
    sample,
    seconds: (performance.now() - started) / 1000
  })
)
