/**
 * Resident ID numbers (GB 11643-1999): a 6-digit region code, the birth date
 * `YYYYMMDD`, a 3-digit sequence code whose last digit is odd for men and even
 * for women, and the ISO 7064 MOD 11-2 check character (`X` for 10).
 *
 * Uniqueness is structural, not remembered: two people can only share a
 * number if they share region, birth date and sex, and within each such
 * bucket the {@link IdIssuer} hands out sequence codes from a counter (a slot
 * 0..499, spread over the bucket's 500 codes by a fixed bijection). The
 * counters live in one `Uint16Array` of regions x days x 2 sexes (about 3 MB),
 * whatever the number of people, so a million residents need no set of the
 * numbers already issued. A full bucket (500 people of one sex born on one day
 * in one region) moves the next person's birth date one day earlier.
 */

/** Day 0 of the generator's calendar, in UTC. */
const EPOCH = Date.UTC(1900, 0, 1)
const DAY_MS = 86_400_000

/** The day number of a date (`month` 1-12), counted from 1900-01-01. */
export const dayOf = (year: number, month: number, day: number): number =>
  (Date.UTC(year, month - 1, day) - EPOCH) / DAY_MS

/** The last day a birth date or a move can fall on: 2020-12-31. */
export const LAST_DAY = dayOf(2020, 12, 31)
const DAYS = LAST_DAY + 1

/** Where the people are registered, as GB/T 2260 region codes. */
export const REGIONS = [
  { code: "230503", name: "双鸭山市岭东区" },
  { code: "230502", name: "双鸭山市尖山区" },
  { code: "230505", name: "双鸭山市四方台区" },
  { code: "230506", name: "双鸭山市宝山区" },
  { code: "230521", name: "集贤县" },
  { code: "230522", name: "友谊县" },
  { code: "230523", name: "宝清县" },
  // The city's own code, standing for cards issued under older or city-level codes.
  { code: "230501", name: "双鸭山市市辖区" },
  { code: "230102", name: "哈尔滨市道里区" },
  { code: "230803", name: "佳木斯市向阳区" },
  { code: "231002", name: "牡丹江市东安区" },
  { code: "230602", name: "大庆市萨尔图区" },
  { code: "230902", name: "七台河市新兴区" },
  { code: "220102", name: "长春市南关区" },
  { code: "210102", name: "沈阳市和平区" },
  { code: "370102", name: "济南市历下区" }
] as const

/** Region indexes with weights for people registered locally. */
export const LOCAL_REGIONS: ReadonlyArray<readonly [number, number]> = [
  [0, 860],
  [1, 40],
  [2, 15],
  [3, 20],
  [4, 25],
  [5, 10],
  [6, 10],
  [7, 20]
]

/** Region indexes with weights for migrants (外来人口). */
export const MIGRANT_REGIONS: ReadonlyArray<readonly [number, number]> = [
  [4, 10],
  [6, 10],
  [8, 15],
  [9, 15],
  [10, 10],
  [11, 10],
  [12, 10],
  [13, 8],
  [14, 7],
  [15, 5]
]

// GB 11643 / ISO 7064 MOD 11-2: weight of position i (from the left) is 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARACTERS = "10X98765432"

const digitSum = (digits: string, from: number): number => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * WEIGHTS[from + i]!
  return sum
}

const REGION_SUMS = REGIONS.map((region) => digitSum(region.code, 0))
const SEQUENCES = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"))
const SEQUENCE_SUMS = SEQUENCES.map((digits) => digitSum(digits, 14))

/** Per day: `YYYYMMDD`, `YYYY-MM-DD`, the year and the weighted sum of the date digits; built once. */
interface Calendar {
  readonly compact: ReadonlyArray<string>
  readonly iso: ReadonlyArray<string>
  readonly years: Uint16Array
  readonly sums: Uint16Array
}

let calendar: Calendar | undefined

const theCalendar = (): Calendar => {
  if (calendar !== undefined) return calendar
  const compact: string[] = []
  const iso: string[] = []
  const years = new Uint16Array(DAYS)
  const sums = new Uint16Array(DAYS)
  const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  let day = 0
  for (let year = 1900; year <= 2020; year++) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
    for (let month = 1; month <= 12; month++) {
      const length = month === 2 && leap ? 29 : monthDays[month - 1]!
      const yyyymm = `${year}${month < 10 ? "0" : ""}${month}`
      const isoMonth = `${year}-${month < 10 ? "0" : ""}${month}-`
      for (let date = 1; date <= length; date++, day++) {
        const dd = `${date < 10 ? "0" : ""}${date}`
        compact.push(yyyymm + dd)
        iso.push(isoMonth + dd)
        years[day] = year
        sums[day] = digitSum(yyyymm + dd, 6)
      }
    }
  }
  calendar = { compact, iso, years, sums }
  return calendar
}

/** `YYYY-MM-DD` of a day number. */
export const isoDate = (day: number): string => theCalendar().iso[day]!

/** The year of a day number. */
export const yearOf = (day: number): number => theCalendar().years[day]!

const SLOTS = 500
// 373 is prime and does not divide 500, so slot -> (slot * 373 + offset) mod 500 is a bijection.
const STRIDE = 373

/** Issues distinct resident ID numbers for one file. */
export class IdIssuer {
  private readonly used = new Uint16Array(REGIONS.length * DAYS * 2)
  private readonly calendar = theCalendar()

  /**
   * @param from `first` (the residents file) takes each bucket's slots from the
   *   first up; `last` from the last down, so the numbers of people recorded
   *   beside the file (members who live elsewhere) never meet the file's: no
   *   bucket holds 250 people.
   */
  constructor(private readonly from: "first" | "last" = "first") {}

  /**
   * A number for someone registered in `REGIONS[region]`, born on `day`, of
   * that sex. Never the same number twice from one issuer.
   */
  issue(region: number, day: number, male: boolean): string {
    const sex = male ? 1 : 0
    let born = day
    let bucket = ((region * DAYS + born) << 1) | sex
    while (this.used[bucket]! >= SLOTS) {
      born = born > 0 ? born - 1 : LAST_DAY
      bucket = ((region * DAYS + born) << 1) | sex
    }
    const taken = this.used[bucket]!++
    const slot = this.from === "first" ? taken : SLOTS - 1 - taken
    const sequence = ((slot * STRIDE + ((region * 7919 + born * 131) % SLOTS)) % SLOTS) * 2 + sex
    const sum = REGION_SUMS[region]! + this.calendar.sums[born]! + SEQUENCE_SUMS[sequence]!
    return REGIONS[region]!.code + this.calendar.compact[born]! + SEQUENCES[sequence]! + CHECK_CHARACTERS[sum % 11]!
  }
}
