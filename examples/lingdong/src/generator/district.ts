/**
 * The district tree and its housing: streets (街道/乡/林场), communities,
 * grids, compounds, buildings with their flats, and how many households each
 * building holds. Everything here is small (one object per building, about
 * 12,000 for a million residents); the rows themselves are never held.
 *
 * At scale 1 this is the 2020 case: 6 street offices, 1 township and 8 forest
 * farms; 11 communities under the street offices with 214 grids, unevenly
 * spread; the three resettlement compounds (285 buildings, 16,147 flats, 9,163
 * households) sitting in 6 old grids of 2 communities; and older housing for
 * the rest of the 59,000 residents, spread over every grid.
 */
import { compoundName } from "./names.js"
import { nextHouseholdSize } from "./households.js"
import { makeRng, mix, type Rng } from "./random.js"

/** The district: Lingdong, Shuangyashan (GB/T 2260). */
export const DISTRICT = { code: "230503", name: "岭东区" } as const

/** The case's figures at scale 1. */
export const CASE = {
  residents: 59_000,
  grids: 214,
  communities: 11,
  streetOffices: 6,
  townships: 1,
  forestFarms: 8,
  resettlementBuildings: 285,
  resettlementFlats: 16_147,
  resettledHouseholds: 9_163
} as const

/** The kind of a street-level unit. */
export type StreetKind = "street_office" | "township" | "forest_farm"

interface StreetSeed {
  readonly name: string
  readonly kind: StreetKind
  /** The last 3 digits of the 9-digit code: 001-099 street offices, 200-399 townships, 400-599 farms and the like. */
  readonly code: string
  /** Communities in the order they survive scaling down, with their grids at scale 1. */
  readonly communities: ReadonlyArray<readonly [name: string, grids: number]>
}

const STREETS: ReadonlyArray<StreetSeed> = [
  {
    name: "中山街道",
    kind: "street_office",
    code: "001",
    communities: [
      ["新华社区", 26],
      ["中山社区", 30],
      ["和平社区", 22]
    ]
  },
  {
    name: "北山街道",
    kind: "street_office",
    code: "002",
    communities: [
      ["北山社区", 28],
      ["矿山社区", 16]
    ]
  },
  {
    name: "南翼街道",
    kind: "street_office",
    code: "003",
    communities: [
      ["南翼社区", 24],
      ["兴安社区", 12]
    ]
  },
  {
    name: "东山街道",
    kind: "street_office",
    code: "004",
    communities: [
      ["东湖社区", 14],
      ["东山社区", 20]
    ]
  },
  { name: "中心站街道", kind: "street_office", code: "005", communities: [["站前社区", 14]] },
  { name: "西山街道", kind: "street_office", code: "006", communities: [["西山社区", 8]] },
  { name: "长胜乡", kind: "township", code: "200", communities: [] },
  ...["东保卫林场", "西保卫林场", "太保林场", "青山林场", "七星林场", "岭北林场", "红旗林场", "长胜林场"].map(
    (name, i): StreetSeed => ({ name, kind: "forest_farm", code: String(400 + i), communities: [] })
  )
]

/** The three new compounds, their share of the 285 buildings, and the community they were built in. */
const RESETTLEMENT = [
  { name: "博爱小区", buildings: 110, street: "中山街道", community: "新华社区" },
  { name: "惠民小区", buildings: 95, street: "中山街道", community: "新华社区" },
  { name: "东湖小区", buildings: 80, street: "东山街道", community: "东湖社区" }
] as const

/** Flats per building: resettlement towers and older blocks. */
const TOWER_FLATS = [30, 90] as const
const OLDER_FLATS = [12, 60] as const
/** Share of flats in older housing that are lived in. */
const OLDER_OCCUPANCY = 0.9
/** Buildings per older compound. */
const OLDER_COMPOUND = [3, 10] as const

export interface StreetNode {
  readonly name: string
  readonly kind: StreetKind
  readonly code: string
  readonly communities: CommunityNode[]
}

export interface CommunityNode {
  readonly name: string
  readonly code: string
  readonly street: StreetNode
  readonly grids: GridNode[]
}

export interface GridNode {
  readonly name: string
  readonly code: string
  readonly community: CommunityNode
  readonly buildings: BuildingNode[]
}

export interface CompoundNode {
  readonly name: string
  readonly resettlement: boolean
  readonly community: CommunityNode
  readonly buildings: BuildingNode[]
}

export interface BuildingNode {
  readonly name: string
  readonly compound: CompoundNode
  readonly grid: GridNode
  readonly flats: number
  readonly households: number
}

/** The whole district, rows excepted. */
export interface Model {
  readonly seed: number
  readonly streets: ReadonlyArray<StreetNode>
  readonly compounds: ReadonlyArray<CompoundNode>
  /** Every building, in the order households are written: the resettlement compounds first, then older housing. */
  readonly buildings: ReadonlyArray<BuildingNode>
  readonly households: number
  readonly residents: number
}

/** Options the model needs (see `GeneratorOptions`). */
export interface ModelOptions {
  readonly seed: number
  readonly scale?: number
  readonly residents?: number
}

/** Independent random streams, one per concern. */
export const Stream = { structure: 1, sizes: 2, occupancy: 3, people: 4 } as const

/**
 * Splits `total` into whole parts proportional to integer `weights` (largest
 * remainder, ties to the first), each part at least `min` when `total` allows.
 */
export const apportion = (total: number, weights: ReadonlyArray<number>, min = 0): number[] => {
  const n = weights.length
  if (n === 0) return []
  const base = Math.min(min, Math.floor(total / n))
  const rest = total - base * n
  const sum = weights.reduce((a, b) => a + b, 0)
  const parts = weights.map((weight) => {
    const share = sum > 0 ? rest * weight : rest
    const divisor = sum > 0 ? sum : n
    const remainder = share % divisor
    return { whole: base + (share - remainder) / divisor, remainder }
  })
  let left = total - parts.reduce((a, part) => a + part.whole, 0)
  const order = parts.map((_, i) => i).sort((a, b) => parts[b]!.remainder - parts[a]!.remainder || a - b)
  for (const i of order) {
    if (left-- <= 0) break
    parts[i]!.whole++
  }
  return parts.map((part) => part.whole)
}

const pad3 = (n: number): string => String(n).padStart(3, "0")

/** Checks the options and fills in the defaults. */
export const resolveOptions = (options: ModelOptions): { seed: number; scale: number; residents: number } => {
  const { seed, scale = 1 } = options
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`)
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`)
  const residents = options.residents ?? Math.round(CASE.residents * scale)
  if (!Number.isInteger(residents) || residents < 1) {
    throw new RangeError(`residents must be a positive integer, got ${residents}`)
  }
  return { seed: Math.trunc(seed) >>> 0, scale, residents }
}

/** The streets, communities and grids that survive `scale`. */
const buildTree = (scale: number): StreetNode[] => {
  const kept = (kind: StreetKind, count: number) => STREETS.filter((s) => s.kind === kind).slice(0, count)
  const offices = kept("street_office", Math.max(1, Math.round(CASE.streetOffices * scale)))
  const seeds = [
    ...offices,
    ...kept("township", Math.round(CASE.townships * scale)),
    ...kept("forest_farm", Math.round(CASE.forestFarms * scale))
  ]
  // Communities survive round by round: every kept street office's first, then their second, ...
  const candidates = offices
    .flatMap((street, s) => street.communities.map((community, rank) => ({ street, s, rank, community })))
    .sort((a, b) => a.rank - b.rank || a.s - b.s)
  const communityCount = Math.min(candidates.length, Math.max(offices.length, Math.round(CASE.communities * scale)))
  const chosen = new Set(candidates.slice(0, communityCount).map((c) => c.community))
  const streets = seeds.map((seed): StreetNode => ({
    name: seed.name,
    kind: seed.kind,
    code: DISTRICT.code + seed.code,
    communities: []
  }))
  const weights: number[] = []
  seeds.forEach((seed, s) => {
    const street = streets[s]!
    seed.communities.forEach((community, c) => {
      if (!chosen.has(community)) return
      const [name, grids] = community
      street.communities.push({ name, code: street.code + pad3(c + 1), street, grids: [] })
      weights.push(grids)
    })
  })
  const communities = streets.flatMap((street) => street.communities)
  const gridCount = Math.max(2, Math.round(CASE.grids * scale), communities.length)
  apportion(gridCount, weights, 1).forEach((count, c) => {
    const community = communities[c]!
    for (let n = 1; n <= count; n++) {
      community.grids.push({ name: `第${n}网格`, code: community.code + pad3(n), community, buildings: [] })
    }
  })
  return streets
}

/** `count` flat counts in [lo, hi] that sum to `total` (which must lie in [count * lo, count * hi]). */
const flatCounts = (rng: Rng, count: number, total: number, [lo, hi]: readonly [number, number]): number[] => {
  const flats = Array.from({ length: count }, () => rng.int(lo, hi))
  let diff = total - flats.reduce((a, b) => a + b, 0)
  for (let i = rng.int(0, count - 1); diff !== 0; i = (i + 1) % count) {
    if (diff > 0 && flats[i]! < hi) {
      flats[i]!++
      diff--
    } else if (diff < 0 && flats[i]! > lo) {
      flats[i]!--
      diff++
    }
  }
  return flats
}

/**
 * Builds the district for the options: deterministic in the seed. Household
 * sizes are drawn here (and again, identically, by the residents writer) only
 * to count the households the residents fill.
 */
export const buildModel = (options: ModelOptions): Model => {
  const { seed, scale, residents } = resolveOptions(options)
  const rng = makeRng(mix(seed, Stream.structure))
  const streets = buildTree(scale)
  const communities = streets.flatMap((street) => street.communities)
  const grids = communities.flatMap((community) => community.grids)
  const taken = new Set<string>(RESETTLEMENT.map((r) => r.name))

  // The resettlement compounds: buildings, flats, and households by size until the residents run out.
  const towerCount = Math.max(3, Math.round(CASE.resettlementBuildings * scale))
  const towers = apportion(
    towerCount,
    RESETTLEMENT.map((r) => r.buildings),
    1
  )
  const towerFlatsTotal = Math.min(
    towerCount * TOWER_FLATS[1],
    Math.max(towerCount * TOWER_FLATS[0], Math.round(CASE.resettlementFlats * scale))
  )
  const towerFlats = flatCounts(rng, towerCount, towerFlatsTotal, TOWER_FLATS)
  const resettledTarget = Math.min(towerFlatsTotal, Math.max(1, Math.round(CASE.resettledHouseholds * scale)))
  const sizes = makeRng(mix(seed, Stream.sizes))
  let placed = 0
  let resettled = 0
  while (resettled < resettledTarget && placed < residents) {
    placed += nextHouseholdSize(sizes, residents - placed)
    resettled++
  }
  let older = 0
  while (placed < residents) {
    placed += nextHouseholdSize(sizes, residents - placed)
    older++
  }

  const compounds: CompoundNode[] = []
  const buildings: BuildingNode[] = []
  const towerHouseholds = apportion(resettled, towerFlats)
  const hostTurn = new Map<CommunityNode, number>()
  let t = 0
  RESETTLEMENT.forEach((seed, r) => {
    const community =
      communities.find((c) => c.name === seed.community) ??
      communities.find((c) => c.street.name === seed.street) ??
      communities[0]!
    const compound: CompoundNode = { name: seed.name, resettlement: true, community, buildings: [] }
    compounds.push(compound)
    // Each compound lands in the next two old grids of its community.
    const turn = hostTurn.get(community) ?? 0
    hostTurn.set(community, turn + 2)
    const hosts = [turn, turn + 1].map((g) => community.grids[g % community.grids.length]!)
    const count = towers[r]!
    for (let b = 0; b < count; b++, t++) {
      const grid = hosts[b < Math.ceil(count / 2) ? 0 : 1]!
      const building: BuildingNode = {
        name: `${b + 1}号楼`,
        compound,
        grid,
        flats: towerFlats[t]!,
        households: towerHouseholds[t]!
      }
      compound.buildings.push(building)
      grid.buildings.push(building)
      buildings.push(building)
    }
  })

  // Older housing: enough blocks for the other households at 90% occupancy, and at least one per grid.
  const olderFlatsNeeded = Math.ceil(older / OLDER_OCCUPANCY)
  const olderFlats: number[] = []
  for (let sum = 0; sum < olderFlatsNeeded || olderFlats.length < grids.length;) {
    const flats = rng.int(OLDER_FLATS[0], OLDER_FLATS[1])
    olderFlats.push(flats)
    sum += flats
  }
  const olderHouseholds = apportion(older, olderFlats)
  const perGrid = apportion(
    olderFlats.length,
    grids.map(() => rng.int(50, 150)),
    1
  )
  let o = 0
  let g = 0
  for (const community of communities) {
    let compound: CompoundNode | undefined
    let left = 0
    for (const grid of community.grids) {
      for (let b = perGrid[g++]!; b > 0; b--, o++) {
        if (left === 0) {
          compound = { name: compoundName(rng, taken), resettlement: false, community, buildings: [] }
          compounds.push(compound)
          left = rng.int(OLDER_COMPOUND[0], OLDER_COMPOUND[1])
        }
        left--
        const building: BuildingNode = {
          name: `${compound!.buildings.length + 1}号楼`,
          compound: compound!,
          grid,
          flats: olderFlats[o]!,
          households: olderHouseholds[o]!
        }
        compound!.buildings.push(building)
        grid.buildings.push(building)
        buildings.push(building)
      }
    }
  }
  return { seed, streets, compounds, buildings, households: resettled + older, residents }
}
