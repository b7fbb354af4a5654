/**
 * The places file: one row per building, with the street, community and grid
 * it lies in, its compound and its number of flats, in tree order.
 */
import { CsvSink, type Encoding, line, type Output } from "./csv.js"
import type { Model } from "./district.js"

/** The places file's header in each language. */
export const PLACE_HEADERS = {
  "zh-CN": ["街道", "社区", "网格", "小区", "楼栋", "套数"],
  en: ["street", "community", "grid", "compound", "building", "flats"]
} as const

/** Writes the places of `model` to `out`; returns the number of rows (header excluded). */
export const writePlaceRows = async (
  model: Model,
  out: Output,
  language: keyof typeof PLACE_HEADERS,
  encoding: Encoding
): Promise<{ rows: number }> => {
  const sink = new CsvSink(out, encoding)
  try {
    let rows = 0
    sink.add(line(PLACE_HEADERS[language]))
    for (const street of model.streets) {
      for (const community of street.communities) {
        for (const grid of community.grids) {
          for (const building of grid.buildings) {
            const row = [street.name, community.name, grid.name, building.compound.name, building.name, building.flats]
            if (sink.add(line(row))) await sink.flush()
            rows++
          }
        }
      }
    }
    await sink.close()
    return { rows }
  } catch (error) {
    sink.abort()
    throw error
  }
}
