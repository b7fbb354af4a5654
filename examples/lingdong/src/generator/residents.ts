/**
 * The residents file: one row per person, household by household, building
 * by building (the resettlement compounds first, then older housing). Each
 * building's occupied flats are chosen by selection sampling (Knuth's
 * Algorithm S), so no list of flats is kept; each household is composed, its
 * members get a region, a birth date, a resident ID number, a name and maybe a
 * phone, and its rows go to a {@link CsvSink}. Memory stays flat: nothing
 * grows with the number of rows (the ID counters are a fixed 3 MB table).
 */
import { CsvSink, type Encoding, field, line, type Output } from "./csv.js"
import { type Model, Stream } from "./district.js"
import { composeHousehold, nextHouseholdSize } from "./households.js"
import { dayOf, IdIssuer, isoDate, LOCAL_REGIONS, MIGRANT_REGIONS, yearOf } from "./idNumbers.js"
import { givenName } from "./names.js"
import { makeRng, mix, weighted } from "./random.js"
import { tagLabels } from "./tags.js"

/** The residents file's header in each language. */
export const RESIDENT_HEADERS = {
  "zh-CN": ["身份证号", "姓名", "手机号", "小区", "楼栋", "单元", "房号", "户号", "与户主关系", "标签", "入住日期"],
  en: [
    "id_number",
    "name",
    "phone",
    "compound",
    "building",
    "unit",
    "flat",
    "household",
    "relation",
    "tags",
    "moved_in"
  ]
} as const

/** Ages are counted on this day, 2020-07-01. */
const REFERENCE_DAY = dayOf(2020, 7, 1)
const YEAR = 365.2425
const RESETTLED_MOVES = [dayOf(2017, 1, 1), dayOf(2019, 12, 31)] as const
const MIGRANT_MOVES = [dayOf(2010, 1, 1), dayOf(2020, 6, 30)] as const
const OLDER_MOVES = [dayOf(1960, 1, 1), dayOf(2016, 12, 31)] as const

const PHONE_PREFIXES = [
  ...["130", "131", "132", "133", "134", "135", "136", "137", "138", "139"],
  ...["150", "151", "152", "153", "155", "156", "157", "158", "159"],
  ...["180", "181", "182", "183", "184", "185", "186", "187", "188", "189"]
]

/**
 * Where a flat is: buildings have 1-6 units (单元) of about 18 flats, two
 * flats a floor, numbered floor and door (`301`, `1102`).
 */
export const flatsPerUnit = (flats: number): number =>
  Math.ceil(flats / Math.min(6, Math.max(1, Math.ceil(flats / 18))))

/**
 * Household numbers (户号): `H` and 8 digits, the household's index put
 * through i -> (i * 7,654,321 + 10,203,040) mod 10^8, a bijection (the
 * multiplier is prime to 10^8), so they are unique without being remembered
 * and do not look sequential.
 */
export const householdNumber = (index: number): string =>
  "H" + String((index * 7_654_321 + 10_203_040) % 100_000_000).padStart(8, "0")

/** Writes the residents of `model` to `out`; returns the number of rows (header excluded). */
export const writeResidentRows = async (
  model: Model,
  out: Output,
  language: keyof typeof RESIDENT_HEADERS,
  encoding: Encoding
): Promise<{ rows: number }> => {
  const sink = new CsvSink(out, encoding)
  try {
    sink.add(line(RESIDENT_HEADERS[language]))
    const sizes = makeRng(mix(model.seed, Stream.sizes))
    const occupancy = makeRng(mix(model.seed, Stream.occupancy))
    const rng = makeRng(mix(model.seed, Stream.people))
    const localRegion = weighted(LOCAL_REGIONS)
    const migrantRegion = weighted(MIGRANT_REGIONS)
    const issuer = new IdIssuer()
    let remaining = model.residents
    let household = 0
    let rows = 0
    for (const building of model.buildings) {
      const resettled = building.compound.resettlement
      const place = `${field(building.compound.name)},${field(building.name)},`
      const perUnit = flatsPerUnit(building.flats)
      let wanted = building.households
      for (let i = 0; wanted > 0; i++) {
        // Algorithm S: take this flat with probability (households still wanted) / (flats left).
        if (occupancy.next() * (building.flats - i) >= wanted) continue
        wanted--
        const size = nextHouseholdSize(sizes, remaining)
        remaining -= size
        const { members, migrant } = composeHousehold(rng, size, resettled)
        const within = i % perUnit
        const where = `${place}${Math.floor(i / perUnit) + 1},${(Math.floor(within / 2) + 1) * 100 + (within % 2) + 1},`
        const number = householdNumber(household++)
        let movedIn = ""
        let text = ""
        for (const person of members) {
          const born = Math.max(0, REFERENCE_DAY - Math.floor((person.age + rng.next()) * YEAR))
          if (person === members[0]) {
            if (resettled) movedIn = isoDate(rng.int(...RESETTLED_MOVES))
            else if (migrant) movedIn = isoDate(rng.int(...MIGRANT_MOVES))
            else if (rng.chance(0.65)) {
              const from = Math.min(OLDER_MOVES[1], Math.max(OLDER_MOVES[0], born + Math.round(20 * YEAR)))
              movedIn = isoDate(rng.int(from, OLDER_MOVES[1]))
            }
          }
          const id = issuer.issue(migrant ? migrantRegion(rng) : localRegion(rng), born, person.male)
          const name = person.surname + givenName(rng, person.male, yearOf(born))
          const { age } = person
          const phone =
            age >= 16 && rng.chance(age < 70 ? 0.95 : age < 80 ? 0.75 : 0.45)
              ? rng.pick(PHONE_PREFIXES) + String(Math.floor(rng.next() * 100_000_000)).padStart(8, "0")
              : ""
          // Relations and tag labels are fixed words without commas or quotes.
          text += `${id},${field(name)},${phone},${where}${number},${person.relation},${tagLabels(person.tags)},${movedIn}\n`
        }
        rows += members.length
        if (sink.add(text)) await sink.flush()
      }
    }
    await sink.close()
    return { rows }
  } catch (error) {
    sink.abort()
    throw error
  }
}
