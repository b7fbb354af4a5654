/**
 * The rows of the benchmark: a deterministic stream of household visit readings,
 * drawn from a seeded PRNG one at a time. The same seed gives the same rows, so
 * the kernel and the bare driver receive the same content; nothing is ever held
 * in memory beyond the row being made.
 */

/** One reading as a host hands it to the kernel: JSON-like values, the time as ISO-8601 text. */
export interface Reading {
  readonly householdId: string
  readonly residentName: string
  readonly age: number
  readonly sex: "F" | "M"
  readonly phoneHash: string
  readonly grid: string
  readonly visits: number
  readonly score: number
  readonly note: string | null
  readonly visitedAt: string
  readonly active: boolean
}

/** mulberry32: a small, fast 32-bit PRNG; good enough to make varied rows, and seeded. */
const mulberry32 = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
const GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉珍淑"
const HEX = "0123456789abcdef"

/** Notes as grid workers type them; some carry a tab, a line break or a backslash (COPY must escape them). */
const NOTES: ReadonlyArray<string> = [
  "独居老人，需每周走访",
  "电话无人接听\t改日再访",
  "家属反映：\n血压偏高，已联系社区医生",
  "已登记低保复核材料",
  "门牌为旧编号 C:\\老楼\\3单元",
  "租户，房东联系方式已更新",
  "需协助办理医保异地备案",
  "Visited with the community nurse; follow up in two weeks"
]

const hex8 = (n: number): string => {
  let out = ""
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(n >>> shift) & 15]
  return out
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

const START = Date.UTC(2024, 0, 1)
const TWO_YEARS_S = 2 * 365 * 24 * 3600

/**
 * `count` readings of district `district`, in a fixed order for a given `seed`.
 * Households live in one of 12 communities × 20 grids; a household keeps its grid.
 */
export function* readings(count: number, seed: number, district: string): Generator<Reading> {
  const next = mulberry32(seed)
  for (let i = 0; i < count; i++) {
    const household = next() % 250_000
    const community = 1 + (household % 12)
    const grid = 1 + ((household >>> 4) % 20)
    const given = next()
    const name =
      SURNAMES[given % SURNAMES.length]! +
      GIVEN[(given >>> 8) % GIVEN.length]! +
      ((given >>> 16) % 3 === 0 ? "" : GIVEN[(given >>> 20) % GIVEN.length]!)
    const shape = next()
    yield {
      householdId: `HH${pad(household, 8)}`,
      residentName: name,
      age: shape % 101,
      sex: (shape >>> 8) % 2 === 0 ? "F" : "M",
      phoneHash: hex8(next()) + hex8(next()),
      grid: `${district}${pad(community, 3)}-${pad(grid, 3)}`,
      visits: (shape >>> 12) % 25,
      score: (next() % 10_001) / 100,
      note: (shape >>> 20) % 4 === 0 ? NOTES[(shape >>> 24) % NOTES.length]! : null,
      visitedAt: new Date(START + (next() % TWO_YEARS_S) * 1000).toISOString(),
      active: (shape >>> 28) % 10 !== 0
    }
  }
}
