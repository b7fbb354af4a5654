/**
 * A small Lingdong for the year's tests: the district set up at `scale` from
 * the seed, with the year's staff appointed, on SQLite in memory.
 */
import { sqliteStorage } from "@shequ/adapter-sqlite"
import { type Kernel, makeKernel } from "@shequ/core"
import { LINGDONG, placesOf, plugins, setUp } from "../src/scenario.js"
import { appointStaff, type Places } from "../src/staff.js"

export const SEED = 2020

/** A kernel with the district set up at `scale`, and the places the year's stages work in. */
export const smallLingdong = async (scale: number): Promise<{ kernel: Kernel; places: Places }> => {
  const kernel = await makeKernel({
    storage: sqliteStorage({ filename: ":memory:" }),
    plugins: [...plugins],
    secrets: { key: "e".repeat(64) }
  })
  await setUp(kernel, { seed: SEED, scale })
  const places = await placesOf(kernel)
  await appointStaff(kernel, LINGDONG, places)
  return { kernel, places }
}
