/**
 * The re-districting plan (调整社区布局, 优化网格): the three resettlement
 * compounds were dropped into a handful of old grids, which now hold far too
 * many households. The plan gives each compound new grids of its own, in the
 * community it was built in, of about 300-500 households each, and moves every
 * one of its buildings into one of them.
 *
 * Choices, kept simple:
 * - grids are cut per compound (a new grid never mixes two compounds), from
 *   the compound's buildings in order (1号楼, 2号楼, ...), so a grid is a run
 *   of neighbouring buildings; the cuts fall where the running household count
 *   is nearest an even share;
 * - the number of grids is the one nearest 400 households each that keeps
 *   every grid within 300-500 (one grid when a compound is smaller than that,
 *   as it is at small scales);
 * - an old grid is retired only if the move leaves it no building at all.
 *   Every old grid also holds older housing, so in the generated district none
 *   is retired: the old host grids go back to their own older buildings.
 * - other grids of the two communities are not touched: the case's grids hold
 *   about 110 households, and resizing them is a different plan.
 */
import type { CommunityNode, GridNode, Model } from "./district.js"

/**
 * The day the new grids take effect: the first of 2020, the year the scenario
 * replays, so every check-in, service request and stamp of that year is made in
 * the grids that held it.
 */
export const EFFECTIVE_ON = "2020-01-01"

/** A grid, by the names of its street, community and itself. */
export interface GridRef {
  readonly street: string
  readonly community: string
  readonly grid: string
}

/** Where the resettlement compounds' buildings go. */
export interface RedistrictingPlan {
  /** `YYYY-MM-DD`. */
  readonly effectiveOn: string
  /** New grids, named on from the community's last (第27网格, ...), with their 15-digit codes. */
  readonly createGrids: ReadonlyArray<GridRef & { readonly code: string }>
  /** Every building of the three compounds, with its new grid. */
  readonly moveBuildings: ReadonlyArray<GridRef & { readonly compound: string; readonly building: string }>
  /** Old grids the move leaves with no building. */
  readonly retireGrids: ReadonlyArray<GridRef>
}

const TARGET = 400
const SMALLEST = 300
const LARGEST = 500

const refOf = (grid: GridNode): GridRef => ({
  street: grid.community.street.name,
  community: grid.community.name,
  grid: grid.name
})

/** How many grids `households` should be split into. */
export const gridCountFor = (households: number): number => {
  const nearest = Math.max(1, Math.round(households / TARGET))
  const fewest = Math.ceil(households / LARGEST)
  const most = Math.floor(households / SMALLEST)
  return fewest <= most ? Math.min(most, Math.max(fewest, nearest)) : nearest
}

/**
 * Splits buildings holding `households` (in order) into `groups` non-empty
 * runs whose household counts are as even as the buildings allow; returns the
 * index where each run starts.
 */
const cut = (households: ReadonlyArray<number>, groups: number): number[] => {
  const running = [0]
  for (const h of households) running.push(running.at(-1)! + h)
  const total = running.at(-1)!
  const starts = [0]
  for (let k = 1; k < groups; k++) {
    const target = (total * k) / groups
    let best = starts.at(-1)! + 1
    for (let j = best; j <= households.length - (groups - k); j++) {
      if (Math.abs(running[j]! - target) < Math.abs(running[best]! - target)) best = j
    }
    starts.push(best)
  }
  return starts
}

/** The plan for the district `model` describes. */
export const planRedistricting = (model: Model): RedistrictingPlan => {
  const nextNumber = new Map<CommunityNode, number>()
  const createGrids: Array<GridRef & { code: string }> = []
  const moveBuildings: Array<GridRef & { compound: string; building: string }> = []
  const hosts = new Set<GridNode>()
  for (const compound of model.compounds) {
    if (!compound.resettlement) continue
    const { community } = compound
    const households = compound.buildings.map((b) => b.households)
    const total = households.reduce((a, b) => a + b, 0)
    const groups = Math.min(compound.buildings.length, gridCountFor(total))
    const starts = cut(households, groups)
    let number = nextNumber.get(community) ?? community.grids.length + 1
    const grids = starts.map(() => {
      const grid = {
        street: community.street.name,
        community: community.name,
        grid: `第${number}网格`,
        code: community.code + String(number).padStart(3, "0")
      }
      number++
      createGrids.push(grid)
      return grid
    })
    nextNumber.set(community, number)
    let group = 0
    compound.buildings.forEach((building, b) => {
      if (starts[group + 1] === b) group++
      hosts.add(building.grid)
      const { street, community: communityName, grid } = grids[group]!
      moveBuildings.push({ compound: compound.name, building: building.name, street, community: communityName, grid })
    })
  }
  const retireGrids = [...hosts]
    .filter((grid) => grid.buildings.every((building) => building.compound.resettlement))
    .map(refOf)
  return { effectiveOn: EFFECTIVE_ON, createGrids, moveBuildings, retireGrids }
}
