/**
 * Writes the shipped samples, `examples/lingdong/data/sample-places.csv` and
 * `sample-residents.csv` (zh-CN headers, UTF-8 without BOM), from
 * {@link SAMPLE_OPTIONS}. Run from the repository root:
 *
 *     npx tsx examples/lingdong/src/generator/write-samples.ts
 */
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { SAMPLE_OPTIONS, writePlaces, writeResidents } from "./index.js"

const data = new URL("../../data/", import.meta.url)
mkdirSync(data, { recursive: true })
const places = await writePlaces(SAMPLE_OPTIONS, fileURLToPath(new URL("sample-places.csv", data)))
const residents = await writeResidents(SAMPLE_OPTIONS, fileURLToPath(new URL("sample-residents.csv", data)))
console.log(`sample-places.csv: ${places.rows} buildings; sample-residents.csv: ${residents.rows} residents`)
