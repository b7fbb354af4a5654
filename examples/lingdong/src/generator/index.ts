/**
 * A deterministic generator of the Lingdong district's base data (底数), as
 * the two CSV files the registry imports:
 *
 * - **places**: one row per building — `街道,社区,网格,小区,楼栋,套数`
 *   (`street,community,grid,compound,building,flats`);
 * - **residents**: one row per person —
 *   `身份证号,姓名,手机号,小区,楼栋,单元,房号,户号,与户主关系,标签,入住日期`
 *   (`id_number,name,phone,compound,building,unit,flat,household,relation,tags,moved_in`).
 *
 * At scale 1 it is the 2020 case (DOMAIN.md): 15 street-level units, 11
 * communities, 214 grids, the three resettlement compounds with 285
 * buildings, 16,147 flats and 9,163 households, and older housing for the rest
 * of the 59,000 residents. The same options give the same bytes: all chance
 * comes from a seeded PRNG. Rows are streamed with back-pressure, so a million
 * residents are written in bounded memory.
 *
 * @example
 * ```ts
 * const district = describeDistrict({ seed: 2020 })
 * await writePlaces({ seed: 2020 }, "places.csv")
 * await writeResidents({ seed: 2020, residents: 1_000_000 }, "residents.csv")
 * const plan = redistrictingPlan({ seed: 2020 })
 * ```
 */
import type { Encoding, Output } from "./csv.js"
import { buildModel, DISTRICT, type Model, type StreetKind } from "./district.js"
import { planRedistricting, type RedistrictingPlan } from "./plan.js"
import { writePlaceRows } from "./places.js"
import { writeResidentRows } from "./residents.js"

export type { Encoding, Output } from "./csv.js"
export type { StreetKind } from "./district.js"
export type { GridRef, RedistrictingPlan } from "./plan.js"
export { PLACE_HEADERS } from "./places.js"
export { RESIDENT_HEADERS } from "./residents.js"
export { TAGS, type TagCode } from "./tags.js"

/** What to generate. */
export interface GeneratorOptions {
  /** The seed: the same seed and options give the same files, byte for byte. An integer, taken modulo 2^32. */
  readonly seed: number
  /**
   * 0 < scale <= 1 (default 1): shrinks every count of the case proportionally,
   * keeping at least 1 street office, 1 community, 2 grids and the 3
   * resettlement compounds with at least 1 building each (3 in all). Buildings
   * keep their realistic size (30-90 flats in the compounds, 12-60 in older
   * housing), so at small scales there are more flats than the scale alone
   * implies.
   */
  readonly scale?: number
  /**
   * The total number of residents (default 59,000 x scale), e.g. 1,000,000 for
   * a benchmark: the resettled households stay as the scale has them and the
   * older housing grows (or, below what the compounds hold, the compounds fill
   * up only that far).
   */
  readonly residents?: number
  /** The language of the header row (default `zh-CN`). Tags are always written as their zh-CN labels. */
  readonly language?: "zh-CN" | "en"
}

/** The options the shipped samples (`data/sample-*.csv`) are written with: a few dozen households. */
export const SAMPLE_OPTIONS: GeneratorOptions = { seed: 2020, scale: 0.002 }

/** A grid as generated. */
export interface GeneratedGrid {
  /** `第N网格`, unique within its community only. */
  readonly name: string
  /** 15 digits: the community's code and a 3-digit number. */
  readonly code: string
  /** Buildings in the grid, as generated (for tests of the generator). */
  readonly buildings: number
  /** Households in the grid, as generated (for tests of the generator). */
  readonly households: number
}

/** A community (社区) as generated. */
export interface GeneratedCommunity {
  readonly name: string
  /** 12 digits: the street's code and a 3-digit number. */
  readonly code: string
  readonly grids: ReadonlyArray<GeneratedGrid>
}

/** A street office, township or forest farm as generated. */
export interface GeneratedStreet {
  readonly name: string
  readonly kind: StreetKind
  /** 9 digits: 230503 and 001-099 (street offices), 200-399 (townships) or 400-599 (forest farms). */
  readonly code: string
  /** Empty for the township and the forest farms: the generator houses nobody there. */
  readonly communities: ReadonlyArray<GeneratedCommunity>
}

/** A compound (小区) as generated. */
export interface GeneratedCompound {
  readonly name: string
  /** One of the three new compounds (博爱, 惠民, 东湖) built for the resettled households. */
  readonly resettlement: boolean
  readonly street: string
  readonly community: string
  readonly buildings: number
  readonly dwellings: number
  readonly households: number
}

/** The district the options describe, without its rows. */
export interface GeneratedDistrict {
  readonly district: { readonly code: "230503"; readonly name: "岭东区" }
  readonly streets: ReadonlyArray<GeneratedStreet>
  readonly compounds: ReadonlyArray<GeneratedCompound>
  /**
   * What the generator puts in the files, for tests of the generator only. A
   * scenario reports counts read back from the registry, never these.
   */
  readonly expected: {
    readonly buildings: number
    readonly dwellings: number
    readonly households: number
    readonly residents: number
  }
}

const sum = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0)

const describe = (model: Model): GeneratedDistrict => ({
  district: DISTRICT,
  streets: model.streets.map((street) => ({
    name: street.name,
    kind: street.kind,
    code: street.code,
    communities: street.communities.map((community) => ({
      name: community.name,
      code: community.code,
      grids: community.grids.map((grid) => ({
        name: grid.name,
        code: grid.code,
        buildings: grid.buildings.length,
        households: sum(grid.buildings.map((b) => b.households))
      }))
    }))
  })),
  compounds: model.compounds.map((compound) => ({
    name: compound.name,
    resettlement: compound.resettlement,
    street: compound.community.street.name,
    community: compound.community.name,
    buildings: compound.buildings.length,
    dwellings: sum(compound.buildings.map((b) => b.flats)),
    households: sum(compound.buildings.map((b) => b.households))
  })),
  expected: {
    buildings: model.buildings.length,
    dwellings: sum(model.buildings.map((b) => b.flats)),
    households: model.households,
    residents: model.residents
  }
})

/**
 * The district tree, compounds and totals for `options`, computed without
 * writing a row (household sizes are drawn, to count households; that is
 * quick even for a million residents).
 *
 * @throws RangeError when the seed, scale or residents are out of range.
 */
export function describeDistrict(options: GeneratorOptions): GeneratedDistrict {
  return describe(buildModel(options))
}

/**
 * Writes the places file: a header and one row per building, street by
 * street, community by community, grid by grid.
 *
 * @param out a writable stream (written to and left open: end it yourself) or
 *   a file path (created or truncated, and closed when done).
 * @param encoding `utf-8` (default, no BOM) or `gb18030` (what Excel on a
 *   zh-CN Windows opens without an import dialog). Node cannot encode GB18030,
 *   so the table is built once from Node's own GB18030 decoder; no dependency.
 * @returns the number of rows written, header excluded.
 */
export async function writePlaces(
  options: GeneratorOptions,
  out: Output,
  encoding: Encoding = "utf-8"
): Promise<{ rows: number }> {
  return writePlaceRows(buildModel(options), out, options.language ?? "zh-CN", encoding)
}

/**
 * Writes the residents file: a header and one row per person, household by
 * household. Every ID number is a valid GB 11643 number, distinct within the
 * file by construction (see `idNumbers.ts`); every household has exactly one
 * head (户主); household numbers (户号) are unique. Memory does not grow with
 * the number of rows.
 *
 * @param out a writable stream (written to and left open: end it yourself) or
 *   a file path (created or truncated, and closed when done).
 * @param encoding `utf-8` (default, no BOM) or `gb18030`, as for {@link writePlaces}.
 * @returns the number of rows written, header excluded.
 */
export async function writeResidents(
  options: GeneratorOptions,
  out: Output,
  encoding: Encoding = "utf-8"
): Promise<{ rows: number }> {
  return writeResidentRows(buildModel(options), out, options.language ?? "zh-CN", encoding)
}

/**
 * The re-districting plan for the generated district, effective 2020-01-01:
 * new grids of about 300-500 households for the three resettlement compounds,
 * in the communities they were built in, with every one of their buildings
 * moved into one; an old grid is retired only if the move leaves it empty
 * (with the generated housing, none is). See `plan.ts` for the choices.
 */
export function redistrictingPlan(options: GeneratorOptions): RedistrictingPlan {
  return planRedistricting(buildModel(options))
}
